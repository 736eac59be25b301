import { Link } from '@tanstack/react-router';
import type { Workflow } from '../api/workflows.ts';
import { PhaseBadge } from './PhaseBadge.tsx';
import './List.css';

/** Workflow runs, newest first, each a link to its timeline. */
export function RunList({ org, runs, label }: { org: string; runs: Workflow[]; label: string }) {
  return (
    <ul className="list" aria-label={label}>
      {runs.map((run) => (
        <li key={run.workflow_id} className="list__item">
          <Link to="/o/$org/workflows/$id" params={{ org, id: run.workflow_id }} className="run-list__link">
            <span className="run-list__name">{run.workflow_id}</span>
            <span className="run-list__meta">
              {run.template} · {run.environment}
            </span>
          </Link>
          <PhaseBadge phase={run.phase} />
        </li>
      ))}
    </ul>
  );
}
