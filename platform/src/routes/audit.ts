import type { Knex } from 'knex';
import type { AuditLog } from '../audit/AuditLog.ts';
import { verifyChain } from '../audit/verify.ts';
import { AuditPage, AuditQuery, AuditVerification } from '../contract/audit.ts';
import { Problem } from '../contract/problem.ts';
import { Forbidden } from '../http/errors.ts';
import type { Api } from '../http/operation.ts';
import type { AppContext } from '../http/state.ts';

export interface AuditRouteDeps {
  audit: AuditLog;
  db: Knex;
  key: Buffer;
}

function currentOrg(ctx: AppContext): string {
  const orgId = ctx.state.auth?.orgId;
  if (!orgId) throw new Forbidden('No organization is selected (send x-org-id)');
  return orgId;
}

const refusals = {
  401: { description: 'No valid credential', schema: Problem },
  403: { description: 'Not allowed (audit:read) in this organization, or none selected', schema: Problem },
};

export function auditRoutes(api: Api, deps: AuditRouteDeps): void {
  api.mount(
    {
      method: 'get',
      path: '/audit',
      tag: 'audit',
      summary: 'The organization’s audit trail, newest first, filterable by action, actor and time',
      auth: 'any',
      permission: 'audit:read',
      query: AuditQuery,
      responses: { 200: { description: 'A page of entries', schema: AuditPage }, ...refusals },
    },
    async (ctx, { query }) => {
      const page = await deps.audit.list(currentOrg(ctx), {
        action: query.action,
        actor: query.actor,
        since: query.since ? new Date(query.since) : undefined,
        until: query.until ? new Date(query.until) : undefined,
        before: query.before,
        limit: query.limit,
      });
      ctx.body = AuditPage.parse({
        entries: page.entries.map((entry) => ({
          seq: entry.seq,
          at: entry.at.toISOString(),
          actor: entry.actor,
          action: entry.action,
          target: entry.target,
          detail: entry.detail,
          prev_hash: entry.prevHash,
          hash: entry.hash,
        })),
        next_before: page.nextBefore,
      });
    },
  );

  api.mount(
    {
      method: 'get',
      path: '/audit/verify',
      tag: 'audit',
      summary: 'Verify the organization’s hash chain, its signed checkpoints and its head',
      auth: 'any',
      permission: 'audit:read',
      responses: {
        200: { description: 'The verification (ok: false lists the problems)', schema: AuditVerification },
        ...refusals,
      },
    },
    async (ctx) => {
      const result = await verifyChain(deps.db, deps.key, currentOrg(ctx));
      ctx.body = AuditVerification.parse({
        org_id: result.orgId,
        ok: result.ok,
        entries: result.entries,
        checkpoints: result.checkpoints,
        last: result.last,
        problems: result.problems,
      });
    },
  );
}
