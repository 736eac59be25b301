import type { WorkflowStep } from '../api/workflows.ts';
import { PhaseBadge } from './PhaseBadge.tsx';
import './StepTimeline.css';

const time = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** A step's result as people skim it: its scalar fields, the rest in the details. */
function summary(result: Record<string, unknown>): string {
  return Object.entries(result)
    .filter(([, value]) => ['string', 'number', 'boolean'].includes(typeof value))
    .map(([key, value]) => `${key.replace(/_/g, ' ')}: ${String(value)}`)
    .join(' · ');
}

/** A run's steps in order, each with its phase, times and result. */
export function StepTimeline({ steps }: { steps: WorkflowStep[] }) {
  return (
    <ol className="timeline" aria-label="Steps">
      {steps.map((step) => (
        <li key={step.name} className="timeline__step" aria-label={step.name}>
          <div className="timeline__head">
            <span className="timeline__name">{step.name}</span>
            <span className="timeline__type">
              {step.type}
              {step.risk ? ` · ${step.risk} risk` : ''}
            </span>
            <PhaseBadge phase={step.phase} />
          </div>
          {step.started_at ? (
            <p className="timeline__meta">
              Started {time.format(new Date(step.started_at))}
              {step.finished_at ? `, finished ${time.format(new Date(step.finished_at))}` : ''}
            </p>
          ) : null}
          {step.result ? (
            <details className="timeline__result">
              <summary>{summary(step.result) || 'Result'}</summary>
              <pre>{JSON.stringify(step.result, null, 2)}</pre>
            </details>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
