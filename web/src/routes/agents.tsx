import { useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { type Agent, agentsQuery } from '../api/agents.ts';
import { organizationQuery } from '../api/queries.ts';
import { Badge } from '../components/Badge.tsx';
import { Panel } from '../components/Panel.tsx';
import { RunAgentsForm } from '../components/RunAgentsForm.tsx';
import { Skeleton } from '../components/Skeleton.tsx';
import { QueryFailure } from './query-failure.tsx';
import { useTitle } from './title.ts';
import '../components/List.css';
import './workflows.css';

const route = getRouteApi('/signed-in/o/$org/agents');

function byCategory(agents: Agent[]): Array<[string, Agent[]]> {
  const groups = new Map<string, Agent[]>();
  for (const agent of agents) groups.set(agent.category, [...(groups.get(agent.category) ?? []), agent]);
  return [...groups.entries()];
}

/** The agents by category, with which the caller may run; "Run agents" on an environment. */
export function AgentsPage() {
  const { org } = route.useParams();
  const agents = useQuery(agentsQuery(org));
  const organization = useQuery(organizationQuery(org));
  useTitle('Agents');
  const failed = [agents, organization].find((query) => query.isError);
  if (failed) return <QueryFailure org={org} error={failed.error} />;
  const allowed = (agents.data?.agents ?? []).filter((agent) => agent.allowed).map((agent) => agent.id);
  return (
    <div>
      <header className="page-header">
        <div className="page-header__text">
          <p className="page-header__eyebrow">Analysis</p>
          <h1>Agents</h1>
        </div>
      </header>
      <div className="workflows">
        <Panel title="Run agents" description="Every agent you may run, on one environment">
          {agents.data && organization.data ? (
            <RunAgentsForm org={org} environments={organization.data.environments} agents={allowed} />
          ) : (
            <Skeleton lines={3} label="Loading the agents" />
          )}
        </Panel>
        <div className="workflow">
          {agents.data ? (
            byCategory(agents.data.agents).map(([category, members]) => (
              <Panel
                key={category}
                title={category.charAt(0).toUpperCase() + category.slice(1)}
                count={members.length}
              >
                <ul className="list" aria-label={`${category} agents`}>
                  {members.map((agent) => (
                    <li key={agent.id} className="list__item">
                      <span className="run-list__link">
                        <span className="run-list__name">{agent.name}</span>
                        <span className="run-list__meta">
                          {agent.description} ({agent.checks.length} checks)
                        </span>
                      </span>
                      {agent.allowed ? <Badge tone="ok">You may run</Badge> : <Badge>Not your teams’</Badge>}
                    </li>
                  ))}
                </ul>
              </Panel>
            ))
          ) : (
            <Skeleton lines={6} label="Loading the catalog" />
          )}
        </div>
      </div>
    </div>
  );
}
