import { describe, expect, it } from 'vitest';
import { defaultOrganization, type Me, roleIn } from './queries.ts';

const context = (orgs: Me['tenant_context']['orgs'], superAdmin = false, orgId: string | null = null) =>
  ({
    user_id: '00000000-0000-4000-8000-000000000001',
    org_id: orgId,
    role: null,
    permissions: [],
    team_ids: [],
    orgs,
    super_admin: superAdmin,
    authenticated_by: 'token',
  }) satisfies Me['tenant_context'];

describe('the organization / opens', () => {
  it('is a person’s only organization', () => {
    expect(defaultOrganization(context({ acme: 'org_owner' }, false, 'acme'))).toBe('acme');
  });

  it('is a choice for people in several (whatever the token defaulted to), none, and super admins', () => {
    expect(
      defaultOrganization(context({ acme: 'read_only', beta: 'org_owner' }, false, 'acme')),
    ).toBeUndefined();
    expect(defaultOrganization(context({}))).toBeUndefined();
    expect(defaultOrganization(context({ acme: 'org_owner' }, true, 'acme'))).toBeUndefined();
  });

  it('names the role in an organization, super admins’ in every one', () => {
    expect(roleIn(context({ acme: 'team_lead' }), 'acme')).toBe('team_lead');
    expect(roleIn(context({ acme: 'team_lead' }), 'beta')).toBeUndefined();
    expect(roleIn(context({}, true), 'beta')).toBe('super_admin');
  });
});
