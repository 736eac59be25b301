// `make bench` (workflows): 200 runs of deployment_health_check (monitor window 1s) queued at once
// on a plan of 4 concurrent workflows. Reports steps finished per second, and the latency from a
// slot freeing (a run seen ending) to the next Pending run starting (seen Running), p50 and p99 as
// ratios to a bare watch round trip on the same apiserver in the same run
// (bench/workflow-harness.ts). Goal: p99 at most 3×.
import { builtInTemplates, isFinal } from '@guardian/platform/workflows';
import { percentile, ratio, report } from './report.ts';
import { eventually, workflowBench } from './workflow-harness.ts';

const COUNT = Number(process.env.BENCH_WORKFLOWS ?? 200);
const SLOTS = 4;

const bench = await workflowBench('workflows', builtInTemplates, { concurrentWorkflows: SLOTS });
console.log(`[bench] baseline: ${COUNT} bare watch round trips`);
const baseline = await bench.watchRoundTrips(COUNT);

console.log(`[bench] ${COUNT} runs of deployment_health_check, ${SLOTS} at a time`);
const startedAt = new Map<string, number>();
const endedAt = new Map<string, number>();
let steps = 0;
bench.onRun((run, seenAt) => {
  const name = run.metadata?.name ?? '';
  if (run.status?.startedAt && !startedAt.has(name)) startedAt.set(name, seenAt);
  if (isFinal(run.status?.phase) && !endedAt.has(name)) {
    endedAt.set(name, seenAt);
    steps += (run.status?.steps ?? []).filter((step) => step.phase === 'Succeeded').length;
  }
});
const first = performance.now();
for (let i = 0; i < COUNT; i++)
  await bench.start(`wf-health-${i}`, { parameters: { window: '1s' }, requestedBy: 'guardian:bench' });
await eventually('every run to end', async () => endedAt.size >= COUNT, 3_600_000);
const last = Math.max(...endedAt.values());

// Each start after the first SLOTS took a slot freed by the latest end seen before it.
const ends = [...endedAt.values()].sort((a, b) => a - b);
const starts = [...startedAt.values()].sort((a, b) => a - b).slice(SLOTS);
const handoffs = starts.flatMap((start) => {
  const freed = ends.filter((end) => end <= start).at(-1);
  return freed === undefined ? [] : [start - freed];
});

const base50 = percentile(baseline, 0.5);
const base99 = percentile(baseline, 0.99);
const p50 = percentile(handoffs, 0.5);
const p99 = percentile(handoffs, 0.99);
const stepsPerSecond = steps / ((last - first) / 1000);
const figures = {
  runs: COUNT,
  slots: SLOTS,
  stepsPerSecond: Math.round(stepsPerSecond * 100) / 100,
  watchRoundTripP50Ms: base50,
  watchRoundTripP99Ms: base99,
  slotToStartP50Ms: p50,
  slotToStartP99Ms: p99,
  p50Ratio: ratio(p50, base50),
  p99Ratio: ratio(p99, base99),
};
report('workflows', figures, [
  `${figures.stepsPerSecond} steps finished per second (${steps} steps, ${COUNT} runs, ${SLOTS} slots)`,
  `bare watch round trip p50 ${base50.toFixed(1)} ms, p99 ${base99.toFixed(1)} ms`,
  `slot freed → next Pending run started p50 ${p50.toFixed(1)} ms = ${figures.p50Ratio}×`,
  `p99 ${p99.toFixed(1)} ms = ${figures.p99Ratio}× (goal ≤ 3×: ${figures.p99Ratio <= 3 ? 'met' : 'NOT met'})`,
]);
await bench.stop();
process.exit(0);
