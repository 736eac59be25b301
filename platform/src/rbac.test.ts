import { describe, expect, it } from 'vitest';
import {
  apiKeyPermissionsOf,
  can,
  highest,
  MATRIX,
  mayGrant,
  PERMISSIONS,
  permissionsOf,
  ROLES,
} from './rbac.ts';

describe('permission matrix', () => {
  it('orders roles so each holds every permission of the roles below it (except read_only’s audit view)', () => {
    const chain = ['org_owner', 'org_admin', 'team_lead', 'team_member'] as const;
    for (let i = 0; i + 1 < chain.length; i++) {
      const [upper, lower] = [chain[i], chain[i + 1]];
      if (!upper || !lower) continue;
      for (const permission of MATRIX[lower])
        expect(can(upper, permission), `${upper} ${permission}`).toBe(true);
    }
  });

  it('gives the super admin everything and read_only nothing that changes state', () => {
    expect(permissionsOf('super_admin').sort()).toEqual([...PERMISSIONS].sort());
    const changes = permissionsOf('read_only').filter((p) => !/:(read)$/.test(p));
    expect(changes).toEqual([]);
  });

  it('keeps owner-only powers with owners', () => {
    expect(ROLES.filter((role) => can(role, 'owners:manage'))).toEqual(['super_admin', 'org_owner']);
    expect(ROLES.filter((role) => can(role, 'org:delete'))).toEqual(['super_admin', 'org_owner']);
    expect(ROLES.filter((role) => can(role, 'platform:admin'))).toEqual(['super_admin']);
  });

  it('lets team leads approve workflows and members only start them', () => {
    expect(can('team_lead', 'workflows:approve')).toBe(true);
    expect(can('team_member', 'workflows:approve')).toBe(false);
    expect(can('team_member', 'workflows:create')).toBe(true);
    expect(can('read_only', 'workflows:create')).toBe(false);
  });
});

describe('mayGrant', () => {
  it('never grants above the granter’s role; owners only by owners', () => {
    expect(mayGrant('org_admin', 'org_admin')).toBe(true);
    expect(mayGrant('org_admin', 'team_lead')).toBe(true);
    expect(mayGrant('org_admin', 'org_owner')).toBe(false);
    expect(mayGrant('org_owner', 'org_owner')).toBe(true);
    expect(mayGrant('team_lead', 'org_admin')).toBe(false);
    expect(mayGrant('team_lead', 'team_member')).toBe(false);
    expect(mayGrant('super_admin', 'super_admin')).toBe(false);
  });
});

describe('highest', () => {
  it('picks the strongest role of several sources', () => {
    expect(highest(['team_member', 'org_admin', 'read_only'])).toBe('org_admin');
    expect(highest([])).toBeUndefined();
  });
});

describe('audit:verify', () => {
  it('goes to the people who manage the audit trail, never read_only nor an API key', () => {
    expect(ROLES.filter((role) => can(role, 'audit:verify'))).toEqual([
      'super_admin',
      'org_owner',
      'org_admin',
    ]);
    expect(can('read_only', 'audit:read')).toBe(true);
    expect(apiKeyPermissionsOf('org_admin')).not.toContain('audit:verify');
    // The control: a key holds everything else its role grants.
    expect(apiKeyPermissionsOf('org_admin')).toEqual(
      permissionsOf('org_admin').filter((p) => p !== 'audit:verify'),
    );
  });
});
