// `make bench` (analytics): GET /tenants/organizations/{org_id}/analytics over the last 12 months,
// by month, for an organization with 1,000,000 usage ledger and audit rows (half each, spread
// over the year), against a plain `SELECT count(*)` over the same rows, alternating one of each,
// in the same run. Reports the p50 and p95 ratios, and how long the first rollup of the year
// took. Without the rollups the endpoint would aggregate every row per request; with them it
// reads about one stored row per day, metric and dimension, and counts only today's raw rows.
import { resolve } from 'node:path';
import { rollupOrganization } from '../platform/src/analytics/rollup.ts';
import { connect, migrate } from '../platform/src/db.ts';
import { withTenant } from '../platform/src/stores/with-tenant.ts';
import { up } from '../scripts/stack/index.ts';
import { Stack } from '../scripts/stack/stack.ts';
import { percentile, ratio, report } from './report.ts';

const ROWS = Number(process.env.BENCH_ANALYTICS_ROWS ?? 1_000_000);
const REPEATS = Number(process.env.BENCH_ANALYTICS_REPEATS ?? 40);
const stack = new Stack(resolve(import.meta.dirname, '../.stack/bench'), true);
const env = await up(stack);
Object.assign(process.env, env);
// Imported after the stack's environment is in place: the test support reads it.
const { applyAll, deleteAll, organization, platformKubeconfig, startPlatform, until } = await import(
  '../test/support/platform.ts'
);

const run = `bench-an-${Date.now().toString(36)}`;
const plan = {
  apiVersion: 'guardian.aiops.dev/v1alpha1',
  kind: 'QuotaPolicy',
  metadata: { name: `${run}-plan` },
  spec: { displayName: 'bench', apiCallsPerHour: 100_000_000, features: { advancedAnalytics: 'full' } },
};
const orgId = `${run}-org`;
const org = organization(orgId, { plan: plan.metadata.name, owners: [{ kind: 'Group', name: 'nobody' }] });
const { applyGuardianManifests } = await import('../test/support/operator.ts');
await migrate(env.DATABASE_ADMIN_URL ?? '', env.DATABASE_URL ?? '');
// Guardian's CRDs and plans, on a bench stack that may be new.
await applyGuardianManifests();
await applyAll(plan, org);
const api = await startPlatform({
  kubeconfig: await platformKubeconfig(`${run}-pl`),
  env: { LOG_LEVEL: 'silent' },
});
await until('the platform to see the organization', () => api.platform.directory.get(orgId) !== undefined);
const { token } = await api.platform.tokens.issue(
  '00000000-0000-4000-8000-000000000001',
  { superAdmin: false, orgs: { [orgId]: 'org_owner' }, teams: {} },
  orgId,
);
const db = connect(env.DATABASE_URL ?? '', { max: 4 });
const owner = connect(env.DATABASE_ADMIN_URL ?? '', { max: 1 });

// The year's rows, written as the tables' owner in one statement each (the app role may not write
// audit rows without the chain; the figures read only org, time, action and detail).
const half = Math.floor(ROWS / 2);
const seeded = performance.now();
await withTenant(owner, { orgId }, async (trx) => {
  await trx.raw(
    `INSERT INTO usage_ledger (org_id, kind, key, period, created_at, units)
     SELECT ?, CASE WHEN i % 4 = 0 THEN 'workflows' ELSE 'agent_executions' END,
            i || ':' || (ARRAY['cost-estimator', 'probes', 'image-hygiene'])[1 + i % 3],
            to_char(date_trunc('month', at), 'YYYY-MM-DD'), at, 1
     FROM generate_series(1, ?) AS i, LATERAL (SELECT now() - (i * interval '365 days') / ?) AS t(at)`,
    [orgId, half, half],
  );
  await trx.raw(
    `INSERT INTO audit_log (org_id, seq, at, actor, action, target, detail, prev_hash, hash)
     SELECT ?, i, now() - (i * interval '365 days') / ?, 'anonymous',
            (ARRAY['auth.login.failure', 'auth.refused', 'ratelimit.exceeded', 'team.created', 'auth.token.issued'])[1 + i % 5],
            '', jsonb_build_object('path', '/workflows'), 'bench', 'bench'
     FROM generate_series(1, ?) AS i`,
    [orgId, half, half],
  );
});
const seedSeconds = (performance.now() - seeded) / 1000;
await owner.raw('ANALYZE usage_ledger; ANALYZE audit_log');

const rolled = performance.now();
await rollupOrganization(db, orgId, new Date());
const rollupSeconds = (performance.now() - rolled) / 1000;

const from = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
const path = `/tenants/organizations/${orgId}/analytics?from=${from}&granularity=month`;
async function endpoint(): Promise<number> {
  const sent = performance.now();
  const answer = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await answer.json()) as { usage?: { agents: Array<{ units: number }> } };
  if (answer.status !== 200) throw new Error(`bench: the analytics answered ${answer.status}`);
  const units = body.usage?.agents.reduce((sum, row) => sum + row.units, 0) ?? 0;
  if (units < half * 0.7) throw new Error(`bench: the analytics counted ${units} agent units`);
  return performance.now() - sent;
}
async function baseline(): Promise<number> {
  const sent = performance.now();
  await withTenant(db, { orgId }, (trx) =>
    trx.raw(
      `SELECT (SELECT count(*) FROM usage_ledger WHERE org_id = ?) + (SELECT count(*) FROM audit_log WHERE org_id = ?) AS n`,
      [orgId, orgId],
    ),
  );
  return performance.now() - sent;
}

for (let i = 0; i < 3; i++) await Promise.all([endpoint(), baseline()]);
const times = { endpoint: [] as number[], baseline: [] as number[] };
for (let i = 0; i < REPEATS; i++) {
  times.endpoint.push(await endpoint());
  times.baseline.push(await baseline());
}
const figures = {
  rows: 2 * half,
  repeats: REPEATS,
  seedSeconds: Math.round(seedSeconds),
  firstRollupSeconds: Math.round(rollupSeconds * 10) / 10,
  endpoint: { p50: percentile(times.endpoint, 0.5), p95: percentile(times.endpoint, 0.95) },
  countStar: { p50: percentile(times.baseline, 0.5), p95: percentile(times.baseline, 0.95) },
  p50Ratio: ratio(percentile(times.endpoint, 0.5), percentile(times.baseline, 0.5)),
  p95Ratio: ratio(percentile(times.endpoint, 0.95), percentile(times.baseline, 0.95)),
};
report('analytics', figures, [
  `${figures.rows} ledger and audit rows over 12 months; first rollup ${figures.firstRollupSeconds} s`,
  `GET analytics (12 months by month) p50 ${figures.endpoint.p50.toFixed(1)} ms, p95 ${figures.endpoint.p95.toFixed(1)} ms`,
  `SELECT count(*) over the same rows  p50 ${figures.countStar.p50.toFixed(1)} ms, p95 ${figures.countStar.p95.toFixed(1)} ms`,
  `ratio p50 ${figures.p50Ratio}×, p95 ${figures.p95Ratio}× (goal: p95 at most 2×)`,
]);

await withTenant(owner, { orgId }, async (trx) => {
  for (const table of ['usage_ledger', 'analytics_daily', 'analytics_cursors'])
    await trx(table).where({ org_id: orgId }).delete();
});
await api.stop();
await deleteAll(org, plan);
await db.destroy();
await owner.destroy();
