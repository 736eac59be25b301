import { Badge, type BadgeTone } from './Badge.tsx';

const TONES: Record<string, BadgeTone> = {
  Succeeded: 'ok',
  Approved: 'ok',
  Running: 'accent',
  AwaitingApproval: 'warning',
  Failed: 'danger',
  Rejected: 'danger',
  Cancelled: 'neutral',
  Skipped: 'neutral',
  Pending: 'neutral',
};

/** "AwaitingApproval" as people read it: "Awaiting approval". */
export const phaseLabel = (phase: string) =>
  phase.replace(/([a-z])([A-Z])/g, (_, a: string, b: string) => `${a} ${b.toLowerCase()}`);

/** A run's, step's or gate's phase, coloured by what it means. */
export function PhaseBadge({ phase }: { phase: string }) {
  return <Badge tone={TONES[phase] ?? 'neutral'}>{phaseLabel(phase)}</Badge>;
}
