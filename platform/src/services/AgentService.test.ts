import type { Team } from '@guardian/crds/generated';
import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../agents/index.ts';
import { runnableCategories } from './AgentService.ts';
import type { Actor } from './actor.ts';

const actor = (overrides: Partial<Actor>): Actor => ({
  userId: 'u1',
  superAdmin: false,
  orgId: 'acme',
  role: 'team_member',
  orgs: { acme: 'team_member' },
  teamIds: [],
  teams: {},
  ...overrides,
});

const teams: Record<string, Pick<Team, 'spec'>> = {
  costs: { spec: { displayName: 'Costs', agentCategories: ['cost'] } },
  security: { spec: { displayName: 'Security', agentCategories: ['security', 'compliance'] } },
  nothing: { spec: { displayName: 'Nothing', agentCategories: [] } },
  everything: { spec: { displayName: 'Everything' } },
};
const lookup = (teamId: string) => teams[teamId];
const sorted = (set: ReadonlySet<string>) => [...set].sort();

describe('runnableCategories', () => {
  it('is the union of the teams’ agent categories for a team member', () => {
    expect(sorted(runnableCategories(actor({ teamIds: ['costs'] }), lookup))).toEqual(['cost']);
    expect(sorted(runnableCategories(actor({ teamIds: ['costs', 'security'] }), lookup))).toEqual([
      'compliance',
      'cost',
      'security',
    ]);
    expect(sorted(runnableCategories(actor({ teamIds: ['nothing'] }), lookup))).toEqual([]);
  });

  it('is every category for a team without the field, a user in no (existing) team, owners, admins, super admins and API keys', () => {
    const every = [...CATEGORIES].sort();
    for (const who of [
      actor({ teamIds: ['costs', 'everything'] }),
      actor({ teamIds: [] }),
      actor({ teamIds: ['deleted-since'] }),
      actor({ role: 'org_owner', teamIds: ['costs'] }),
      actor({ role: 'org_admin', teamIds: ['costs'] }),
      actor({ role: 'super_admin', superAdmin: true, teamIds: ['costs'] }),
      actor({ role: 'team_member', apiKeyId: 'k1', teamIds: ['costs'] }),
    ]) {
      expect(sorted(runnableCategories(who, lookup))).toEqual(every);
    }
    // The control: a team lead is bound by its teams like a member.
    expect(sorted(runnableCategories(actor({ role: 'team_lead', teamIds: ['costs'] }), lookup))).toEqual([
      'cost',
    ]);
  });
});
