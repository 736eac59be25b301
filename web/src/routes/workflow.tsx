import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { hasEnded, standingQuery, workflowQuery } from '../api/workflows.ts';
import { ApprovalPanel } from '../components/ApprovalPanel.tsx';
import { Panel } from '../components/Panel.tsx';
import { PhaseBadge } from '../components/PhaseBadge.tsx';
import { RunActions } from '../components/RunActions.tsx';
import { Skeleton } from '../components/Skeleton.tsx';
import { StepTimeline } from '../components/StepTimeline.tsx';
import { QueryFailure } from './query-failure.tsx';
import { useTitle } from './title.ts';
import './workflows.css';

const route = getRouteApi('/signed-in/o/$org/workflows/$id');

/** One run: what it is, its steps as they go, the gate awaiting a decision, cancel and revert. */
export function WorkflowPage() {
  const { org, id } = route.useParams();
  const run = useQuery(workflowQuery(org, id));
  // Asked again whenever the run changes: who may decide follows the gate.
  const seen = run.data?.steps.map((step) => `${step.name}:${step.phase}`).join(',');
  const standing = useQuery({ ...standingQuery(org, id, seen), enabled: seen !== undefined });
  useTitle(id);

  if (run.isError) return <QueryFailure org={org} error={run.error} />;
  const data = run.data;
  return (
    <div className="workflow">
      <header className="page-header">
        <div className="page-header__text">
          <p className="page-header__eyebrow">
            <Link to="/o/$org/workflows" params={{ org }}>
              Workflows
            </Link>
          </p>
          <h1>{id}</h1>
          {data ? (
            <p className="page-header__meta">
              <span>{data.template}</span>
              <span>{data.environment}</span>
              {data.team ? <span>Team {data.team}</span> : null}
              <output aria-label="Run phase">
                <PhaseBadge phase={data.phase} />
              </output>
            </p>
          ) : null}
          {data?.reason && hasEnded(data) && data.reason !== data.phase ? (
            <p className="workflow-form__description">{data.reason}</p>
          ) : null}
        </div>
        {data ? <RunActions org={org} run={data} /> : null}
      </header>
      {standing.data ? <ApprovalPanel org={org} id={id} standing={standing.data} /> : null}
      <Panel title="Timeline" description={data ? `Requested by ${data.requested_by}` : undefined}>
        {data ? <StepTimeline steps={data.steps} /> : <Skeleton lines={4} label="Loading the run" />}
      </Panel>
    </div>
  );
}
