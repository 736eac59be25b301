import knex, { type Knex } from 'knex';
import { migrateLatest } from '../migrations/latest.ts';

interface Migration {
  name: string;
  up(db: Knex): Promise<void>;
}

/**
 * The schema of every tenant database: the tenant's agent runs and findings, chat sessions and
 * workflow history. It runs as the tenant's own role, which owns the database and its tables.
 */
const MIGRATIONS: Migration[] = [
  {
    name: '0001_tenant_schema',
    async up(db) {
      await db.schema.createTable('agent_runs', (t) => {
        t.uuid('id').primary();
        t.text('agent').notNullable();
        t.text('status').notNullable();
        t.text('requested_by').notNullable();
        t.jsonb('input').notNullable().defaultTo('{}');
        t.jsonb('output');
        t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
        t.timestamp('finished_at', { useTz: true });
      });
      await db.schema.createTable('findings', (t) => {
        t.uuid('id').primary();
        t.uuid('agent_run_id').notNullable().references('agent_runs.id').onDelete('CASCADE');
        t.text('severity').notNullable();
        t.text('title').notNullable();
        t.text('detail').notNullable().defaultTo('');
        t.jsonb('resource');
        t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
      });
      await db.schema.createTable('chat_sessions', (t) => {
        t.text('id').primary();
        t.text('user_id').notNullable();
        t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
      });
      await db.schema.createTable('chat_messages', (t) => {
        t.bigIncrements('id');
        t.text('session_id').notNullable().references('chat_sessions.id').onDelete('CASCADE');
        t.text('role').notNullable();
        t.text('content').notNullable();
        t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
      });
      await db.schema.createTable('workflow_history', (t) => {
        t.bigIncrements('id');
        t.text('workflow_id').notNullable().index();
        t.text('event').notNullable();
        t.jsonb('detail').notNullable().defaultTo('{}');
        t.timestamp('at', { useTz: true }).notNullable().defaultTo(db.fn.now());
      });
    },
  },
  {
    // 0001's agent_runs and findings were placeholders that nothing wrote: replaced, not altered.
    name: '0002_agent_runs',
    async up(db) {
      await db.raw('DROP TABLE findings');
      await db.raw('DROP TABLE agent_runs');
      // One row per run: what the API answers for it, but its findings.
      await db.raw(`
        CREATE TABLE agent_runs (
          run_id uuid PRIMARY KEY,
          environment text NOT NULL,
          agents jsonb NOT NULL,
          status text NOT NULL CHECK (status IN ('succeeded', 'partial', 'failed')),
          summary jsonb NOT NULL,
          skipped jsonb NOT NULL DEFAULT '[]',
          failures jsonb NOT NULL DEFAULT '[]',
          cost jsonb,
          duration_ms integer NOT NULL CHECK (duration_ms >= 0),
          created_at timestamptz NOT NULL,
          requested_by text NOT NULL
        )`);
      await db.raw('CREATE INDEX agent_runs_newest ON agent_runs (created_at DESC, run_id DESC)');
      await db.raw(
        'CREATE INDEX agent_runs_newest_by_environment ON agent_runs (environment, created_at DESC, run_id DESC)',
      );
      // Each run's findings, as it reported them.
      await db.raw(`
        CREATE TABLE agent_run_findings (
          run_id uuid NOT NULL REFERENCES agent_runs (run_id) ON DELETE CASCADE,
          finding_id text NOT NULL,
          severity_rank smallint NOT NULL,
          finding jsonb NOT NULL,
          PRIMARY KEY (run_id, finding_id)
        )`);
      // Each finding's current state in an environment: open while runs of its agent report it,
      // resolved once a later run of that agent (which did not skip its check) no longer does.
      await db.raw(`
        CREATE TABLE findings (
          environment text NOT NULL,
          finding_id text NOT NULL,
          agent text NOT NULL,
          check_id text NOT NULL,
          severity text NOT NULL,
          severity_rank smallint NOT NULL,
          status text NOT NULL CHECK (status IN ('open', 'resolved')),
          first_seen timestamptz NOT NULL,
          last_seen timestamptz NOT NULL,
          resolved_at timestamptz,
          last_run_id uuid NOT NULL,
          finding jsonb NOT NULL,
          PRIMARY KEY (environment, finding_id)
        )`);
      await db.raw('CREATE INDEX findings_by_status ON findings (environment, status, agent)');
      await db.raw('CREATE INDEX findings_in_order ON findings (severity_rank, finding_id)');
    },
  },
  {
    // A run's cost takes the API's shape (currency, monthly_total, by_workload, by_team,
    // by_environment), so analytics read stored runs as the API answers them. Costs stored in the
    // first shape are rewritten: their workloads' labels were not kept, so their whole total counts
    // as unassigned.
    name: '0003_agent_run_costs',
    async up(db) {
      await db.raw(`
        UPDATE agent_runs SET cost = jsonb_build_object(
          'currency', cost->'currency',
          'monthly_total', cost->'monthly'->'total',
          'by_workload', COALESCE((
            SELECT jsonb_agg(
              jsonb_build_object('kind', w->'kind', 'name', w->'name', 'monthly', w->'monthly')
              ORDER BY (w->>'monthly')::numeric DESC, w->>'kind', w->>'name')
            FROM jsonb_array_elements(cost->'workloads') AS w), '[]'::jsonb),
          'by_team', CASE
            WHEN cost->'workloads' = '[]' AND cost->'claims' = '[]' AND cost->'loadBalancers' = '[]'
            THEN '[]'::jsonb
            ELSE jsonb_build_array(jsonb_build_object('team', 'unassigned', 'monthly', cost->'monthly'->'total'))
          END,
          'by_environment', jsonb_build_array(
            jsonb_build_object('environment', environment, 'monthly', cost->'monthly'->'total')))
        WHERE jsonb_typeof(cost->'monthly') = 'object'`);
      // The latest cost of each environment (GET /environments), and costs over time.
      await db.raw(
        'CREATE INDEX agent_runs_costs ON agent_runs (environment, created_at DESC, run_id DESC) WHERE cost IS NOT NULL',
      );
    },
  },
  {
    // What remediate steps changed, one row per object and step: its fields before and after
    // (never anything else of the object, so no Secret value or env value is ever copied here),
    // the field manager its apply used, and whether a revert restored it.
    name: '0004_workflow_remediations',
    async up(db) {
      await db.raw(`
        CREATE TABLE workflow_remediations (
          step_key text NOT NULL,
          workflow_id text NOT NULL,
          step text NOT NULL,
          kind text NOT NULL,
          namespace text NOT NULL,
          name text NOT NULL,
          object_uid text,
          field_manager text NOT NULL,
          status text NOT NULL CHECK (status IN ('intended', 'applied', 'unchanged', 'skipped', 'reverted')),
          reason text,
          changes jsonb NOT NULL DEFAULT '[]',
          created_at timestamptz NOT NULL DEFAULT now(),
          applied_at timestamptz,
          reverted_at timestamptz,
          PRIMARY KEY (step_key, kind, namespace, name)
        )`);
      await db.raw('CREATE INDEX workflow_remediations_by_run ON workflow_remediations (workflow_id)');
    },
  },
  {
    // Chat sessions (0001's tables, which nothing wrote yet): what follow-ups refer to (the last
    // environment, run and intent), when the session was last used (it expires CHAT_SESSION_TTL
    // after), and what each answer caused. Defaults keep rows written by older code valid.
    name: '0005_chat_context',
    async up(db) {
      await db.raw(`
        ALTER TABLE chat_sessions
          ADD COLUMN last_active_at timestamptz NOT NULL DEFAULT now(),
          ADD COLUMN context jsonb NOT NULL DEFAULT '{}'`);
      await db.raw('CREATE INDEX chat_sessions_by_user ON chat_sessions (user_id, last_active_at DESC)');
      await db.raw(`ALTER TABLE chat_messages ADD COLUMN actions jsonb NOT NULL DEFAULT '[]'`);
      await db.raw('CREATE INDEX chat_messages_by_session ON chat_messages (session_id, id)');
    },
  },
];

export const tenantMigrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: async () => MIGRATIONS,
  getMigrationName: (migration) => migration.name,
  getMigration: async (migration) => ({ up: migration.up, down: async () => undefined }),
};

export const TENANT_MIGRATIONS = MIGRATIONS.map((m) => m.name);

/** The advisory lock key that serializes tenant migrations (an arbitrary, fixed 32-bit number). */
const MIGRATION_LOCK = 0x67647231;

/**
 * Brings a tenant schema up to date on `db`, a knex instance with one pooled connection. knex's
 * own lock table is created racily (two runners can insert two lock rows, which then lock it
 * forever): a session-level advisory lock on that connection serializes runners (two operator
 * installs, a retry overlapping a slow run) before knex looks, and repairs what a crash left.
 */
export async function migrateSchema(db: Knex): Promise<void> {
  await db.raw('select pg_advisory_lock(?)', [MIGRATION_LOCK]);
  await db.raw(
    `do $$ begin
       if to_regclass('knex_migrations_lock') is not null then
         delete from knex_migrations_lock where index <> (select min(index) from knex_migrations_lock);
         update knex_migrations_lock set is_locked = 0;
       end if;
     end $$`,
  );
  await migrateLatest(db, tenantMigrationSource, TENANT_MIGRATIONS);
}

/** Brings the tenant schema of the database `url` names up to date, as the role in the URL. */
export async function migrateTenantDatabase(url: string): Promise<void> {
  const db = knex({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
  try {
    await migrateSchema(db);
  } finally {
    await db.destroy();
  }
}
