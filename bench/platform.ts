// `make bench` (platform): authenticated, tenant-scoped, rate-limited GET /usage against a baseline
// measured in the same run: a bare Koa app doing the same SQL and the same Redis script without
// our middleware (no token verification, no tenant checks, no problem+json, no audit wrapper).
// Reports the throughput and p99 ratios, the cost of an uncached ES256 verification, Redis round
// trips per request (INFO commandstats) and the time to verify 1,000,000 audit entries.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { createLocalJWKSet, jwtVerify } from 'jose';
import Koa from 'koa';
import { Pool } from 'undici';
import {
  CHECKPOINT_EVERY,
  checkpointKey,
  ENTRY_HASH_SQL,
  GENESIS,
  signCheckpoint,
  signHead,
  verifyChain,
} from '../platform/src/audit/index.ts';
import { connect, migrate } from '../platform/src/db.ts';
import { currentPeriod, seatsUsed, usage } from '../platform/src/quota/index.ts';
import { ApiRateLimiter } from '../platform/src/ratelimit/limiter.ts';
import { withTenant } from '../platform/src/stores/with-tenant.ts';
import { up } from '../scripts/stack/index.ts';
import { Stack } from '../scripts/stack/stack.ts';
import { percentile, ratio, report } from './report.ts';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const CONNECTIONS = 32;
const AUDIT_ENTRIES = Number(process.env.BENCH_AUDIT_ENTRIES ?? 1_000_000);
const stack = new Stack(resolve(import.meta.dirname, '../.stack/bench'), true);
const env = await up(stack);
Object.assign(process.env, env);
// Imported after the stack's environment is in place: the test support reads it.
const { applyAll, deleteAll, deleteNamespace, organization, platformKubeconfig, startPlatform, until } =
  await import('../test/support/platform.ts');

const run = `bench-${Date.now().toString(36)}`;
const plan = {
  apiVersion: 'guardian.aiops.dev/v1alpha1',
  kind: 'QuotaPolicy',
  metadata: { name: `${run}-plan` },
  // High enough never to refuse: the limiter's full work is measured, not its 429s.
  spec: { displayName: 'bench', apiCallsPerHour: 100_000_000, workflowsPerMonth: 1000, teamMembers: 50 },
};
const orgId = `${run}-org`;
const org = organization(orgId, { plan: plan.metadata.name, owners: [{ kind: 'Group', name: 'nobody' }] });
await migrate(env.DATABASE_ADMIN_URL ?? '', env.DATABASE_URL ?? '');
await applyAll(plan, org);
const namespace = `${run}-pl`;
const api = await startPlatform({
  kubeconfig: await platformKubeconfig(namespace),
  env: { LOG_LEVEL: 'silent' },
});
await until('the platform to see the organization', () => api.platform.directory.get(orgId) !== undefined);
const { token } = await api.platform.tokens.issue(
  '00000000-0000-4000-8000-000000000001',
  { superAdmin: false, orgs: { [orgId]: 'org_owner' }, teams: {} },
  orgId,
);

// The baseline: the same queries and the same limiter script, nothing else.
const db = connect(env.DATABASE_URL ?? '', { max: 10 });
const redis = new Redis(env.REDIS_URL ?? '');
const limiter = new ApiRateLimiter(redis);
const organizationObject = api.platform.directory.get(orgId);
if (!organizationObject) throw new Error('bench: the organization is not known');
const baselineApp = new Koa();
baselineApp.use(async (ctx) => {
  const period = currentPeriod(organizationObject, new Date());
  const decision = await limiter.take(`${orgId}-baseline`, 100_000_000, Date.now());
  const { used, seats } = await withTenant(db, { orgId }, async (trx) => ({
    used: await usage(trx, orgId, period.key),
    seats: await seatsUsed(trx, orgId),
  }));
  ctx.body = { org_id: orgId, used, seats, remaining: decision.remaining };
});
const baselineServer = createServer(baselineApp.callback());
await new Promise<void>((done) => baselineServer.listen(0, '127.0.0.1', done));
const baselineUrl = `http://127.0.0.1:${(baselineServer.address() as AddressInfo).port}`;

interface Load {
  rps: number;
  p50: number;
  p99: number;
}

/** A closed-loop load: CONNECTIONS workers each send their next request when the last one answered. */
async function load(base: string, count: number, headers: Record<string, string>): Promise<Load> {
  const pool = new Pool(base, { connections: CONNECTIONS, pipelining: 1 });
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < count) {
        next++;
        const sent = performance.now();
        const response = await pool.request({ path: '/usage', method: 'GET', headers });
        await response.body.arrayBuffer();
        if (response.statusCode !== 200) throw new Error(`bench: GET /usage answered ${response.statusCode}`);
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return { rps: count / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

const authorized = { authorization: `Bearer ${token}` };
console.log(`[bench] warming up, then ${REQUESTS} requests each, ${CONNECTIONS} connections, alternating`);
await load(baselineUrl, 2000, {});
await load(api.url, 2000, authorized);
const baselines: Load[] = [];
const platforms: Load[] = [];
let redisCalls = 0;
let platformRequests = 0;
// Alternating, and in the other order in the second round, so neither side is always measured on
// a warmer (or busier) machine.
for (let round = 0; round < 2; round++) {
  if (round === 0) baselines.push(await load(baselineUrl, REQUESTS / 2, {}));
  const before = await commandCalls(redis);
  platforms.push(await load(api.url, REQUESTS / 2, authorized));
  redisCalls += (await commandCalls(redis)) - before - 2; // minus the two INFO calls themselves
  platformRequests += REQUESTS / 2;
  if (round === 1) baselines.push(await load(baselineUrl, REQUESTS / 2, {}));
}
const mean = (loads: Load[], key: keyof Load) => loads.reduce((sum, l) => sum + l[key], 0) / loads.length;

console.log('[bench] uncached ES256 verification');
const jwks = createLocalJWKSet(
  (await (await fetch(`${api.url}/.well-known/jwks.json`)).json()) as Parameters<typeof createLocalJWKSet>[0],
);
const verifies = 2000;
const verifyStart = performance.now();
for (let i = 0; i < verifies; i++) await jwtVerify(token, jwks, { algorithms: ['ES256'] });
const verifyUs = ((performance.now() - verifyStart) / verifies) * 1000;

console.log(`[bench] generating ${AUDIT_ENTRIES} audit entries with SQL, then verifying them`);
const auditOrg = `${run}-audit`;
const admin = connect(env.DATABASE_ADMIN_URL ?? '', { max: 1 });
const key = checkpointKey(Buffer.alloc(32, 7));
const generateStart = performance.now();
await admin.transaction(async (trx) => {
  await trx.raw("select set_config('guardian.org_id', ?, true)", [auditOrg]);
  await trx.raw(
    `INSERT INTO audit_log (org_id, seq, at, actor, action, target, detail, prev_hash, hash)
     WITH RECURSIVE chain (c_org_id, c_seq, c_at, c_actor, c_action, c_target, c_detail, c_prev_hash, c_hash) AS (
       SELECT e.*, ${ENTRY_HASH_SQL}
       FROM (SELECT ?::text AS org_id, 1::bigint AS seq, now() AS at, 'bench'::text AS actor,
                    'bench.event'::text AS action, 't1'::text AS target, '{"i": 1}'::jsonb AS detail,
                    ?::text AS prev_hash) e
       UNION ALL
       SELECT e.*, ${ENTRY_HASH_SQL}
       FROM chain c, LATERAL (SELECT c.c_org_id AS org_id, c.c_seq + 1 AS seq, c.c_at + interval '1 millisecond' AS at,
                                     c.c_actor AS actor, c.c_action AS action, 't' || (c.c_seq + 1) AS target,
                                     jsonb_build_object('i', c.c_seq + 1) AS detail, c.c_hash AS prev_hash) e
       WHERE c.c_seq < ?
     )
     SELECT c_org_id, c_seq, c_at, c_actor, c_action, c_target, c_detail, c_prev_hash, c_hash FROM chain`,
    [auditOrg, GENESIS, AUDIT_ENTRIES],
  );
  const last = await trx.raw<{ rows: Array<{ seq: string; hash: string }> }>(
    'SELECT seq, hash FROM audit_log WHERE org_id = ? ORDER BY seq DESC LIMIT 1',
    [auditOrg],
  );
  const head = { seq: Number(last.rows[0]?.seq), hash: last.rows[0]?.hash ?? '' };
  await trx('audit_heads').insert({
    org_id: auditOrg,
    ...head,
    signature: signHead(key, auditOrg, head.seq, head.hash),
  });
  const marks = await trx.raw<{ rows: Array<{ seq: string; hash: string }> }>(
    'SELECT seq, hash FROM audit_log WHERE org_id = ? AND seq % ? = 0',
    [auditOrg, CHECKPOINT_EVERY],
  );
  const rows = marks.rows.map((row) => ({
    org_id: auditOrg,
    seq: Number(row.seq),
    hash: row.hash,
    signature: signCheckpoint(key, auditOrg, Number(row.seq), row.hash),
  }));
  for (let i = 0; i < rows.length; i += 1000) await trx('audit_checkpoints').insert(rows.slice(i, i + 1000));
});
const generateMs = performance.now() - generateStart;
const verifyChainStart = performance.now();
const verification = await verifyChain(db, key, auditOrg);
const verifyChainMs = performance.now() - verifyChainStart;
if (!verification.ok || verification.entries !== AUDIT_ENTRIES) {
  throw new Error(
    `bench: the generated chain did not verify: ${JSON.stringify(verification.problems.slice(0, 5))}`,
  );
}

const figures = {
  requests: platformRequests,
  connections: CONNECTIONS,
  platformRps: Math.round(mean(platforms, 'rps')),
  baselineRps: Math.round(mean(baselines, 'rps')),
  throughputRatio: ratio(mean(platforms, 'rps'), mean(baselines, 'rps')),
  platformP50Ms: mean(platforms, 'p50'),
  platformP99Ms: mean(platforms, 'p99'),
  baselineP99Ms: mean(baselines, 'p99'),
  p99Ratio: ratio(mean(platforms, 'p99'), mean(baselines, 'p99')),
  es256VerifyUs: Math.round(verifyUs),
  redisRoundTripsPerRequest: Math.round((redisCalls / platformRequests) * 100) / 100,
  auditEntries: verification.entries,
  auditGenerateMs: Math.round(generateMs),
  auditVerifyMs: Math.round(verifyChainMs),
};
report('platform', figures, [
  `GET /usage ${figures.platformRps} req/s vs baseline ${figures.baselineRps} req/s = ${figures.throughputRatio}× (target ≥ 0.7: ${figures.throughputRatio >= 0.7 ? 'met' : 'NOT met'})`,
  `p99 ${figures.platformP99Ms.toFixed(1)} ms vs ${figures.baselineP99Ms.toFixed(1)} ms = ${figures.p99Ratio}× (target ≤ 2: ${figures.p99Ratio <= 2 ? 'met' : 'NOT met'})`,
  `uncached ES256 verification ${figures.es256VerifyUs} µs (verified tokens are cached until they expire)`,
  `Redis round trips per request ${figures.redisRoundTripsPerRequest} (target 1)`,
  `verify ${figures.auditEntries} audit entries: ${(figures.auditVerifyMs / 1000).toFixed(1)} s (target ≤ 10 s: ${figures.auditVerifyMs <= 10_000 ? 'met' : 'NOT met'}); generated in ${(figures.auditGenerateMs / 1000).toFixed(1)} s`,
]);

console.log('[bench] cleaning up (the bench stack stays for inspection: make stack-down STACK=.stack/bench)');
await api.stop();
baselineServer.close();
redis.disconnect();
await db.destroy();
await admin.destroy();
await deleteAll(org, plan);
await deleteNamespace(namespace);
process.exit(0);

/**
 * Commands clients have sent Redis so far (INFO commandstats). Commands a script runs are counted
 * there too, so the limiter script's own commands are left out: they are no round trips.
 */
async function commandCalls(client: Redis): Promise<number> {
  const insideScript = new Set(['zremrangebyscore', 'zcard', 'zadd', 'pexpire', 'zrange', 'set']);
  const info = await client.info('commandstats');
  let calls = 0;
  for (const match of info.matchAll(/cmdstat_([a-z_|]+):calls=(\d+)/g)) {
    if (!insideScript.has(match[1] ?? '')) calls += Number(match[2]);
  }
  return calls;
}
