import { type ObjectStore, parseStorageSecret, storeWith } from '@guardian/platform/storage';
import pg from 'pg';
import { coreApi } from './tenancy.ts';
import { onTenant } from './tenant-db.ts';

/** An organization's store, opened with the credentials of its Secret guardian-storage. */
export async function storeOf(org: string): Promise<ObjectStore> {
  const secret = await coreApi.readNamespacedSecret({ name: 'guardian-storage', namespace: `org-${org}` });
  const credentials = parseStorageSecret(secret.data);
  if (!credentials) throw new Error(`org-${org} has no storage credentials`);
  return storeWith(credentials);
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
    const tables = ['agent_runs', 'findings', 'chat_sessions', 'chat_messages', 'workflow_history'];
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

/** Rows across the tenant schema: runs with findings (jsonb), a chat with messages, workflow history. */
export const SAMPLE_ROWS = [
  `insert into agent_runs (id, agent, status, requested_by, input, output, started_at)
     values ('00000000-0000-4000-8000-000000000001', 'cost', 'succeeded', 'alice', '{"environment":"production"}',
             '{"summary":{"high":1}}', '2026-01-02T03:04:05.678901Z')`,
  `insert into findings (id, agent_run_id, severity, title, detail, resource)
     values ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'high',
             'No limits', 'Container app has no memory limit: ünïcödé ✓', '{"kind":"Deployment","name":"web"}')`,
  `insert into chat_sessions (id, user_id) values ('session-1', 'alice')`,
  `insert into chat_messages (session_id, role, content)
     select 'session-1', case when i % 2 = 0 then 'user' else 'assistant' end, repeat('message ' || i, 50)
     from generate_series(1, 2000) as i`,
  `insert into workflow_history (workflow_id, event, detail) values ('wf-1', 'started', '{"by":"alice"}')`,
];
