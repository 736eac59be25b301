import { byCaller, type Recorders, refusal, requestBody, responseBody } from './recorder.ts';

/**
 * Role changes, removals and invitations in the request's organization. Refusals (403: a role
 * above one's own, owners touched by a non-owner, no members:manage) are recorded too.
 */
export function memberRecorders(): Recorders {
  return {
    'PATCH /tenants/members/{user_id}': (ctx, failed) => {
      const target = ctx.params?.user_id ?? '';
      const to = requestBody(ctx).role ?? null;
      if (failed) return refusal(ctx, failed, { action: 'member.role.refused', target, detail: { to } });
      const from = ctx.state.outcome?.before?.role ?? null;
      return byCaller(ctx, { action: 'member.role.changed', target, detail: { from, to } });
    },
    'DELETE /tenants/members/{user_id}': (ctx, failed) => {
      const target = ctx.params?.user_id ?? '';
      if (failed) return refusal(ctx, failed, { action: 'member.remove.refused', target });
      const role = ctx.state.outcome?.before?.role ?? null;
      return byCaller(ctx, { action: 'member.removed', target, detail: { role } });
    },
    'POST /tenants/invitations': (ctx, failed) => {
      const { email, role } = requestBody(ctx);
      if (failed) {
        return refusal(ctx, failed, {
          action: 'invitation.refused',
          target: String(email ?? ''),
          detail: { role },
        });
      }
      const created = responseBody(ctx);
      return byCaller(ctx, {
        action: 'invitation.created',
        target: String(created.email ?? ''),
        detail: { invitation_id: created.id, role: created.role, expires_at: created.expires_at },
      });
    },
    'DELETE /tenants/invitations/{invitation_id}': (ctx, failed) => {
      const id = ctx.params?.invitation_id ?? '';
      if (failed) return refusal(ctx, failed, { action: 'invitation.revoke.refused', target: id });
      return byCaller(ctx, {
        action: 'invitation.revoked',
        target: ctx.state.outcome?.email ?? '',
        detail: { invitation_id: id },
      });
    },
  };
}
