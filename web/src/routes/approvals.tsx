import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { approvalsQuery } from '../api/workflows.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { Panel } from '../components/Panel.tsx';
import { Skeleton } from '../components/Skeleton.tsx';
import { QueryFailure } from './query-failure.tsx';
import { useTitle } from './title.ts';
import '../components/List.css';
import './workflows.css';

const route = getRouteApi('/signed-in/o/$org/approvals');

/** The gates awaiting a decision the caller may make (the platform's list, judged by it). */
export function ApprovalsPage() {
  const { org } = route.useParams();
  const approvals = useQuery(approvalsQuery(org));
  useTitle('Approvals');
  if (approvals.isError) return <QueryFailure org={org} error={approvals.error} />;
  const gates = approvals.data?.approvals;
  return (
    <div>
      <header className="page-header">
        <div className="page-header__text">
          <p className="page-header__eyebrow">Inbox</p>
          <h1>Approvals</h1>
        </div>
      </header>
      <Panel title="Awaiting your decision" count={gates?.length}>
        {!gates ? (
          <Skeleton lines={3} label="Loading the approvals" />
        ) : gates.length === 0 ? (
          <EmptyState title="Nothing to decide">
            Runs whose gate you may approve or reject appear here.
          </EmptyState>
        ) : (
          <ul className="list" aria-label="Approvals">
            {gates.map((gate) => (
              <li key={`${gate.workflow_id}/${gate.step}`} className="list__item">
                <Link
                  to="/o/$org/workflows/$id"
                  params={{ org, id: gate.workflow_id }}
                  className="run-list__link"
                >
                  <span className="run-list__name">{gate.workflow_id}</span>
                  <span className="run-list__meta">
                    {gate.step} · {gate.remaining} more needed
                    {gate.expires_at ? ` · expires ${new Date(gate.expires_at).toLocaleString('en')}` : ''}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Panel>
    </div>
  );
}
