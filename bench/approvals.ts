// `make bench` (approvals): the latency from an approval accepted (its WorkflowApproval seen with
// status.accepted, written by the platform as `POST /workflows/{id}/approve` is judged) to the next
// step starting (the operator's write of it), both as watches of this process see them, over 200
// gated runs in production (a medium-risk gate, then a notification), p50 and p99 as ratios to a
// bare watch round trip on the same apiserver in the same run (bench/workflow-harness.ts); and,
// for reference, from sending the POST to the next step starting. Goal: p99 at most 3×.
import type { WorkflowApproval } from '@guardian/crds/generated';
import { KINDS } from '@guardian/crds/kinds';
import { Informer } from '@guardian/kube/informer';
import type { KubeObject } from '@guardian/kube/resources';
import { builtInTemplates } from '@guardian/platform/workflows';
import { pino } from 'pino';
import { percentile, ratio, report } from './report.ts';
import { adminClient, eventually, type Run, uniqueName, workflowBench } from './workflow-harness.ts';

const COUNT = Number(process.env.BENCH_APPROVALS ?? 200);
const templates = builtInTemplates.with([
  {
    name: 'bench_gate',
    namePrefix: 'gate',
    description: 'A medium-risk gate, then a notification',
    steps: [
      { name: 'approval', type: 'approval', description: 'The gate', risk: 'medium' },
      { name: 'tell', type: 'notify', description: 'Says so', message: '{template} ran' },
    ],
  },
]);

const bench = await workflowBench('approvals', { concurrentWorkflows: COUNT + 1 }, templates);
const { startPlatform, platformKubeconfig, call } = await import('../test/support/platform.ts');
const platform = await startPlatform({ kubeconfig: await platformKubeconfig(uniqueName('bench-platform')) });
const approver = crypto.randomUUID();
const { token } = await platform.platform.tokens.issue(
  approver,
  { superAdmin: false, orgs: { [bench.org]: 'org_admin' }, teams: {} },
  bench.org,
);

console.log(`[bench] baseline: ${COUNT} bare watch round trips`);
const baseline = await bench.watchRoundTrips(COUNT);

console.log(`[bench] ${COUNT} gated runs in production, each approved once it awaits`);
const names = Array.from({ length: COUNT }, (_, i) => `wf-gate-${i}`);
const awaiting = new Map<string, () => void>();
const moved = new Map<string, (at: number) => void>();
bench.onRun((run: Run, seenAt) => {
  const name = run.metadata?.name ?? '';
  if (run.status?.phase === 'AwaitingApproval') awaiting.get(name)?.();
  const next = run.status?.steps?.find((step) => step.name === 'tell');
  if (next && next.phase !== 'Pending') moved.get(name)?.(seenAt);
});
const acceptedAt = new Map<string, number>();
const approvals = new Informer<WorkflowApproval & KubeObject>(
  adminClient(),
  KINDS.workflowApproval,
  pino({ level: 'silent' }),
);
approvals.onChange((approval) => {
  const run = approval.spec.workflowRun;
  if (approval.status?.accepted && !acceptedAt.has(run)) acceptedAt.set(run, performance.now());
});
approvals.start();
await eventually('the approvals informer to sync', async () => approvals.hasSynced);
const latencies: number[] = [];
const fromPost: number[] = [];
for (const name of names) {
  const waits = new Promise<void>((done) => awaiting.set(name, done));
  await bench.start(name, {
    template: 'bench_gate',
    environment: 'production',
    requestedBy: 'guardian:requester',
  });
  await waits;
  const started = new Promise<number>((done) => moved.set(name, done));
  const sent = performance.now();
  const answer = await call(platform.url, 'POST', `/workflows/${name}/approve`, token, {});
  if (answer.status !== 202) throw new Error(`approve ${name}: ${answer.status} ${answer.text}`);
  const next = await started;
  const accepted = await eventually(`${name}'s approval to be seen`, async () => acceptedAt.get(name));
  latencies.push(next - accepted);
  fromPost.push(next - sent);
}
approvals.stop();

const base50 = percentile(baseline, 0.5);
const base99 = percentile(baseline, 0.99);
const p50 = percentile(latencies, 0.5);
const p99 = percentile(latencies, 0.99);
const figures = {
  approvals: COUNT,
  watchRoundTripP50Ms: base50,
  watchRoundTripP99Ms: base99,
  approvedToNextStepP50Ms: p50,
  approvedToNextStepP99Ms: p99,
  p50Ratio: ratio(p50, base50),
  p99Ratio: ratio(p99, base99),
  postToNextStepP50Ms: percentile(fromPost, 0.5),
  postToNextStepP99Ms: percentile(fromPost, 0.99),
};
report('approvals', figures, [
  `bare watch round trip p50 ${base50.toFixed(1)} ms, p99 ${base99.toFixed(1)} ms`,
  `approval accepted → next step started p50 ${p50.toFixed(1)} ms = ${figures.p50Ratio}×`,
  `p99 ${p99.toFixed(1)} ms = ${figures.p99Ratio}× (goal ≤ 3×: ${figures.p99Ratio <= 3 ? 'met' : 'NOT met'})`,
  `POST sent → next step started p50 ${figures.postToNextStepP50Ms.toFixed(1)} ms, p99 ${figures.postToNextStepP99Ms.toFixed(1)} ms`,
]);
await platform.stop();
await bench.stop();
process.exit(0);
