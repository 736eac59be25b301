// `make bench` (agents): a full run of every agent (the platform's own path: one snapshot read, one
// LIST per kind, then all 37 agents over it) against the raw LISTs of the same kinds with the same
// client, alternating, in the same run, over one namespace seeded with ~1,000 and then ~10,000
// objects (Deployments whose Pods kwok runs, their ReplicaSets, Services and their
// EndpointSlices, ConfigMaps, Secrets, ServiceAccounts, Roles, RoleBindings). Reports the time
// ratio at each size, the requests the run sent (apiserver_request_total: LISTs at namespace
// scope, which nothing else in the bench stack sends), and the peak RSS of this process (which
// runs the platform's agent-run code) during the 10,000-object run. The run reads as the stack's
// admin, not the organization's impersonated agent: no operator runs here to bind it, and
// impersonation adds one header, not a request.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { KubeObject } from '@guardian/kube/resources';
import { readSnapshot, resourceOf } from '../platform/src/agent-runs/snapshot-reader.ts';
import {
  buildSnapshot,
  catalog,
  defaultAgentSettings,
  evaluate,
  type Kind,
  NAMESPACED_KINDS,
} from '../platform/src/agents/index.ts';
import { container, deployment, podSpec, service } from '../platform/src/agents/testing/manifests.ts';
import { up } from '../scripts/stack/index.ts';
import { Stack } from '../scripts/stack/stack.ts';
import { percentile, ratio, report } from './report.ts';

const SIZES = (process.env.BENCH_AGENT_OBJECTS ?? '1000,10000').split(',').map(Number);
const REPEATS = Number(process.env.BENCH_AGENT_REPEATS ?? 5);
/** Objects per unit: Deployment, ReplicaSet, Pod, Service, EndpointSlice, ConfigMap, Secret, ServiceAccount, Role, RoleBinding. */
const PER_UNIT = 10;
const PODS_PER_NODE = 250;
const CONCURRENCY = 16;

const stack = new Stack(resolve(import.meta.dirname, '../.stack/bench'), true);
Object.assign(process.env, await up(stack));
// Imported after the stack's environment is in place: the test support reads it.
const { adminClient, eventually } = await import('../test/support/kube.ts');
const kube = adminClient();
const run = `bench-agents-${Date.now().toString(36)}`;

const fakeNode = (name: string): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', type: 'kwok' },
    },
    status: {
      allocatable: { cpu: '32', memory: '256Gi', pods: String(PODS_PER_NODE) },
      capacity: { cpu: '32', memory: '256Gi', pods: String(PODS_PER_NODE) },
    },
  }) as KubeObject;

/** The objects a client writes for one unit; the controllers add its ReplicaSet, Pod and EndpointSlice. */
function unit(i: number): Array<{ kind: Kind; object: object }> {
  const name = `app-${i}`;
  const app = container('app', { resources: { requests: { cpu: '10m', memory: '16Mi' } } });
  return [
    { kind: 'Deployment', object: deployment(name, podSpec({ containers: [app] })) },
    { kind: 'Service', object: service(name, { app: name }) },
    {
      kind: 'ConfigMap',
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { LEVEL: 'info' } },
    },
    {
      kind: 'Secret',
      object: { apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: { token: `t-${i}` } },
    },
    { kind: 'ServiceAccount', object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } } },
    {
      kind: 'Role',
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name },
        rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: [name], verbs: ['get'] }],
      },
    },
    {
      kind: 'RoleBinding',
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [{ kind: 'ServiceAccount', name }],
      },
    },
  ];
}

async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

async function seed(namespace: string, units: number, from: number): Promise<void> {
  const writes = Array.from({ length: units - from }, (_, i) => unit(from + i)).flat();
  await inParallel(writes, ({ kind, object }) =>
    kube.apply(
      resourceOf(kind),
      { ...(object as KubeObject), metadata: { ...(object as KubeObject).metadata, namespace } },
      { fieldManager: 'guardian-bench' },
    ),
  );
  await eventually(
    `${units} kwok-run Pods in ${namespace}`,
    async () => {
      const pods = await kube.list<KubeObject & { status?: { phase?: string } }>(resourceOf('Pod'), {
        namespace,
      });
      return pods.items.filter((pod) => pod.status?.phase === 'Running').length >= units;
    },
    900_000,
  );
}

/** The baseline: the raw LISTs the run sends, with the same client and pages, all at once. */
async function rawLists(namespace: string): Promise<number> {
  const lists = await Promise.all([
    ...NAMESPACED_KINDS.map((kind) => kube.list(resourceOf(kind), { namespace })),
    kube.list(resourceOf('Node')),
    kube.list(resourceOf('StorageClass')),
  ]);
  return lists.reduce((count, list) => count + list.items.length, 0);
}

/** A full run of every agent: the snapshot the platform reads, then the catalog over it. */
async function agentRun(namespace: string): Promise<number> {
  const input = await readSnapshot({ agent: kube, cluster: kube }, namespace);
  const evaluation = evaluate(catalog, buildSnapshot(input), {
    now: Date.now(),
    settings: defaultAgentSettings,
  });
  if (evaluation.failed.length > 0)
    throw new Error(`bench: agents failed: ${JSON.stringify(evaluation.failed)}`);
  return evaluation.findings.length;
}

const exec = promisify(execFile);
/** LIST requests the apiserver has answered at namespace scope, by resource. */
async function namespacedLists(): Promise<Map<string, number>> {
  const { stdout } = await exec('kubectl', ['get', '--raw', '/metrics'], {
    env: process.env,
    maxBuffer: 256 * 1024 * 1024,
  });
  const counts = new Map<string, number>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('apiserver_request_total{') || !line.includes('verb="LIST"')) continue;
    if (!line.includes('scope="namespace"')) continue;
    const resource = /resource="([^"]*)"/.exec(line)?.[1] ?? '';
    counts.set(resource, (counts.get(resource) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return counts;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

const namespace = run;
const namespaces = { apiVersion: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false };
await kube.apply(
  namespaces,
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
  {
    fieldManager: 'guardian-bench',
  },
);
const largest = Math.max(...SIZES);
const nodes = Math.ceil(largest / PER_UNIT / PODS_PER_NODE);
for (let i = 1; i < nodes + 1; i++) {
  await kube.apply(resourceOf('Node'), fakeNode(`kwok-bench-${i}`), { fieldManager: 'guardian-bench' });
}

const results: Array<Record<string, number>> = [];
let seeded = 0;
for (const size of SIZES) {
  const units = Math.round(size / PER_UNIT);
  console.log(`[bench] seeding ${namespace} to ${units} units (~${units * PER_UNIT} objects)`);
  await seed(namespace, units, seeded);
  seeded = units;
  const objects = await rawLists(namespace);
  // Warm both paths, then alternate (and swap the order halfway) so neither runs on a warmer machine.
  await rawLists(namespace);
  await agentRun(namespace);
  const baseline: number[] = [];
  const agents: number[] = [];
  let findings = 0;
  const before = await namespacedLists();
  let rss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    rss = Math.max(rss, process.memoryUsage().rss);
  }, 20);
  for (let i = 0; i < REPEATS; i++) {
    if (i < REPEATS / 2) baseline.push(await timed(() => rawLists(namespace)));
    agents.push(
      await timed(async () => {
        findings = await agentRun(namespace);
      }),
    );
    if (i >= REPEATS / 2) baseline.push(await timed(() => rawLists(namespace)));
  }
  clearInterval(sampler);
  const after = await namespacedLists();
  const sent = [...after].reduce((sum, [resource, count]) => sum + count - (before.get(resource) ?? 0), 0);
  // Pages: one LIST per kind per 500 items (the client's page size), for runs and baselines alike.
  const counts = await Promise.all(
    NAMESPACED_KINDS.map(async (kind) => (await kube.list(resourceOf(kind), { namespace })).items.length),
  );
  const pagesPerRead = counts.reduce((sum, count) => sum + Math.max(1, Math.ceil(count / 500)), 0);
  const listsPerRun = sent / (2 * REPEATS);
  results.push({
    objects,
    findings,
    agentRunMs: Math.round(percentile(agents, 0.5)),
    rawListsMs: Math.round(percentile(baseline, 0.5)),
    ratio: ratio(percentile(agents, 0.5), percentile(baseline, 0.5)),
    namespacedListsPerRun: listsPerRun,
    expectedListsPerRun: pagesPerRead,
    kinds: NAMESPACED_KINDS.length,
    peakRssMiB: Math.round(rss / 2 ** 20),
  });
}

const [small, large] = [results[0], results.at(-1)];
const growth = small && large ? ratio(large.agentRunMs ?? 0, small.agentRunMs ?? 1) : Number.NaN;
const objectGrowth = small && large ? ratio(large.objects ?? 0, small.objects ?? 1) : Number.NaN;
report('agents', { agents: catalog.length, repeats: REPEATS, sizes: results, growth, objectGrowth }, [
  ...results.map(
    (r) =>
      `${r.objects} objects: every agent ${r.agentRunMs} ms vs the raw LISTs ${r.rawListsMs} ms = ${r.ratio}× (target ≤ 1.3 at 1,000: ${(r.ratio ?? 0) <= 1.3 ? 'met' : 'NOT met'}); ${r.findings} findings; namespaced LISTs per read ${r.namespacedListsPerRun} (one per kind and page: ${r.expectedListsPerRun} for ${r.kinds} kinds); peak RSS ${r.peakRssMiB} MiB`,
  ),
  `run time grew ${growth}× for ${objectGrowth}× the objects (linear: about the same)`,
]);

console.log('[bench] cleaning up (the bench stack stays for inspection: make stack-down STACK=.stack/bench)');
await kube.delete(namespaces, namespace);
for (let i = 1; i < nodes + 1; i++) await kube.delete(resourceOf('Node'), `kwok-bench-${i}`);
await kube.close();
process.exit(0);
