import type { AuditService } from '../audit/AuditService.ts';
import { AuditPage, AuditQuery, AuditVerification } from '../contract/audit.ts';
import { Problem } from '../contract/problem.ts';
import type { Api } from '../http/operation.ts';

const refusals = {
  401: { description: 'No valid credential', schema: Problem },
  403: { description: 'Not allowed (audit:read) in this organization, or none selected', schema: Problem },
};

export function auditRoutes(api: Api, service: AuditService): void {
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
    async (ctx, { query, actor }) => {
      const page = await service.list(actor, {
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
      summary:
        'Verify the organization’s hash chain, its signed checkpoints and its head (answered again from a cache while the head is unchanged, for up to a minute)',
      auth: 'any',
      permission: 'audit:verify',
      responses: {
        200: { description: 'The verification (ok: false lists the problems)', schema: AuditVerification },
        401: refusals[401],
        403: {
          description:
            'Not allowed (audit:verify: org_admin and above, never an API key) in this organization',
          schema: Problem,
        },
      },
    },
    async (ctx, { actor }) => {
      const result = await service.verify(actor);
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
