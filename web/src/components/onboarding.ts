/** What the onboarding checklist is ticked from: the organization's own data, never clicks. */
export interface OnboardingFacts {
  agentRuns: number;
  members: number;
  invitations: number;
  teams: number;
  workflows: number;
  /** Whether the plan includes SSO; the step is offered only then. */
  ssoIncluded: boolean;
  ssoConnected: boolean;
}

export interface OnboardingStep {
  id: 'agents' | 'invite' | 'team' | 'workflow' | 'sso';
  label: string;
  hint: string;
  done: boolean;
}

/** The first-run steps in order. Slack joins them when its integration lands. */
export function onboardingSteps(facts: OnboardingFacts): OnboardingStep[] {
  const steps: OnboardingStep[] = [
    {
      id: 'agents',
      label: 'Run your first agents',
      hint: 'Scan an environment for cost, security and reliability findings',
      done: facts.agentRuns > 0,
    },
    {
      id: 'invite',
      label: 'Invite your team',
      hint: 'Invite people by email, or let them sign in through your SSO',
      done: facts.invitations > 0 || facts.members > 1,
    },
    {
      id: 'team',
      label: 'Create a team',
      hint: 'Teams choose their agents, and their leads approve their workflows',
      done: facts.teams > 0,
    },
    {
      id: 'workflow',
      label: 'Start a workflow',
      hint: 'An approval-gated pipeline, e.g. cost optimization on staging',
      done: facts.workflows > 0,
    },
  ];
  if (facts.ssoIncluded) {
    steps.push({
      id: 'sso',
      label: 'Connect SSO',
      hint: 'Your plan includes signing in through your own identity provider (spec.sso)',
      done: facts.ssoConnected,
    });
  }
  return steps;
}
