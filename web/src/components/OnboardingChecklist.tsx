import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import {
  agentRunsQuery,
  dismissOnboarding,
  invitationsQuery,
  onboardingDismissed,
} from '../api/onboarding.ts';
import { membersQuery, organizationQuery, teamsQuery, usageQuery } from '../api/queries.ts';
import { workflowsQuery } from '../api/workflows.ts';
import { Badge } from './Badge.tsx';
import { Button } from './Button.tsx';
import { type OnboardingStep, onboardingSteps } from './onboarding.ts';
import { Panel } from './Panel.tsx';
import { Skeleton } from './Skeleton.tsx';
import './List.css';

function StepLink({ org, step }: { org: string; step: OnboardingStep }) {
  if (step.done) return null;
  if (step.id === 'agents')
    return (
      <Link to="/o/$org/agents" params={{ org }}>
        Run agents
      </Link>
    );
  if (step.id === 'workflow')
    return (
      <Link to="/o/$org/workflows" params={{ org }}>
        Start one
      </Link>
    );
  return null;
}

/** The first-run checklist for owners and admins, ticked from the organization's data. */
export function OnboardingChecklist({ org, userId }: { org: string; userId: string }) {
  const [dismissed, setDismissed] = useState(() => onboardingDismissed(org, userId));
  // Asked afresh whenever the dashboard opens: the steps are done elsewhere (other pages, the API).
  const fresh = { enabled: !dismissed, staleTime: 0 };
  const runs = useQuery({ ...agentRunsQuery(org, 1), ...fresh });
  const invitations = useQuery({ ...invitationsQuery(org), ...fresh });
  const workflows = useQuery({ ...workflowsQuery(org), ...fresh });
  const members = useQuery({ ...membersQuery(org), ...fresh });
  const teams = useQuery({ ...teamsQuery(org), ...fresh });
  const usage = useQuery({ ...usageQuery(org), ...fresh });
  const organization = useQuery({ ...organizationQuery(org), ...fresh });
  // Guidance, not data the page is about: when a fact cannot be read (an organization whose
  // database is still being made, a refusal), the checklist stays away rather than guess.
  const facts = [runs, invitations, workflows, members, teams, usage, organization];
  if (dismissed || facts.some((query) => query.isError)) return null;

  const steps =
    runs.data && invitations.data && workflows.data && members.data && teams.data && usage.data
      ? onboardingSteps({
          agentRuns: runs.data.runs.length,
          invitations: invitations.data.invitations.length,
          workflows: workflows.data.workflows.length,
          members: members.data.members.length,
          teams: teams.data.teams.length,
          ssoIncluded: usage.data.features.sso,
          ssoConnected: organization.data?.sso != null,
        })
      : undefined;
  const left = steps?.filter((step) => !step.done).length;
  return (
    <Panel
      title="Get started"
      description={
        left === undefined ? undefined : left === 0 ? 'All done: Guardian is set up' : `${left} steps left`
      }
    >
      {steps ? (
        <ul className="list" aria-label="Onboarding steps">
          {steps.map((step) => (
            <li key={step.id} className="list__item">
              <span className="list__text">
                <span className="list__title">{step.label}</span>
                <span className="list__meta list__meta--wrap">{step.hint}</span>
              </span>
              <StepLink org={org} step={step} />
              {step.done ? <Badge tone="ok">Done</Badge> : <Badge>To do</Badge>}
            </li>
          ))}
        </ul>
      ) : (
        <Skeleton lines={4} label="Loading the onboarding steps" />
      )}
      <Button
        variant="ghost"
        onClick={() => {
          dismissOnboarding(org, userId);
          setDismissed(true);
        }}
      >
        Dismiss the checklist
      </Button>
    </Panel>
  );
}
