// `node bench/operator-memory.ts [--dir .stack/bench] [--organizations 5] [--entry bin/guardian.ts]`:
// the operator's memory once settled, as its metrics port reports it (process_resident_memory_bytes,
// nodejs_heap_size_used_bytes): idle after its caches synced, then with N organizations of its own
// Ready. It runs `guardian operator` as the tests do (its own ServiceAccount, the chart's default
// NODE_OPTIONS) against the stack in --dir, brought up if it is not running. --entry runs another
// checkout's bin/guardian.ts against the same stack, for before/after figures; the third-party
// packages the process loaded are listed too. Figures go to bench/results/operator-memory.json.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { Organization } from '@guardian/crds/generated';
import { installManifests } from '@guardian/crds/install';
import { KINDS } from '@guardian/crds/kinds';
import { KubeClient } from '@guardian/kube/client';
import { loadClusterAccess } from '@guardian/kube/kubeconfig';
import { core } from '@guardian/kube/resources';
import * as k8s from '@kubernetes/client-node';
import { parse } from 'yaml';
import { operatorIdentity } from '../scripts/service-account-identity.ts';
import { up } from '../scripts/stack/index.ts';
import { freePort } from '../scripts/stack/process.ts';
import { Stack } from '../scripts/stack/stack.ts';
import { eventually } from '../test/support/kube.ts';
import { startOperator } from '../test/support/operator.ts';
import { report } from './report.ts';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: resolve(import.meta.dirname, '../.stack/bench') },
    organizations: { type: 'string', default: '5' },
    entry: { type: 'string', default: resolve(import.meta.dirname, '../bin/guardian.ts') },
    settle: { type: 'string', default: '20' },
  },
});
const count = Number(values.organizations);
const settleMs = Number(values.settle) * 1000;
const entry = resolve(values.entry);

const stack = new Stack(values.dir, true);
const env = await up(stack);
Object.assign(process.env, env);
const admin = new k8s.KubeConfig();
admin.loadFromFile(env.KUBECONFIG ?? '');
const client = new KubeClient(loadClusterAccess(env));
await installManifests(client);
const run = `mem-${Date.now().toString(36)}`;
const namespace = `${run}-op`;
const kubeconfig = await operatorIdentity(
  admin,
  namespace,
  join(mkdtempSync(join(tmpdir(), run)), 'kubeconfig'),
  1,
);
const chartValues = parse(
  readFileSync(resolve(import.meta.dirname, '../charts/guardian/values.yaml'), 'utf8'),
) as {
  operator: { nodeOptions: string };
};
const loadedFile = join(mkdtempSync(join(tmpdir(), run)), 'packages.txt');
const hook = resolve(import.meta.dirname, '../test/support/loaded-packages.ts');

const operator = await startOperator({
  kubeconfig,
  namespace,
  port: await freePort(),
  entry,
  env: {
    NODE_OPTIONS: `${chartValues.operator.nodeOptions} --import=${hook}`,
    LOADED_PACKAGES_FILE: loadedFile,
  },
});
process.on('exit', () => operator.process.kill('SIGKILL'));

/** RSS and heap in use, MiB, the median of five samples a second apart. */
async function memory(): Promise<{ rssMiB: number; heapUsedMiB: number }> {
  const samples: { rss: number; heap: number }[] = [];
  for (let i = 0; i < 5; i++) {
    const { body } = await operator.probe('/metrics');
    const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(body)?.[1] ?? Number.NaN);
    samples.push({ rss: gauge('process_resident_memory_bytes'), heap: gauge('nodejs_heap_size_used_bytes') });
    await sleep(1000);
  }
  const median = (values: number[]) => (values.sort((a, b) => a - b)[2] ?? Number.NaN) / 2 ** 20;
  return { rssMiB: median(samples.map((s) => s.rss)), heapUsedMiB: median(samples.map((s) => s.heap)) };
}

await eventually('the operator to be ready', async () => (await operator.probe('/readyz')).status === 200);
await sleep(settleMs);
const idle = await memory();

const names = Array.from({ length: count }, (_, i) => `${run}-${i}`);
for (const name of names)
  await client.apply(
    KINDS.organization,
    {
      apiVersion: KINDS.organization.apiVersion,
      kind: KINDS.organization.kind,
      metadata: { name },
      spec: { displayName: name, plan: 'starter' },
    },
    { fieldManager: 'bench' },
  );
await eventually(
  `${count} organizations Ready`,
  async () => {
    const ready = await Promise.all(
      names.map(async (name) => {
        const org = await client.get<Organization>(KINDS.organization, name);
        return org.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
      }),
    );
    return ready.every(Boolean);
  },
  300_000,
);
await sleep(settleMs);
const withOrganizations = await memory();

console.log(`[bench] deleting the ${count} organizations while the operator runs`);
for (const name of names) await client.delete(KINDS.organization, name);
await eventually(
  'the organizations to be finalized',
  async () =>
    (await Promise.all(names.map((name) => client.find(KINDS.organization, name)))).every((o) => !o),
  300_000,
);
await operator.stop();
await client.delete(core.namespace, namespace);
await client.close();
const packages = readFileSync(loadedFile, 'utf8').split('\n').filter(Boolean);

const figures = { entry, organizations: count, idle, withOrganizations, packages };
report('operator-memory', figures, [
  `entry ${entry}`,
  `idle: RSS ${idle.rssMiB.toFixed(1)} MiB, V8 heap in use ${idle.heapUsedMiB.toFixed(1)} MiB`,
  `${count} organizations Ready: RSS ${withOrganizations.rssMiB.toFixed(1)} MiB, heap ${withOrganizations.heapUsedMiB.toFixed(1)} MiB`,
  `${packages.length} third-party packages loaded: ${packages.join(', ')}`,
]);
process.exit(0);
