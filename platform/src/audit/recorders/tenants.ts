import type { AppContext } from '../../http/state.ts';
import { byCaller, changes, type Recorders, refusal, responseBody } from './recorder.ts';

/** Organizations and teams: created, changed (from → to), deleted; refusals (403) too. */
export function tenantRecorders(): Recorders {
  const org = (ctx: AppContext) => ctx.params?.org_id ?? '';
  const team = (ctx: AppContext) => ctx.params?.team_id ?? '';
  const member = (ctx: AppContext) => ({
    kind: ctx.params?.kind === 'groups' ? 'Group' : 'User',
    name: ctx.params?.name ?? '',
  });
  return {
    'POST /tenants/organizations': (ctx, failed) => {
      if (failed) return undefined;
      const created = responseBody(ctx);
      const orgId = String(created.org_id ?? '');
      return byCaller(
        ctx,
        {
          action: 'organization.created',
          target: orgId,
          detail: {
            name: created.name,
            plan_type: created.plan_type,
            owners: created.owners,
            domains: created.domains,
            ready: created.ready,
          },
        },
        orgId,
      );
    },
    'PATCH /tenants/organizations/{org_id}': (ctx, failed) => {
      const target = org(ctx);
      const changed = changes(ctx);
      if (failed) {
        const detail = { fields: Object.keys(changed) };
        return refusal(ctx, failed, { action: 'organization.update.refused', target, detail }, target);
      }
      const suspended = changed.suspended;
      const action =
        suspended && suspended.from !== suspended.to
          ? suspended.to === true
            ? 'organization.suspended'
            : 'organization.resumed'
          : 'organization.updated';
      return byCaller(ctx, { action, target, detail: { changes: changed } }, target);
    },
    'DELETE /tenants/organizations/{org_id}': (ctx, failed) => {
      const target = org(ctx);
      if (failed) return refusal(ctx, failed, { action: 'organization.delete.refused', target }, target);
      if (ctx.state.outcome?.immediately) {
        return byCaller(
          ctx,
          { action: 'organization.deleted', target, detail: { immediately: true } },
          target,
        );
      }
      const { deletion } = responseBody(ctx);
      return byCaller(
        ctx,
        { action: 'organization.deletion.requested', target, detail: { deletion } },
        target,
      );
    },
    'POST /tenants/organizations/{org_id}/restore': (ctx, failed) => {
      const target = org(ctx);
      if (failed) return refusal(ctx, failed, { action: 'organization.restore.refused', target }, target);
      return byCaller(ctx, { action: 'organization.restored', target }, target);
    },
    'POST /tenants/teams': (ctx, failed) => {
      if (failed) return refusal(ctx, failed, { action: 'team.create.refused', target: '' });
      const created = responseBody(ctx);
      return byCaller(ctx, {
        action: 'team.created',
        target: String(created.team_id ?? ''),
        detail: { name: created.name, agent_categories: created.agent_categories },
      });
    },
    'PATCH /tenants/teams/{team_id}': (ctx, failed) => {
      if (failed) return refusal(ctx, failed, { action: 'team.update.refused', target: team(ctx) });
      return byCaller(ctx, { action: 'team.updated', target: team(ctx), detail: { changes: changes(ctx) } });
    },
    'DELETE /tenants/teams/{team_id}': (ctx, failed) => {
      if (failed) return refusal(ctx, failed, { action: 'team.delete.refused', target: team(ctx) });
      return byCaller(ctx, { action: 'team.deleted', target: team(ctx) });
    },
    'PUT /tenants/teams/{team_id}/members/{kind}/{name}': (ctx, failed) => {
      const target = team(ctx);
      const { role } = changes(ctx);
      const detail = { ...member(ctx), from: role?.from ?? null, to: role?.to ?? null };
      if (failed) return refusal(ctx, failed, { action: 'team.member.refused', target, detail });
      const action = detail.from === null ? 'team.member.added' : 'team.member.role.changed';
      return byCaller(ctx, { action, target, detail });
    },
    'DELETE /tenants/teams/{team_id}/members/{kind}/{name}': (ctx, failed) => {
      const target = team(ctx);
      if (failed)
        return refusal(ctx, failed, { action: 'team.member.remove.refused', target, detail: member(ctx) });
      return byCaller(ctx, { action: 'team.member.removed', target, detail: member(ctx) });
    },
  };
}
