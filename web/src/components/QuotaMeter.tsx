import { useId } from 'react';
import type { UsageLimit } from '../api/queries.ts';
import { formatNumber } from './format.ts';
import './QuotaMeter.css';

export interface QuotaMeterProps {
  /** What is counted, e.g. "Seats". */
  label: string;
  /** What counts towards it, in a few words. */
  hint: string;
  limit: UsageLimit;
  /** The window the limit applies to, e.g. "this month"; none for what is held now (seats). */
  period?: string;
  /** The unit of amounts that are not counts, e.g. "GiB". */
  unit?: string;
}

export type QuotaLevel = 'ok' | 'warning' | 'full';

/** How close `used` is to `limit`: warning from 80 %, full at the limit. */
export function quotaLevel(used: number, limit: number): QuotaLevel {
  if (limit <= 0 || used >= limit) return 'full';
  return used / limit >= 0.8 ? 'warning' : 'ok';
}

const sentence = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

/** The platform's note on a missing figure, "not counted: why", as a status and its reason. */
export function splitNote(note: string | undefined): { status: string; reason?: string } {
  const colon = note?.indexOf(': ') ?? -1;
  if (note === undefined || note === '') return { status: 'Not measured' };
  if (colon <= 0) return { status: 'Not measured', reason: sentence(note) };
  return { status: sentence(note.slice(0, colon)), reason: sentence(note.slice(colon + 2)) };
}

const amount = (value: number, unit: string | undefined) =>
  unit ? `${formatNumber(value)} ${unit}` : formatNumber(value);

/** One limit of the plan: how much is used of it, as a meter (or why there is none). */
export function QuotaMeter({ label, hint, limit, period, unit }: QuotaMeterProps) {
  const id = useId();
  const { used, limit: max, remaining, note } = limit;
  const measured = used !== null;
  const bounded = max !== null;
  const level = measured && bounded ? quotaLevel(used, max) : 'ok';

  const when = period ? ` ${period}` : '';
  const missing = splitNote(note);
  let caption: string;
  if (!measured) caption = missing.status;
  else if (!bounded) caption = 'No limit on your plan';
  else if (level === 'full') caption = `Limit reached${when}`;
  else caption = `${amount(remaining ?? Math.max(0, max - used), unit)} left${when}`;

  return (
    <div className={`quota quota--${level}`}>
      <div className="quota__head">
        <h3 className="quota__label" id={`${id}-label`}>
          {label}
        </h3>
        <p className="quota__figure">
          {measured ? <strong>{amount(used, unit)}</strong> : <strong aria-hidden="true">—</strong>}
          <span className="quota__of"> {bounded ? `of ${amount(max, unit)}` : 'Unlimited'}</span>
        </p>
      </div>
      {measured && bounded ? (
        <meter
          className="quota__meter"
          aria-labelledby={`${id}-label`}
          min={0}
          max={max}
          value={Math.min(used, max)}
          aria-valuetext={`${amount(used, unit)} of ${amount(max, unit)} used${when}`}
        />
      ) : (
        <div className="quota__meter quota__meter--open" aria-hidden="true" />
      )}
      <p className="quota__caption">
        <span className="quota__status">{caption}</span>
        {/* Why a figure is missing matters more than what it would count. */}
        <span className="quota__hint">{measured ? hint : (missing.reason ?? hint)}</span>
      </p>
    </div>
  );
}
