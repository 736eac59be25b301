// WorkflowRuns against the real stack: runs as kubectl would create them, their state read back
// from the apiserver, and what they left in the platform database (usage ledger, audit trail).

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowApprovalSpec, WorkflowRun, WorkflowRunSpec } from '@guardian/crds/generated';
import { API_VERSION, KINDS } from '@guardian/crds/kinds';
import { isFinal } from '@guardian/platform/workflows';
import { connect, migrate } from '../../platform/src/db.ts';
import { withTenant } from '../../platform/src/stores/with-tenant.ts';
import { adminClient, eventually, kubectl, uniqueName } from './kube.ts';
import { idToken, tokenFlags } from './oidc.ts';
import { stackEnv } from './stack.ts';
import { apply } from './tenancy.ts';

export const REQUESTER = 'oidc:carol@startupco.io';

/** The platform database's schema, which the operator's workflow runs write to. */
export async function migratePlatformDatabase(): Promise<void> {
  await migrate(stackEnv('DATABASE_ADMIN_URL'), stackEnv('DATABASE_URL'));
}

/** A run of `deployment_health_check` in staging unless `spec` says otherwise. */
export function workflowRun(org: string, name: string, spec: Partial<WorkflowRunSpec> = {}): WorkflowRun {
  return {
    apiVersion: API_VERSION,
    kind: 'WorkflowRun',
    metadata: { name, namespace: `org-${org}` },
    spec: { template: 'deployment_health_check', environment: 'staging', requestedBy: REQUESTER, ...spec },
  };
}

export async function startRun(
  org: string,
  name: string,
  spec: Partial<WorkflowRunSpec> = {},
): Promise<WorkflowRun> {
  await apply(workflowRun(org, name, spec));
  return readRun(org, name);
}

export function readRun(org: string, name: string): Promise<WorkflowRun> {
  return adminClient().get<WorkflowRun>(KINDS.workflowRun, name, `org-${org}`);
}

/** The run once it has ended (Succeeded, Failed, Rejected or Cancelled). */
export function runEnded(org: string, name: string, timeoutMs = 90_000): Promise<WorkflowRun> {
  return eventually(
    `run ${name} to end`,
    async () => {
      const run = await readRun(org, name);
      return isFinal(run.status?.phase) ? run : undefined;
    },
    timeoutMs,
  );
}

/** The run once `check` holds of it. */
export function runWhere(
  org: string,
  name: string,
  what: string,
  check: (run: WorkflowRun) => boolean,
  timeoutMs = 60_000,
): Promise<WorkflowRun> {
  return eventually(
    `run ${name}: ${what}`,
    async () => {
      const run = await readRun(org, name);
      return check(run) ? run : undefined;
    },
    timeoutMs,
  );
}

/** Rows of an org-scoped table of the platform database, read as the app role inside row level security. */
async function tenantRows<T>(orgId: string, query: (db: import('knex').Knex.Transaction) => Promise<T>) {
  const db = connect(stackEnv('DATABASE_URL'), { max: 1 });
  try {
    return await withTenant(db, { orgId }, query);
  } finally {
    await db.destroy();
  }
}

/** The usage ledger's units of `kind` whose key starts with `prefix`, net of refunds. */
export async function unitsCounted(orgId: string, kind: string, prefix = ''): Promise<number> {
  const rows = await tenantRows(orgId, (trx) =>
    trx('usage_ledger')
      .where({ org_id: orgId, kind })
      .andWhere('key', 'like', `${prefix}%`)
      .sum<{ n: string | null }[]>({ n: 'units' }),
  );
  return Number(rows[0]?.n ?? 0);
}

/** The audit trail's actions about `target`, oldest first. */
export async function auditActions(orgId: string, target: string): Promise<string[]> {
  const rows = await tenantRows(orgId, (trx) =>
    trx('audit_log').where({ org_id: orgId, target }).orderBy('seq').select<{ action: string }[]>('action'),
  );
  return rows.map((row) => row.action);
}

/**
 * kubectl create of a WorkflowApproval in org-<org> as `email`, a demo user of the issuer the
 * apiserver trusts (with their own ID token); its name.
 */
export async function createApprovalAs(
  email: string,
  org: string,
  spec: Omit<WorkflowApprovalSpec, 'decision'> & { decision: string },
): Promise<string> {
  const name = uniqueName('kubectl');
  const file = join(mkdtempSync(join(tmpdir(), 'wfa-')), 'approval.yaml');
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: API_VERSION,
      kind: 'WorkflowApproval',
      metadata: { name, namespace: `org-${org}` },
      spec: { comment: 'via kubectl', ...spec },
    }),
  );
  await kubectl(...(await tokenFlags(await idToken(email))), 'create', '-f', file);
  return name;
}
