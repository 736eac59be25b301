import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { environmentsQuery } from '../api/agents.ts';
import { agentRunQuery, type RunCost, runCostAgents } from '../api/cost.ts';
import { Button } from '../components/Button.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { formatDateTime, formatMoney as money } from '../components/format.ts';
import { Panel } from '../components/Panel.tsx';
import { fieldError, ProblemMessage } from '../components/ProblemMessage.tsx';
import { SelectField } from '../components/SelectField.tsx';
import { Skeleton } from '../components/Skeleton.tsx';
import { QueryFailure } from './query-failure.tsx';
import { useTitle } from './title.ts';
import '../components/List.css';
import './workflows.css';

const route = getRouteApi('/signed-in/o/$org/cost');

function Amounts({
  label,
  rows,
  currency,
}: {
  label: string;
  rows: Array<[string, number]>;
  currency: string;
}) {
  if (rows.length === 0) return <p className="workflow-form__description">Nothing priced</p>;
  return (
    <ul className="list" aria-label={label}>
      {rows.map(([name, monthly]) => (
        <li key={name} className="list__item">
          <span className="list__text">
            <span className="list__title">{name}</span>
          </span>
          <span className="list__figure">
            {money(currency, monthly)}
            <span className="list__sub">a month</span>
          </span>
        </li>
      ))}
    </ul>
  );
}

/** One environment's latest cost run: what it costs by workload and by team. */
function EnvironmentCost({ org, environment, runId }: { org: string; environment: string; runId: string }) {
  const run = useQuery(agentRunQuery(org, runId));
  const cost: RunCost | undefined = run.data?.cost;
  return (
    <Panel
      title={`${environment}: by workload and team`}
      description={run.data ? `From the cost run of ${formatDateTime(run.data.created_at)}` : undefined}
    >
      {run.isError ? (
        <ProblemMessage error={run.error} />
      ) : cost ? (
        <>
          <h3 className="panel__subhead">By workload</h3>
          <Amounts
            label={`${environment} cost by workload`}
            currency={cost.currency}
            rows={cost.by_workload.map((w) => [`${w.kind} ${w.name}`, w.monthly])}
          />
          <h3 className="panel__subhead">By team</h3>
          <Amounts
            label={`${environment} cost by team`}
            currency={cost.currency}
            rows={cost.by_team.map((t) => [t.team, t.monthly])}
          />
        </>
      ) : (
        <Skeleton lines={3} label={`Loading the cost of ${environment}`} />
      )}
    </Panel>
  );
}

/** "Run cost agents" on an environment; the page's figures follow the run. */
function RunCostForm({ org, environments }: { org: string; environments: string[] }) {
  const queryClient = useQueryClient();
  const [environment, setEnvironment] = useState(environments[0] ?? '');
  const run = useMutation({
    mutationFn: () => runCostAgents(org, environment),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['environments', org] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    run.mutate();
  };
  return (
    <form className="workflow-form" onSubmit={submit} aria-label="Run cost agents">
      <SelectField
        label="Environment"
        value={environment}
        onChange={(event) => setEnvironment(event.target.value)}
        options={environments.map((entry) => ({ value: entry, label: entry }))}
        error={fieldError(run.error, 'environment')}
      />
      <Button type="submit" variant="primary" disabled={run.isPending}>
        Run cost agents
      </Button>
      <output className="workflow-form__description">
        {run.isPending
          ? `Pricing ${environment}…`
          : run.data?.cost
            ? `${run.data.environment} costs ${money(run.data.cost.currency, run.data.cost.monthly_total)} a month`
            : 'Prices what each environment reserves, from its workloads’ requests'}
      </output>
      <ProblemMessage error={run.error} />
    </form>
  );
}

/** What the environments cost per month, by environment, workload and team, from cost runs. */
export function CostPage() {
  const { org } = route.useParams();
  const environments = useQuery(environmentsQuery(org));
  useTitle('Cost');
  if (environments.isError) return <QueryFailure org={org} error={environments.error} />;
  const list = environments.data?.environments ?? [];
  const priced = list.flatMap((entry) => (entry.cost ? [{ name: entry.name, cost: entry.cost }] : []));
  return (
    <div>
      <header className="page-header">
        <div className="page-header__text">
          <p className="page-header__eyebrow">Analysis</p>
          <h1>Cost</h1>
        </div>
      </header>
      <div className="workflows">
        <Panel title="Run cost agents" description="What an environment reserves per month, priced now">
          {environments.data ? (
            <RunCostForm org={org} environments={list.map((entry) => entry.name)} />
          ) : (
            <Skeleton lines={3} label="Loading the environments" />
          )}
        </Panel>
        <div className="workflow">
          <Panel title="By environment" description="Each environment’s latest cost run">
            {!environments.data ? (
              <Skeleton lines={2} label="Loading the costs" />
            ) : priced.length === 0 ? (
              <EmptyState title="No cost runs yet">
                Run the cost agents on an environment to see what it costs per month.
              </EmptyState>
            ) : (
              <ul className="list" aria-label="Cost by environment">
                {list.map((entry) => (
                  <li key={entry.name} className="list__item">
                    <span className="list__text">
                      <span className="list__title">{entry.name}</span>
                      <span className="list__meta">
                        {entry.cost ? `Priced ${formatDateTime(entry.cost.created_at)}` : 'No cost run yet'}
                      </span>
                    </span>
                    {entry.cost ? (
                      <span className="list__figure">
                        {money(entry.cost.currency, entry.cost.monthly_total)}
                        <span className="list__sub">a month</span>
                      </span>
                    ) : null}
                  </li>
                ))}
              </ul>
            )}
          </Panel>
          {priced.map((entry) => (
            <EnvironmentCost
              key={entry.cost.run_id}
              org={org}
              environment={entry.name}
              runId={entry.cost.run_id}
            />
          ))}
        </div>
      </div>
    </div>
  );
}
