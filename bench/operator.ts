// `make bench` (operator): applies 200 Organizations at about 20 per second against a stack of its
// own (.stack/bench), and reports apply→Ready latency, databases included, as a ratio to the
// apiserver's own create latency measured in the same run, plus queue wait, no-op resync writes,
// full-resync time after a restart and the operator's memory. Results go to bench/results/.
import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { installManifests } from '@guardian/crds/install';
import { KINDS } from '@guardian/crds/kinds';
import { KubeClient } from '@guardian/kube/client';
import { Informer } from '@guardian/kube/informer';
import { loadClusterAccess } from '@guardian/kube/kubeconfig';
import { pollUntil } from '@guardian/kube/poll';
import * as k8s from '@kubernetes/client-node';
import { pino } from 'pino';
import { parse } from 'yaml';
import type { Organization } from '../crds/generated/index.ts';
import { operatorIdentity } from '../scripts/service-account-identity.ts';
import { down, up } from '../scripts/stack/index.ts';
import { freePort } from '../scripts/stack/process.ts';
import { Stack } from '../scripts/stack/stack.ts';
import { startOperator } from '../test/support/operator.ts';
import { cpuByCommand, cpuSpent } from './cpu.ts';
import { percentile, ratio, report } from './report.ts';

const COUNT = Number(process.env.BENCH_ORGANIZATIONS ?? 200);
const RATE = 20;
// A fresh stack each run: organizations left by an earlier run would be reconciled alongside.
const stackDir = resolve(import.meta.dirname, '../.stack/bench');
console.log('[bench] starting a fresh bench stack');
await down(new Stack(stackDir, true));
rmSync(stackDir, { recursive: true, force: true });
const stack = new Stack(stackDir, true);
const env = await up(stack);
Object.assign(process.env, env);
const admin = new k8s.KubeConfig();
admin.loadFromFile(env.KUBECONFIG ?? '');
await installManifests(new KubeClient(loadClusterAccess(env)));
const core = admin.makeApiClient(k8s.CoreV1Api);
const objects = k8s.KubernetesObjectApi.makeApiClient(admin);
const run = `bench-${Date.now().toString(36)}`;
const namespace = `${run}-op`;
const kubeconfig = await operatorIdentity(admin, namespace, stack.path('kube', `${namespace}.kubeconfig`), 2);
const account = `system:serviceaccount:${namespace}:guardian-operator`;

console.log(`[bench] baseline: the apiserver's own create latency, ${COUNT} ConfigMaps at ${RATE}/s`);
await core.createNamespace({ body: { metadata: { name: run } } });
const creates: number[] = [];
await paced(COUNT, async (i) => {
  const started = performance.now();
  await core.createNamespacedConfigMap({
    namespace: run,
    body: { metadata: { name: `c${i}` }, data: { i: String(i) } },
  });
  creates.push(performance.now() - started);
});

// The operator runs with the Node.js flags the chart gives it by default, as it would be installed.
const chartValues = parse(
  readFileSync(resolve(import.meta.dirname, '../charts/guardian/values.yaml'), 'utf8'),
) as {
  operator: { nodeOptions: string };
};
// BENCH_OPERATOR_NODE_OPTIONS adds flags, e.g. `--cpu-prof --cpu-prof-dir=/tmp/profiles`.
const operatorEnv = {
  NODE_OPTIONS: `${chartValues.operator.nodeOptions} ${process.env.BENCH_OPERATOR_NODE_OPTIONS ?? ''}`.trim(),
};
const port = await freePort();
let operator = await startOperator({
  kubeconfig,
  namespace,
  port,
  env: { ...operatorEnv, OPERATOR_RESYNC_SECONDS: '3600' },
});
// However the benchmark ends, its operator must not outlive it (a second operator would race it).
process.on('exit', () => operator.process.kill('SIGKILL'));
await until(
  async () => (await operator.probe('/readyz').catch(() => ({ status: 0 }))).status === 200,
  60_000,
);

console.log(`[bench] applying ${COUNT} Organizations at ${RATE}/s`);
const processes: Record<number, string> = {
  [process.pid]: 'bench',
  [operator.process.pid ?? 0]: 'operator',
  ...Object.fromEntries(
    ['pg1', 'pg2', 'kube-apiserver', 'etcd', 'kube-controller-manager'].map((name) => [
      Number(readFileSync(stack.path('run', `${name}.pid`), 'utf8')),
      name === 'pg1' || name === 'pg2' ? `postgres ${name}` : name,
    ]),
  ),
};
const cpuBefore = cpuByCommand(processes);
const applied = new Map<string, number>();
const ready = new Map<string, number>();
const names = Array.from({ length: COUNT }, (_, i) => `${run}-${i}`);
// Readiness is observed through a watch, like a controller would, not by listing in a loop.
const watcher = new Informer<Organization>(
  new KubeClient(loadClusterAccess(env)),
  KINDS.organization,
  pino({ level: 'silent' }),
);
watcher.onChange((org) => {
  const name = org.metadata?.name ?? '';
  if (!applied.has(name) || ready.has(name)) return;
  if (org.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    ready.set(name, performance.now());
});
watcher.start();
await paced(COUNT, async (i) => {
  const name = names[i] as string;
  applied.set(name, performance.now());
  await objects.patch(
    {
      apiVersion: 'guardian.aiops.dev/v1alpha1',
      kind: 'Organization',
      metadata: { name },
      spec: { displayName: name, plan: 'starter' },
    } as k8s.KubernetesObject,
    undefined,
    undefined,
    'bench',
    true,
    k8s.PatchStrategy.ServerSideApply,
  );
});
await until(async () => ready.size === COUNT, 600_000);
// Where the machine's CPU went from the first apply to the last Ready (a process dead meanwhile is missed).
const cpu = cpuSpent(cpuBefore, cpuByCommand(processes));
// The stack's share: what the organizations cost the machine, whoever else runs on it.
const stackCpu = cpu.filter(([name]) => Object.values(processes).includes(name));
const cpuPerOrganizationMs = (stackCpu.reduce((sum, [, s]) => sum + s, 0) * 1000) / COUNT;
const throughput = COUNT / ((Math.max(...ready.values()) - Math.min(...applied.values())) / 1000);
watcher.stop();
const latencies = names.map((n) => (ready.get(n) ?? 0) - (applied.get(n) ?? 0));
const applyMetrics = (await operator.probe('/metrics')).body;
const queueWaitP99 = histogramQuantile(applyMetrics, 'guardian_workqueue_wait_seconds', 'organization', 0.99);
const reconcilesPerOrganization = (await reconciles(operator)) / COUNT;
const writesPerOrganization = writes() / COUNT;
// Where a reconcile's time goes: each step's p50 and p99 (histogram bucket upper bounds).
const steps = Object.fromEntries(
  [
    ...new Set(
      [...applyMetrics.matchAll(/guardian_reconcile_step_duration_seconds_count\{[^}]*step="([^"]+)"/g)].map(
        (m) => m[1] as string,
      ),
    ),
  ].map((step) => [
    step,
    [0.5, 0.99].map(
      (q) =>
        histogramQuantile(applyMetrics, 'guardian_reconcile_step_duration_seconds', 'organization', q, step) *
        1000,
    ),
  ]),
);

console.log('[bench] no-op resync: restart with a 5 s resync and count writes for two periods');
await operator.stop();
const restartedAt = performance.now();
operator = await startOperator({
  kubeconfig,
  namespace,
  port,
  env: { ...operatorEnv, OPERATOR_RESYNC_SECONDS: '5' },
});
await until(async () => (await reconciles(operator)) >= COUNT, 300_000);
const fullResyncMs = performance.now() - restartedAt;
await sleep(2000);
const writesBefore = writes();
await sleep(11_000);
const noopWrites = writes() - writesBefore;
const rssMb =
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${operator.process.pid}/status`, 'utf8'))?.[1] ?? 0) /
  1024;
const heapMb =
  Number(/^nodejs_heap_size_used_bytes (\d+)/m.exec((await operator.probe('/metrics')).body)?.[1] ?? 0) /
  1024 /
  1024;
await operator.stop();

const createP50 = percentile(creates, 0.5);
const figures = {
  organizations: COUNT,
  applyToReadyP50Ms: percentile(latencies, 0.5),
  applyToReadyP99Ms: percentile(latencies, 0.99),
  apiserverCreateP50Ms: createP50,
  applyToReadyP50Ratio: ratio(percentile(latencies, 0.5), createP50),
  applyToReadyP99Ratio: ratio(percentile(latencies, 0.99), createP50),
  queueWaitP99Ms: queueWaitP99 * 1000,
  reconcilesPerOrganization,
  readyPerSecond: throughput,
  stackCpuPerOrganizationMs: cpuPerOrganizationMs,
  cpuSeconds: Object.fromEntries(stackCpu),
  writesPerOrganization,
  stepP50P99Ms: steps,
  noopResyncWrites: noopWrites,
  fullResyncAfterRestartMs: fullResyncMs,
  operatorRssMb: rssMb,
  operatorHeapUsedMb: heapMb,
};
report('operator', figures, [
  `apply→Ready p50 ${figures.applyToReadyP50Ms.toFixed(0)} ms = ${figures.applyToReadyP50Ratio}× the apiserver's create p50 (${createP50.toFixed(1)} ms)`,
  `apply→Ready p99 ${figures.applyToReadyP99Ms.toFixed(0)} ms = ${figures.applyToReadyP99Ratio}× (target p99 < 5000 ms: ${figures.applyToReadyP99Ms < 5000 ? 'met' : 'NOT met'})`,
  `work-queue wait p99 ≤ ${figures.queueWaitP99Ms.toFixed(0)} ms (histogram bucket)`,
  `throughput ${throughput.toFixed(1)} organizations Ready per second (applied at ${RATE}/s)`,
  `CPU from first apply to last Ready: ${cpu
    .slice(0, 8)
    .map(([name, seconds]) => `${name} ${seconds.toFixed(1)} s`)
    .join(', ')}; the stack's ${cpuPerOrganizationMs.toFixed(0)} ms per organization`,
  `per organization: ${reconcilesPerOrganization.toFixed(1)} reconciles, ${writesPerOrganization.toFixed(1)} operator writes`,
  `reconcile steps p50/p99 ≤ (ms, buckets): ${Object.entries(steps)
    .map(([step, [p50, p99]]) => `${step} ${p50}/${p99}`)
    .join(', ')}`,
  `writes during no-op resyncs: ${noopWrites} (target 0)`,
  `full resync after a restart: ${(fullResyncMs / 1000).toFixed(1)} s for ${COUNT} organizations`,
  `operator RSS ${rssMb.toFixed(0)} MB (target < 200 MB), of which V8 heap in use ${heapMb.toFixed(0)} MB`,
]);

console.log('[bench] cleaning up (the bench stack stays for inspection: make stack-down STACK=.stack/bench)');
process.exit(0);

async function paced(count: number, work: (i: number) => Promise<void>): Promise<void> {
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(work(i));
  }
  await Promise.all(pending);
}

function until(check: () => Promise<boolean>, timeoutMs: number): Promise<true> {
  return pollUntil('the benchmark', check, { timeoutMs, retryErrors: true });
}

async function reconciles(op: { probe(path: string): Promise<{ body: string }> }): Promise<number> {
  const lines =
    (await op.probe('/metrics')).body.match(
      /guardian_reconcile_total\{controller="organization",result="[a-z]+"\} \d+/g,
    ) ?? [];
  return lines.reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

function ours(name: string | undefined): boolean {
  const org = name?.replace(/^org-/, '').replace(/--.*$/, '') ?? '';
  return names.includes(org);
}

function writes(): number {
  return (
    readFileSync(stack.log('kube-audit'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(
        (line) =>
          JSON.parse(line) as {
            user: { username: string };
            objectRef?: { resource?: string; name?: string; namespace?: string };
          },
      )
      // Only this run's organizations: anything else in the bench cluster is someone else's work.
      .filter((e) => e.user.username === account && e.objectRef?.resource !== 'leases')
      .filter((e) => ours(e.objectRef?.name) || ours(e.objectRef?.namespace)).length
  );
}

/** The upper bound of the histogram bucket holding quantile q. */
function histogramQuantile(
  metrics: string,
  name: string,
  controller: string,
  q: number,
  step?: string,
): number {
  // prom-client orders labels as it likes: find the controller's bucket lines whatever the order.
  const buckets = metrics
    .split('\n')
    .filter((line) => line.startsWith(`${name}_bucket{`) && line.includes(`controller="${controller}"`))
    .filter((line) => step === undefined || line.includes(`step="${step}"`))
    .map((line) => ({
      le:
        /le="([^"]+)"/.exec(line)?.[1] === '+Inf'
          ? Number.POSITIVE_INFINITY
          : Number(/le="([^"]+)"/.exec(line)?.[1]),
      count: Number(line.split(' ').pop()),
    }));
  const total = buckets.at(-1)?.count ?? 0;
  return buckets.find((b) => b.count >= q * total)?.le ?? Number.NaN;
}
