// `make bench` (workflows): 200 runs of deployment_health_check (monitor window 1s) queued at once
// on a plan of 4 concurrent workflows, driven by `guardian operator` in a process of its own.
// Reports steps finished per second, and the latency from a slot freeing (a run seen ending) to the
// next Pending run starting (seen Running), p50 and p99 as ratios to a bare watch round trip on the
// same apiserver in the same run, measured one after another while the runs go, so under the same
// load (bench/workflow-harness.ts); the round trip on the idle stack before is printed for reference.
// Goal: p99 at most 3×.
import { isFinal } from '@guardian/platform/workflows';
import { cpuByCommand, cpuSpent } from './cpu.ts';
import { percentile, ratio, report } from './report.ts';
import { eventually, workflowBench } from './workflow-harness.ts';

const COUNT = Number(process.env.BENCH_WORKFLOWS ?? 200);
const SLOTS = 4;

const bench = await workflowBench('workflows', { concurrentWorkflows: SLOTS });
console.log(`[bench] reference: ${COUNT} bare watch round trips on the idle stack`);
const idle = await bench.watchRoundTrips(COUNT);

console.log(`[bench] ${COUNT} runs of deployment_health_check, ${SLOTS} at a time; round trips meanwhile`);
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
const cpuBefore = cpuByCommand(bench.processes);
const first = performance.now();
const runs = (async () => {
  for (let i = 0; i < COUNT; i++)
    await bench.start(`wf-health-${i}`, { parameters: { window: '1s' }, requestedBy: 'guardian:bench' });
  await eventually('every run to end', async () => endedAt.size >= COUNT, 3_600_000);
})();
const baseline = await bench.watchRoundTripsDuring(runs);
const last = Math.max(...endedAt.values());
// Where the bench stack's CPU went while the runs went (other work on the machine left out).
const cpu = cpuSpent(cpuBefore, cpuByCommand(bench.processes)).filter(([name]) =>
  Object.values(bench.processes).includes(name),
);
const operatorCpu = cpu.find(([name]) => name === 'operator')?.[1] ?? 0;

// No more than SLOTS runs hold a slot at once: the k-th run to end frees the slot that the
// (SLOTS + k)-th run to start takes (and cannot start before it).
const ends = [...endedAt.values()].sort((a, b) => a - b);
const starts = [...startedAt.values()].sort((a, b) => a - b).slice(SLOTS);
const handoffs = starts.map((start, k) => start - (ends[k] as number));

const base50 = percentile(baseline, 0.5);
const base99 = percentile(baseline, 0.99);
const p50 = percentile(handoffs, 0.5);
const p99 = percentile(handoffs, 0.99);
const stepsPerSecond = steps / ((last - first) / 1000);
const figures = {
  runs: COUNT,
  slots: SLOTS,
  stepsPerSecond: Math.round(stepsPerSecond * 100) / 100,
  watchRoundTrips: baseline.length,
  watchRoundTripP50Ms: base50,
  watchRoundTripP99Ms: base99,
  idleWatchRoundTripP50Ms: percentile(idle, 0.5),
  idleWatchRoundTripP99Ms: percentile(idle, 0.99),
  slotToStartP50Ms: p50,
  slotToStartP99Ms: p99,
  p50Ratio: ratio(p50, base50),
  p99Ratio: ratio(p99, base99),
  operatorCpuPerRunMs: Math.round((operatorCpu * 1000) / COUNT),
  cpuSeconds: Object.fromEntries(cpu),
};
report('workflows', figures, [
  `${figures.stepsPerSecond} steps finished per second (${steps} steps, ${COUNT} runs, ${SLOTS} slots)`,
  `bare watch round trip under the runs' load p50 ${base50.toFixed(1)} ms, p99 ${base99.toFixed(1)} ms (${baseline.length} round trips)`,
  `(on the idle stack before: p50 ${figures.idleWatchRoundTripP50Ms.toFixed(1)} ms, p99 ${figures.idleWatchRoundTripP99Ms.toFixed(1)} ms)`,
  `slot freed → next Pending run started p50 ${p50.toFixed(1)} ms = ${figures.p50Ratio}×`,
  `p99 ${p99.toFixed(1)} ms = ${figures.p99Ratio}× (goal ≤ 3×: ${figures.p99Ratio <= 3 ? 'met' : 'NOT met'})`,
  `CPU while the runs went: ${cpu.map(([name, seconds]) => `${name} ${seconds.toFixed(1)} s`).join(', ')}; the operator's ${figures.operatorCpuPerRunMs} ms per run`,
]);
await bench.stop();
process.exit(0);
