import { describe, expect, it } from 'vitest';
import { type OnboardingFacts, onboardingSteps } from './onboarding.ts';

const fresh: OnboardingFacts = {
  agentRuns: 0,
  members: 1,
  invitations: 0,
  teams: 0,
  workflows: 0,
  ssoIncluded: false,
  ssoConnected: false,
};
const done = (facts: OnboardingFacts) =>
  Object.fromEntries(onboardingSteps(facts).map((step) => [step.id, step.done]));

describe('the onboarding checklist', () => {
  it('starts with nothing done, and offers SSO only on plans that include it', () => {
    expect(done(fresh)).toEqual({ agents: false, invite: false, team: false, workflow: false });
    expect(done({ ...fresh, ssoIncluded: true })).toMatchObject({ sso: false });
  });

  it('ticks each step from the data', () => {
    expect(done({ ...fresh, agentRuns: 1 })).toMatchObject({ agents: true, invite: false });
    expect(done({ ...fresh, invitations: 1 })).toMatchObject({ invite: true });
    // A second member joined without an invitation (SSO, a group mapping): the team is in.
    expect(done({ ...fresh, members: 2 })).toMatchObject({ invite: true });
    expect(done({ ...fresh, teams: 1 })).toMatchObject({ team: true, workflow: false });
    expect(done({ ...fresh, workflows: 3 })).toMatchObject({ workflow: true });
    expect(done({ ...fresh, ssoIncluded: true, ssoConnected: true })).toMatchObject({ sso: true });
  });
});
