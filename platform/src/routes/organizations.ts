import type { AnalyticsService } from '../analytics/AnalyticsService.ts';
import {
  AnalyticsQuery,
  CreateOrganization,
  DeleteOrganizationQuery,
  OrganizationAnalytics,
  OrganizationList,
  OrganizationView,
  UpdateOrganization,
} from '../contract/organizations.ts';
import { orgId } from '../contract/token.ts';
import { type Api, problem } from '../http/operation.ts';
import { NotFoundError } from '../services/errors.ts';
import type { OrganizationService } from '../services/OrganizationService.ts';
import { organizationView } from '../services/organization-view.ts';

const refusals = {
  401: problem('No valid credential'),
  403: problem('Not allowed'),
  404: problem('No such organization, or not one of yours'),
};

/** A malformed id names no organization: 404, as for one that does not exist. */
export function pathOrg(params: Record<string, string>): string {
  const parsed = orgId.safeParse(params.org_id);
  if (!parsed.success) throw new NotFoundError('No such organization');
  return parsed.data;
}

export function organizationRoutes(
  api: Api,
  service: OrganizationService,
  analytics: AnalyticsService,
): void {
  api.mount(
    {
      method: 'post',
      path: '/tenants/organizations',
      tag: 'organizations',
      summary: 'Create an organization (super admins; anyone signed in when self-service signup is on)',
      description:
        'Creates the Organization custom resource. 201 when the operator reports it Ready within 10 s, else 202 with Location.',
      auth: 'any',
      body: CreateOrganization,
      responses: {
        201: {
          description: 'Created and Ready',
          schema: OrganizationView,
          identifies: { path: '/tenants/organizations/{org_id}', parameter: 'org_id', field: 'org_id' },
        },
        202: { description: 'Created; not Ready yet (poll Location)', schema: OrganizationView },
        400: problem('Invalid input, or refused by Kubernetes validation; errors lists the fields'),
        401: problem('No valid credential'),
        403: problem('Not allowed to create organizations'),
        409: problem('An organization with this org_id exists'),
      },
    },
    async (ctx, { body, actor }) => {
      const { org, ready } = await service.create(actor, body);
      const view = organizationView(org);
      ctx.status = ready ? 201 : 202;
      ctx.set('location', `/tenants/organizations/${view.org_id}`);
      ctx.body = OrganizationView.parse(view);
    },
  );

  api.mount(
    {
      method: 'get',
      path: '/tenants/organizations',
      tag: 'organizations',
      summary: 'The organizations you belong to (every one, for a super admin)',
      auth: 'any',
      responses: { 200: { description: 'Organizations', schema: OrganizationList }, 401: refusals[401] },
    },
    (ctx, { actor }) => {
      const organizations = service.list(actor).map(organizationView);
      ctx.body = OrganizationList.parse({ organizations });
    },
  );

  api.mount(
    {
      method: 'get',
      path: '/tenants/organizations/{org_id}',
      tag: 'organizations',
      summary: 'One organization (needs org:read in it)',
      auth: 'any',
      responses: { 200: { description: 'The organization', schema: OrganizationView }, ...refusals },
    },
    (ctx, { params, actor }) => {
      const org = service.get(actor, pathOrg(params));
      ctx.body = OrganizationView.parse(organizationView(org));
    },
  );

  api.mount(
    {
      method: 'patch',
      path: '/tenants/organizations/{org_id}',
      tag: 'organizations',
      summary:
        'Change an organization (org:update; owners need owners:manage; domains and plan_type super admins)',
      auth: 'any',
      body: UpdateOrganization,
      responses: {
        200: { description: 'The organization', schema: OrganizationView },
        400: problem('Invalid input, or refused by Kubernetes validation'),
        ...refusals,
        409: problem('Changed concurrently, owned by another field manager, or it would leave no owner'),
      },
    },
    async (ctx, { params, body, actor }) => {
      const { org, before } = await service.update(actor, pathOrg(params), body);
      ctx.state.outcome = { before };
      ctx.body = OrganizationView.parse(organizationView(org));
    },
  );

  api.mount(
    {
      method: 'delete',
      path: '/tenants/organizations/{org_id}',
      tag: 'organizations',
      summary: 'Delete an organization (org:delete), confirmed with ?confirm=<org_id>',
      description:
        'The organization becomes pending deletion: read-only for its members, restorable by its owners ' +
        '(POST .../restore) until the operator deletes it at deletion.scheduled_at (the grace period, 7 days ' +
        'by default). Super admins may delete at once with ?immediately=true.',
      auth: 'any',
      query: DeleteOrganizationQuery,
      responses: {
        202: {
          description:
            'Deletion pending; or, immediately, started (the operator removes what it provisioned)',
          schema: OrganizationView,
        },
        400: problem('Not confirmed: ?confirm must be the org_id'),
        ...refusals,
      },
    },
    async (ctx, { params, query, actor }) => {
      const { immediately, org } = await service.delete(actor, pathOrg(params), query);
      ctx.state.outcome = { immediately };
      ctx.status = 202;
      ctx.body = OrganizationView.parse(organizationView(org));
    },
  );

  api.mount(
    {
      method: 'post',
      path: '/tenants/organizations/{org_id}/restore',
      tag: 'organizations',
      summary: 'End a pending deletion (owners and super admins)',
      auth: 'any',
      responses: {
        200: { description: 'The organization, no longer pending deletion', schema: OrganizationView },
        ...refusals,
        409: problem('No deletion is pending'),
      },
    },
    async (ctx, { params, actor }) => {
      const org = await service.restore(actor, pathOrg(params));
      ctx.body = OrganizationView.parse(organizationView(org));
    },
  );

  api.mount(
    {
      method: 'get',
      path: '/tenants/organizations/{org_id}/analytics',
      tag: 'organizations',
      summary:
        'Members, teams, plan limits, quota utilization and forecasts, usage, cost, performance and security (analytics:read)',
      description:
        'history.periods: agent executions and workflows counted in each of the last `periods` billing ' +
        'periods (the organization’s anchor day, UTC); history.days: per day of the current period. ' +
        'usage, cost, performance and security cover the days `from` to `to` (default: the last 30), summed per ' +
        '`granularity`; plans without advancedAnalytics: full get cost, performance and security as ' +
        '{locked: true, plan}.',
      auth: 'any',
      query: AnalyticsQuery,
      responses: {
        200: { description: 'Analytics', schema: OrganizationAnalytics },
        400: problem('Invalid query'),
        ...refusals,
      },
    },
    async (ctx, { params, query, actor }) => {
      ctx.body = OrganizationAnalytics.parse(await analytics.report(actor, pathOrg(params), query));
    },
  );
}
