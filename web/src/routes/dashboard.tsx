import { useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useRouterState } from '@tanstack/react-router';
import {
  membersQuery,
  meQuery,
  type Organization,
  organizationQuery,
  organizationsQuery,
  roleIn,
  teamsQuery,
  type Usage,
  usageQuery,
} from '../api/queries.ts';
import { Badge } from '../components/Badge.tsx';
import { ErrorState } from '../components/ErrorState.tsx';
import { formatPeriod } from '../components/format.ts';
import { MemberList } from '../components/MemberList.tsx';
import { OnboardingChecklist } from '../components/OnboardingChecklist.tsx';
import { Panel } from '../components/Panel.tsx';
import { QuotaMeter } from '../components/QuotaMeter.tsx';
import { roleLabel } from '../components/roles.ts';
import { Skeleton } from '../components/Skeleton.tsx';
import { TeamList } from '../components/TeamList.tsx';
import { loginHref } from './login-href.ts';
import { useTitle } from './title.ts';
import './dashboard.css';

const route = getRouteApi('/signed-in/o/$org');

const capitalized = (value: string) => value.charAt(0).toUpperCase() + value.slice(1);

function Status({ organization }: { organization: Organization }) {
  if (organization.suspended) return <Badge tone="danger">Suspended</Badge>;
  return organization.ready ? <Badge tone="ok">Ready</Badge> : <Badge tone="warning">Provisioning</Badge>;
}

/** The plan's limits the dashboard shows, in the order people ask about them. */
function Meters({ usage }: { usage: Usage }) {
  const { limits } = usage;
  return (
    <div className="dashboard__meters">
      <QuotaMeter
        label="Agent units"
        hint="One unit per agent in a run"
        limit={limits.agent_executions_per_month}
        period="this month"
      />
      <QuotaMeter
        label="Workflows"
        hint="Workflow runs started"
        limit={limits.workflows_per_month}
        period="this month"
      />
      <QuotaMeter label="Seats" hint="Members and pending invitations" limit={limits.team_members} />
      <QuotaMeter label="Storage" hint="The organization's database" limit={limits.storage_gib} unit="GiB" />
      <QuotaMeter
        label="API calls"
        hint="In the last hour, this page's included"
        limit={limits.api_calls_per_hour}
        period="this hour"
      />
    </div>
  );
}

/** An organization at a glance: what its plan allows and what is used of it, its people and teams. */
export function DashboardPage() {
  const { org } = route.useParams();
  const href = useRouterState({ select: (router) => router.location.href });
  const queryClient = useQueryClient();
  const me = useQuery(meQuery);
  const organization = useQuery(organizationQuery(org));
  const usage = useQuery(usageQuery(org));
  const members = useQuery(membersQuery(org));
  const teams = useQuery(teamsQuery(org));
  // The bar above has the list of the person's organizations: their names, even when this one failed.
  const listed = useQuery(organizationsQuery).data?.organizations.find((entry) => entry.org_id === org);
  const name = organization.data?.name ?? listed?.name;
  useTitle(name ?? org);

  // A refusal of one of these (no access, the hourly limit, no network) is the page's answer.
  const failed = [organization, usage, members, teams].find((query) => query.isError);
  if (failed) {
    return (
      <ErrorState
        error={failed.error}
        org={name ?? org}
        signInHref={loginHref(org, href)}
        onRetry={() => queryClient.refetchQueries({ predicate: (query) => query.queryKey[1] === org })}
      />
    );
  }

  const role = me.data ? roleIn(me.data.tenant_context, org) : undefined;
  return (
    <div className="dashboard">
      <header className="page-header">
        <div className="page-header__text">
          <p className="page-header__eyebrow">Organization</p>
          {organization.data ? (
            <h1>{organization.data.name}</h1>
          ) : (
            <h1 className="dashboard__loading-title">
              <span className="visually-hidden">{org}</span>
              <Skeleton label="Loading the organization" />
            </h1>
          )}
          <p className="page-header__meta">
            <code>{org}</code>
            {organization.data ? <span>{capitalized(organization.data.plan_type)} plan</span> : null}
            {role ? <span>You are {role === 'super_admin' ? 'a super admin' : roleLabel(role)}</span> : null}
            {organization.data ? <Status organization={organization.data} /> : null}
          </p>
        </div>
      </header>

      {me.data && (role === 'org_owner' || role === 'org_admin') ? (
        <OnboardingChecklist org={org} userId={me.data.user.id} />
      ) : null}

      <section className="dashboard__usage" aria-labelledby="usage-heading">
        <div className="section-head">
          <h2 id="usage-heading">Plan usage</h2>
          {usage.data ? (
            <p>Billing period {formatPeriod(usage.data.period.start, usage.data.period.end)}</p>
          ) : null}
        </div>
        {usage.data ? <Meters usage={usage.data} /> : <Skeleton lines={3} label="Loading the plan usage" />}
      </section>

      <div className="dashboard__columns">
        <Panel
          title="Members"
          count={members.data?.members.length}
          description="Everyone with a role here, owners first"
        >
          {members.data ? (
            <MemberList members={members.data.members} />
          ) : (
            <Skeleton lines={4} label="Loading the members" />
          )}
        </Panel>
        <Panel
          title="Teams"
          count={teams.data?.teams.length}
          description="Groups that run agents and workflows"
        >
          {teams.data ? (
            <TeamList teams={teams.data.teams} />
          ) : (
            <Skeleton lines={3} label="Loading the teams" />
          )}
        </Panel>
      </div>
    </div>
  );
}
