import { useState } from 'react';
import type { Finding, TrackedFinding } from '../api/agents.ts';
import { Badge, type BadgeTone } from './Badge.tsx';
import { Button } from './Button.tsx';
import './FindingItem.css';

const TONES: Record<Finding['severity'], BadgeTone> = {
  critical: 'danger',
  high: 'danger',
  medium: 'warning',
  low: 'neutral',
  info: 'neutral',
};
const when = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
const at = (value: string) => when.format(new Date(value));

/** One finding: what is wrong, where, how to fix it (copyable), and, once tracked, its history. */
export function FindingItem({ finding }: { finding: Finding | TrackedFinding }) {
  const [copied, setCopied] = useState(false);
  const { resource } = finding;
  const tracked = 'status' in finding ? finding : undefined;
  const copy = async () => {
    await navigator.clipboard.writeText(finding.remediation);
    setCopied(true);
  };
  return (
    <li className="finding" aria-label={finding.message}>
      <div className="finding__head">
        <Badge tone={TONES[finding.severity]}>{finding.severity}</Badge>
        <span className="finding__message">{finding.message}</span>
      </div>
      <p className="finding__meta">
        {resource.kind} {resource.namespace ? `${resource.namespace}/` : ''}
        {resource.name} · {finding.check}
      </p>
      <div className="finding__remediation">
        <pre>{finding.remediation}</pre>
        <Button onClick={copy}>{copied ? 'Copied' : 'Copy remediation'}</Button>
      </div>
      {tracked ? (
        <p className="finding__meta">
          {tracked.status === 'open' ? 'Open' : 'Resolved'} in {tracked.environment}: first seen{' '}
          {at(tracked.first_seen)}, last seen {at(tracked.last_seen)}
          {tracked.resolved_at ? `, resolved ${at(tracked.resolved_at)}` : ''}
        </p>
      ) : null}
    </li>
  );
}

/** Findings, most severe first. */
export function FindingList({
  findings,
  label,
}: {
  findings: Array<Finding | TrackedFinding>;
  label: string;
}) {
  return (
    <ul className="findings" aria-label={label}>
      {findings.map((finding) => (
        <FindingItem key={`${finding.id}`} finding={finding} />
      ))}
    </ul>
  );
}
