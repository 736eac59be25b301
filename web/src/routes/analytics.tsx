import { useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { type ReactNode, useMemo, useState } from 'react';
import { type Analytics, analyticsQuery, type Granularity, isLocked, RANGES } from '../api/analytics.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { formatNumber } from '../components/format.ts';
import { Panel } from '../components/Panel.tsx';
import { SelectField } from '../components/SelectField.tsx';
import { Skeleton } from '../components/Skeleton.tsx';
import { TimeChart } from '../components/TimeChart.tsx';
import { QueryFailure } from './query-failure.tsx';
import { useTitle } from './title.ts';
import './analytics.css';

const route = getRouteApi('/signed-in/o/$org/analytics');

type Sections = Pick<Analytics, 'cost' | 'performance' | 'security'>;
type Unlocked<K extends keyof Sections> = Exclude<Sections[K], { locked: true }>;

const QUOTAS = [
  ['agent_executions_per_month', 'Agent units this month'],
  ['workflows_per_month', 'Workflows this month'],
  ['team_members', 'Seats'],
  ['api_calls_per_hour', 'API calls this hour'],
] as const;

const ms = (value: number | null) => (value === null ? '–' : `${formatNumber(Math.round(value))} ms`);
const percent = (value: number | null) =>
  value === null ? '–' : `${formatNumber(Math.round(value * 1000) / 10)} %`;

/** Sums rows per bucket, in the range's bucket order. */
function perBucket<T extends { bucket: string }>(buckets: string[], rows: T[], value: (row: T) => number) {
  const sums = new Map<string, number>();
  for (const row of rows) sums.set(row.bucket, (sums.get(row.bucket) ?? 0) + value(row));
  return buckets.map((bucket) => sums.get(bucket) ?? 0);
}

function Figures({ items }: { items: Array<[string, ReactNode]> }) {
  return (
    <dl className="analytics__figures">
      {items.map(([term, value]) => (
        <div key={term} className="analytics__figure">
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A section the plan does not include: which plan has it. */
function Locked({ plan }: { plan: string | null }) {
  return (
    <EmptyState title="Not on your plan">
      {plan ? `Full analytics come with the ${plan} plan.` : 'No plan of this installation includes it.'}
    </EmptyState>
  );
}

function Quota({ analytics }: { analytics: Analytics }) {
  return (
    <Panel
      title="Quotas"
      description="Use now against the plan's limit, and the forecast to the period's end"
    >
      <Figures
        items={QUOTAS.map(([key, label]) => {
          const { used, limit, forecast } = analytics.quota[key];
          const of = limit === null ? '(no limit)' : `of ${formatNumber(limit)}`;
          const now = used === null ? 'not measured' : `${formatNumber(used)} ${of}`;
          const ahead = forecast === null || forecast === used ? '' : ` · forecast ${formatNumber(forecast)}`;
          return [label, `${now}${ahead}`];
        })}
      />
    </Panel>
  );
}

function Usage({ analytics }: { analytics: Analytics }) {
  const { buckets } = analytics.range;
  const { usage } = analytics;
  const series = useMemo(
    () => [
      {
        label: 'Agent units',
        color: '--color-accent',
        values: perBucket(buckets, usage.agents, (r) => r.units),
      },
      {
        label: 'Workflows',
        color: '--color-ok',
        values: perBucket(buckets, usage.workflow_units, (r) => r.units),
      },
    ],
    [buckets, usage],
  );
  const byAgent = new Map<string, number>();
  for (const row of usage.agents) byAgent.set(row.agent, (byAgent.get(row.agent) ?? 0) + row.units);
  return (
    <Panel title="Usage" description="Agent units and workflows counted">
      <TimeChart title="Agent units and workflows per period" buckets={buckets} series={series} />
      {byAgent.size === 0 ? null : (
        <Figures
          items={[...byAgent]
            .sort((a, b) => b[1] - a[1])
            .map(([agent, units]) => [agent, formatNumber(units)])}
        />
      )}
    </Panel>
  );
}

function Cost({ cost, buckets }: { cost: Unlocked<'cost'>; buckets: string[] }) {
  const series = useMemo(
    () => [
      {
        label: `Monthly estimate${cost.currency ? ` (${cost.currency})` : ''}`,
        color: '--color-warning-bar',
        values: buckets.map(
          (bucket) => cost.series.find((row) => row.bucket === bucket)?.monthly_total ?? null,
        ),
      },
    ],
    [buckets, cost],
  );
  if (cost.series.length === 0) {
    return <EmptyState title="No cost estimates in this range">{cost.note}</EmptyState>;
  }
  const money = (value: number | null) =>
    value === null ? '–' : `${formatNumber(value)} ${cost.currency ?? ''}`;
  return (
    <>
      <TimeChart title="Monthly cost estimate per period" buckets={buckets} series={series} />
      <Figures
        items={[
          ['Latest estimate', money(cost.change.current)],
          ['Before the range', money(cost.change.previous)],
          ['Change', cost.change.percent === null ? '–' : `${formatNumber(cost.change.percent)} %`],
          ['Objects remediated', formatNumber(cost.remediation.applied)],
          ...(cost.latest?.by_team ?? []).map((team): [string, string] => [
            `Team ${team.team}`,
            money(team.monthly),
          ]),
        ]}
      />
    </>
  );
}

function Performance({ performance }: { performance: Unlocked<'performance'> }) {
  const { agents, workflows } = performance;
  return (
    <Figures
      items={[
        ['Agent runs', formatNumber(agents.runs)],
        ['Agent success rate', percent(agents.success_rate)],
        ['Agent run p50 / p95', `${ms(agents.duration_ms.p50)} / ${ms(agents.duration_ms.p95)}`],
        ...workflows.map((w): [string, string] => [
          w.template,
          `${percent(w.success_rate)} of ${formatNumber(w.runs)} · p95 ${ms(w.duration_ms.p95)}`,
        ]),
      ]}
    />
  );
}

function Security({ security }: { security: Unlocked<'security'> }) {
  return (
    <Figures
      items={[
        ['Failed sign-ins', formatNumber(security.failed_sign_ins)],
        ['Refused approvals', formatNumber(security.refused_approvals)],
        ...security.refused
          .slice(0, 8)
          .map((r): [string, string] => [`${r.status} ${r.route}`, formatNumber(r.count)]),
      ]}
    />
  );
}

/** Usage, cost, performance and security over a range, and the quotas with their forecasts. */
export function AnalyticsPage() {
  const { org } = route.useParams();
  const [days, setDays] = useState(30);
  const [granularity, setGranularity] = useState<Granularity>('day');
  const analytics = useQuery(analyticsQuery(org, days, granularity));
  useTitle('Analytics');
  if (analytics.isError) return <QueryFailure org={org} error={analytics.error} />;
  const data = analytics.data;

  return (
    <div className="analytics">
      <header className="page-header">
        <div className="page-header__text">
          <p className="page-header__eyebrow">Insights</p>
          <h1>Analytics</h1>
        </div>
      </header>
      <fieldset className="analytics__controls">
        <legend className="visually-hidden">Range</legend>
        <SelectField
          label="Range"
          value={String(days)}
          onChange={(event) => setDays(Number(event.target.value))}
          options={RANGES.map((range) => ({ value: String(range.days), label: range.label }))}
        />
        <SelectField
          label="Per"
          value={granularity}
          onChange={(event) => setGranularity(event.target.value as Granularity)}
          options={[
            { value: 'day', label: 'Day' },
            { value: 'week', label: 'Week' },
            { value: 'month', label: 'Month' },
          ]}
        />
      </fieldset>
      {!data ? (
        <Skeleton lines={6} label="Loading the analytics" />
      ) : (
        <div className="analytics__panels">
          <Quota analytics={data} />
          <Usage analytics={data} />
          <Panel title="Cost" description="What the cost agents estimate, per month">
            {isLocked(data.cost) ? (
              <Locked plan={data.cost.plan} />
            ) : (
              <Cost cost={data.cost} buckets={data.range.buckets} />
            )}
          </Panel>
          <Panel title="Performance" description="Agent runs and workflows">
            {isLocked(data.performance) ? (
              <Locked plan={data.performance.plan} />
            ) : (
              <Performance performance={data.performance} />
            )}
          </Panel>
          <Panel title="Security" description="Failed sign-ins and refused requests">
            {isLocked(data.security) ? (
              <Locked plan={data.security.plan} />
            ) : (
              <Security security={data.security} />
            )}
          </Panel>
        </div>
      )}
    </div>
  );
}
