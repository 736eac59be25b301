import { queryOptions } from '@tanstack/react-query';
import { call } from './client.ts';
import type { components } from './generated/schema.ts';
import { api } from './session.ts';

export type Me = components['schemas']['Me'];
export type Organization = components['schemas']['Organization'];
export type Usage = components['schemas']['Usage'];
export type UsageLimit = Usage['limits']['team_members'];
export type Member = components['schemas']['Member'];
export type Team = components['schemas']['Team'];
export type OrgRole = Member['role'];
export type Role = NonNullable<Me['tenant_context']['role']>;

/** Requests about one organization name it: the platform checks it is one of the caller's. */
const inOrg = (org: string) => ({ 'x-org-id': org });

// Query keys start with what they are about, then the route's parameters.
export const meQuery = queryOptions({
  queryKey: ['me'],
  queryFn: () => call(api.GET('/auth/me')),
  staleTime: 5 * 60_000,
});

export const organizationsQuery = queryOptions({
  queryKey: ['organizations'],
  queryFn: () => call(api.GET('/tenants/organizations')),
  staleTime: 5 * 60_000,
});

export const organizationQuery = (org: string) =>
  queryOptions({
    queryKey: ['organization', org],
    queryFn: () =>
      call(
        api.GET('/tenants/organizations/{org_id}', {
          params: { path: { org_id: org } },
          headers: inOrg(org),
        }),
      ),
  });

export const usageQuery = (org: string) =>
  queryOptions({ queryKey: ['usage', org], queryFn: () => call(api.GET('/usage', { headers: inOrg(org) })) });

export const membersQuery = (org: string) =>
  queryOptions({
    queryKey: ['members', org],
    queryFn: () => call(api.GET('/tenants/members', { headers: inOrg(org) })),
  });

export const teamsQuery = (org: string) =>
  queryOptions({
    queryKey: ['teams', org],
    queryFn: () => call(api.GET('/tenants/teams', { headers: inOrg(org) })),
  });

/**
 * The organization `/` opens: a person's only one. Several (or a super admin, who may open any)
 * get the choice; the token's own org_id is no guide, as the platform defaults it to the first.
 */
export function defaultOrganization(context: Me['tenant_context']): string | undefined {
  const orgs = Object.keys(context.orgs);
  return orgs.length === 1 && !context.super_admin ? orgs[0] : undefined;
}

/** The caller's role in `org`: super admins act in every organization. */
export function roleIn(context: Me['tenant_context'], org: string): Role | undefined {
  return context.super_admin ? 'super_admin' : context.orgs[org];
}
