import { useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { useState } from 'react';
import { agentsQuery, type FindingFilters, findingsQuery, SEVERITIES } from '../api/agents.ts';
import { organizationQuery } from '../api/queries.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { FindingList } from '../components/FindingItem.tsx';
import { Panel } from '../components/Panel.tsx';
import { SelectField } from '../components/SelectField.tsx';
import { Skeleton } from '../components/Skeleton.tsx';
import { QueryFailure } from './query-failure.tsx';
import { useTitle } from './title.ts';
import './findings.css';

const route = getRouteApi('/signed-in/o/$org/findings');
const any = { value: '', label: 'Any' };
const choices = (values: string[]) => [any, ...values.map((value) => ({ value, label: value }))];

/** What the agents found, filtered by environment, severity, agent and status. */
export function FindingsPage() {
  const { org } = route.useParams();
  const [filters, setFilters] = useState<FindingFilters>({});
  const findings = useQuery(findingsQuery(org, filters));
  const organization = useQuery(organizationQuery(org));
  const agents = useQuery(agentsQuery(org));
  useTitle('Findings');
  const failed = [findings, organization, agents].find((query) => query.isError);
  if (failed) return <QueryFailure org={org} error={failed.error} />;
  const set = (key: keyof FindingFilters) => (event: { target: { value: string } }) =>
    setFilters({ ...filters, [key]: event.target.value || undefined });

  return (
    <div>
      <header className="page-header">
        <div className="page-header__text">
          <p className="page-header__eyebrow">Analysis</p>
          <h1>Findings</h1>
        </div>
      </header>
      <fieldset className="findings-filters">
        <legend className="visually-hidden">Filters</legend>
        <SelectField
          label="Environment"
          value={filters.environment ?? ''}
          onChange={set('environment')}
          options={choices(organization.data?.environments ?? [])}
        />
        <SelectField
          label="Severity"
          value={filters.severity ?? ''}
          onChange={set('severity')}
          options={choices(SEVERITIES)}
        />
        <SelectField
          label="Agent"
          value={filters.agent ?? ''}
          onChange={set('agent')}
          options={choices((agents.data?.agents ?? []).map((agent) => agent.id))}
        />
        <SelectField
          label="Status"
          value={filters.status ?? ''}
          onChange={set('status')}
          options={choices(['open', 'resolved'])}
        />
      </fieldset>
      <Panel title="Findings" count={findings.data?.findings.length} description="Most severe first">
        {!findings.data ? (
          <Skeleton lines={4} label="Loading the findings" />
        ) : findings.data.findings.length === 0 ? (
          <EmptyState title="No findings">Run agents on an environment, or widen the filters.</EmptyState>
        ) : (
          <FindingList findings={findings.data.findings} label="Findings" />
        )}
      </Panel>
    </div>
  );
}
