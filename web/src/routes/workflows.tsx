import { useQuery } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { organizationQuery } from '../api/queries.ts';
import { templatesQuery, workflowsQuery } from '../api/workflows.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { Panel } from '../components/Panel.tsx';
import { RunList } from '../components/RunList.tsx';
import { Skeleton } from '../components/Skeleton.tsx';
import { StartWorkflowForm } from '../components/StartWorkflowForm.tsx';
import { QueryFailure } from './query-failure.tsx';
import { useTitle } from './title.ts';
import './workflows.css';

const route = getRouteApi('/signed-in/o/$org/workflows');

/** The organization's workflow runs, and a new one from a template. */
export function WorkflowsPage() {
  const { org } = route.useParams();
  const navigate = useNavigate();
  const organization = useQuery(organizationQuery(org));
  const templates = useQuery(templatesQuery(org));
  const runs = useQuery(workflowsQuery(org));
  useTitle('Workflows');

  const failed = [organization, templates, runs].find((query) => query.isError);
  if (failed) return <QueryFailure org={org} error={failed.error} />;

  return (
    <div>
      <header className="page-header">
        <div className="page-header__text">
          <p className="page-header__eyebrow">Automation</p>
          <h1>Workflows</h1>
        </div>
      </header>
      <div className="workflows">
        <Panel title="Start a workflow" description="From a template, with its parameters">
          {templates.data && organization.data ? (
            <StartWorkflowForm
              org={org}
              templates={templates.data.templates}
              environments={organization.data.environments}
              onStarted={(id) => navigate({ to: '/o/$org/workflows/$id', params: { org, id } })}
            />
          ) : (
            <Skeleton lines={4} label="Loading the templates" />
          )}
        </Panel>
        <Panel title="Runs" count={runs.data?.workflows.length} description="Newest first">
          {!runs.data ? (
            <Skeleton lines={4} label="Loading the runs" />
          ) : runs.data.workflows.length === 0 ? (
            <EmptyState title="No runs yet">
              A run checks, fixes or rolls out something in an environment, step by step.
            </EmptyState>
          ) : (
            <RunList org={org} runs={runs.data.workflows} label="Workflow runs" />
          )}
        </Panel>
      </div>
    </div>
  );
}
