// `make bench` (chat): POST /chat "run a security scan on staging" against POST /agents/runs with
// the same agents (the security category) over the same namespace, alternating request by request
// (and swapping which goes first every round) in the same run, on a platform and an operator of the
// bench's own. Each chat request opens a new session (the most the chat adds: parsing, the session
// opened and the exchange stored in the tenant database). Reports p50 and mean of each and their
// ratios; goal: chat at most 1.1× the direct run.
import { resolve } from 'node:path';
import { resourceOf } from '../platform/src/agent-runs/snapshot-reader.ts';
import { container, deployment, podSpec } from '../platform/src/agents/testing/manifests.ts';
import { up } from '../scripts/stack/index.ts';
import { Stack } from '../scripts/stack/stack.ts';
import { percentile, ratio, report } from './report.ts';

const ROUNDS = Number(process.env.BENCH_CHAT_ROUNDS ?? 40);
const WORKLOADS = Number(process.env.BENCH_CHAT_WORKLOADS ?? 30);

const stack = new Stack(resolve(import.meta.dirname, '../.stack/bench'), true);
Object.assign(process.env, await up(stack));
// Imported after the stack's environment is in place: the test support reads it.
const { adminClient, uniqueName } = await import('../test/support/kube.ts');
const { applyGuardianManifests, startOperatorInProcess } = await import('../test/support/operator.ts');
const { SUITE_LABEL, suiteSelector } = await import('../test/support/operator-suite.ts');
const { call, platformKubeconfig, quotaPolicy, startPlatform } = await import('../test/support/platform.ts');
const { apply, deleteOrganizations, organization, organizationReady } = await import(
  '../test/support/tenancy.ts'
);
const { migratePlatformDatabase } = await import('../test/support/workflows.ts');

const suite = uniqueName('bench-chat');
const labels = { [SUITE_LABEL]: suite };
const org = uniqueName('bench');
const planName = uniqueName('bench-plan');
const platformNamespace = uniqueName('bench-platform');
await migratePlatformDatabase();
await applyGuardianManifests();
const platform = await startPlatform({ kubeconfig: await platformKubeconfig(platformNamespace) });
// The operator binds the agent's impersonation to this platform's ServiceAccount.
const operator = await startOperatorInProcess({
  namespace: uniqueName('bench-op'),
  selector: suiteSelector(suite),
  env: { PLATFORM_NAMESPACE: platformNamespace },
});
await apply({
  ...quotaPolicy(planName, { displayName: planName, features: { sso: false } }),
  metadata: { name: planName, labels },
});
const base = organization(org, { plan: planName, environments: ['staging', 'production'] });
await apply({ ...base, metadata: { ...base.metadata, labels } });
await organizationReady(org, 'True', 180_000);

const kube = adminClient();
for (let i = 0; i < WORKLOADS; i++) {
  const app = container('app', { securityContext: { privileged: i % 3 === 0 } });
  await kube.apply(
    resourceOf('Deployment'),
    {
      ...deployment(`app-${i}`, podSpec({ containers: [app] })),
      metadata: { name: `app-${i}`, namespace: `org-${org}--staging` },
    } as never,
    { fieldManager: 'guardian-bench' },
  );
}
const { token } = await platform.platform.tokens.issue(
  crypto.randomUUID(),
  { superAdmin: false, orgs: { [org]: 'org_admin' }, teams: {} },
  org,
);

async function timed(path: string, body: object, status: number): Promise<{ ms: number; agents: string[] }> {
  const started = performance.now();
  const answer = await call(platform.url, 'POST', path, token, body);
  const ms = performance.now() - started;
  if (answer.status !== status) throw new Error(`${path}: ${answer.status} ${answer.text}`);
  return { ms, agents: (answer.body as { agents?: string[] }).agents ?? [] };
}
const direct = () => timed('/agents/runs', { environment: 'staging', categories: ['security'] }, 201);
const chat = () =>
  timed('/chat', { message: 'run a security scan on staging', session_id: uniqueName('bench') }, 200);

// Warm both paths (connections, the tenant pool, the schema check, JIT), and check they run the same agents.
for (let i = 0; i < 3; i++) await direct().then(chat);
const sample = await call(platform.url, 'POST', '/chat', token, {
  message: 'run a security scan on staging',
});
const runId = (sample.body as { actions: Array<{ run_id?: string }> }).actions[0]?.run_id;
const chatAgents = (
  (await call(platform.url, 'GET', `/agents/runs/${runId}`, token)).body as { agents: string[] }
).agents;
if (JSON.stringify(chatAgents) !== JSON.stringify((await direct()).agents)) {
  throw new Error(`bench: the chat ran other agents (${chatAgents.join(', ')})`);
}
const directMs: number[] = [];
const chatMs: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  if (round % 2 === 0) {
    directMs.push((await direct()).ms);
    chatMs.push((await chat()).ms);
  } else {
    chatMs.push((await chat()).ms);
    directMs.push((await direct()).ms);
  }
}

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
const round1 = (value: number) => Math.round(value * 10) / 10;
const figures = {
  rounds: ROUNDS,
  workloads: WORKLOADS,
  directP50Ms: round1(percentile(directMs, 0.5)),
  chatP50Ms: round1(percentile(chatMs, 0.5)),
  p50Ratio: ratio(percentile(chatMs, 0.5), percentile(directMs, 0.5)),
  meanRatio: ratio(mean(chatMs), mean(directMs)),
};
report('chat', figures, [
  `POST /agents/runs (security, staging, ${WORKLOADS} Deployments) p50 ${figures.directP50Ms} ms`,
  `POST /chat "run a security scan on staging" p50 ${figures.chatP50Ms} ms: ${figures.p50Ratio}× (mean ${figures.meanRatio}×; goal ≤ 1.1×)`,
]);

await deleteOrganizations(org);
await operator.stop();
await platform.stop();
await kube.close();
