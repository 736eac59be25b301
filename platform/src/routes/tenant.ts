import { TenantContext } from '../contract/auth.ts';
import { Problem } from '../contract/problem.ts';
import type { Api } from '../http/operation.ts';
import type { AuthContext } from '../http/state.ts';

export function tenantContext(auth: AuthContext): TenantContext {
  return {
    user_id: auth.userId,
    org_id: auth.orgId,
    role: auth.role,
    permissions: auth.permissions,
    team_ids: [...auth.teamIds],
    orgs: auth.orgs,
    super_admin: auth.superAdmin,
    authenticated_by: auth.via,
  };
}

export function tenantRoutes(api: Api): void {
  api.mount(
    {
      method: 'get',
      path: '/whoami',
      tag: 'tenancy',
      summary: 'The tenant context of this request (honours x-org-id and x-user-id)',
      auth: 'any',
      permission: 'org:read',
      responses: {
        200: { description: 'The tenant context', schema: TenantContext },
        401: { description: 'No valid credential', schema: Problem },
        403: { description: 'Not allowed in this organization, or it is suspended', schema: Problem },
      },
    },
    (ctx) => {
      ctx.body = TenantContext.parse(tenantContext(ctx.state.auth));
    },
  );
}
