import type { Organization } from '@guardian/crds/generated';
import { type ObjectStore, parseStorageSecret, storeWith } from '@guardian/platform/storage';
import pg from 'pg';
import { eventually } from './kube.ts';
import { apply, coreApi, readOrganization } from './tenancy.ts';
import { onTenant } from './tenant-db.ts';

/** An organization's store, opened with the credentials of its Secret guardian-storage. */
export async function storeOf(org: string): Promise<ObjectStore> {
  const secret = await coreApi.readNamespacedSecret({ name: 'guardian-storage', namespace: `org-${org}` });
  const credentials = parseStorageSecret(secret.data);
  if (!credentials) throw new Error(`org-${org} has no storage credentials`);
  return storeWith(credentials);
}

/**
 * Asks the operator for a backup by annotating `organization` (applied whole, as its suite made it)
 * with `value`; resolves the organization once the operator has acted on that request.
 */
export async function requestBackup(organization: Organization, value: string): Promise<Organization> {
  const name = organization.metadata?.name ?? '';
  await apply({
    ...organization,
    metadata: { ...organization.metadata, annotations: { 'guardian.aiops.dev/backup-requested': value } },
  });
  return eventually(
    `backup request ${value} of ${name}`,
    async () => {
      const found = await readOrganization(name);
      const backup = found.status?.backup;
      return backup?.lastRequest === value && !backup.running ? found : undefined;
    },
    90_000,
  );
}

/** Runs statements in a tenant database with its own credentials, in order. */
export async function execute(url: string, ...statements: string[]): Promise<void> {
  for (const statement of statements) await onTenant(url, statement);
}

/** Every row of the tenant schema's tables, ordered, as JSON text: equal strings, identical rows. */
export async function tenantRows(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = [
      'agent_runs',
      'agent_run_findings',
      'findings',
      'chat_sessions',
      'chat_messages',
      'workflow_history',
    ];
    const out: Record<string, unknown[]> = {};
    for (const table of tables) {
      const { rows } = await client.query(`select to_jsonb(t) as row from ${table} t order by 1`);
      out[table] = rows.map((r: { row: unknown }) => r.row);
    }
    return JSON.stringify(out);
  } finally {
    await client.end();
  }
}

/** Rows across the tenant schema: a run with its findings (jsonb), a chat with messages, workflow history. */
export const SAMPLE_ROWS = [
  `insert into agent_runs (run_id, environment, agents, status, summary, cost, duration_ms, created_at, requested_by)
     values ('00000000-0000-4000-8000-000000000001', 'production', '["cost"]', 'succeeded', '{"high":1}',
             '{"units":1}', 1234, '2026-01-02T03:04:05.678901Z', 'alice')`,
  `insert into agent_run_findings (run_id, finding_id, severity_rank, finding)
     values ('00000000-0000-4000-8000-000000000001', 'cost/no-limits:Deployment/web', 1,
             '{"message":"Container app has no memory limit: ünïcödé ✓","resource":{"kind":"Deployment","name":"web"}}')`,
  `insert into findings (environment, finding_id, agent, check_id, severity, severity_rank, status, first_seen,
                         last_seen, last_run_id, finding)
     values ('production', 'cost/no-limits:Deployment/web', 'cost', 'cost/no-limits', 'high', 1, 'open',
             '2026-01-02T03:04:05Z', '2026-01-02T03:04:05Z', '00000000-0000-4000-8000-000000000001',
             '{"message":"Container app has no memory limit"}')`,
  `insert into chat_sessions (id, user_id) values ('session-1', 'alice')`,
  `insert into chat_messages (session_id, role, content)
     select 'session-1', case when i % 2 = 0 then 'user' else 'assistant' end, repeat('message ' || i, 50)
     from generate_series(1, 2000) as i`,
  `insert into workflow_history (workflow_id, event, detail) values ('wf-1', 'started', '{"by":"alice"}')`,
];
