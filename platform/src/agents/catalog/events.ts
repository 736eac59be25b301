import { named } from '../kinds.ts';
import { lastSeen, type WarningEvent, warningReportedOn, warningsOn } from '../lookups/events.ts';
import { MINUTE } from '../semantics/time.ts';
import type { Agent, Check } from '../types.ts';
import { describeCommand } from './text.ts';

const WINDOW_MINUTES = 60;
/** Evidence stays small: the most recent Events, the others counted. */
const LISTED = 20;

/** The Warning events of the window, with when each was last seen. */
const recent = (warnings: readonly WarningEvent[], now: number) =>
  warnings.flatMap((warning) => {
    const seen = lastSeen(warning.event);
    return seen !== undefined && now - seen <= WINDOW_MINUTES * MINUTE ? [{ ...warning, seen }] : [];
  });

const warningEvents: Check = {
  id: 'warning-events',
  severity: 'medium',
  mode: 'runtime',
  title: `Warning events in the last ${WINDOW_MINUTES} minutes`,
  target: 'Event',
  // One finding per object reported on (AGENTS.md §0.2), written when its first recent Warning comes up.
  detect(event, { snapshot, now }) {
    const owner = warningReportedOn(snapshot, event);
    if (!owner) return undefined;
    const warnings = recent(warningsOn(snapshot, owner), now);
    if (warnings[0]?.event !== event) return undefined;
    const reasons = [...new Set(warnings.map((warning) => warning.event.reason ?? ''))];
    const count = warnings.reduce((sum, { event }) => sum + (event.series?.count ?? event.count ?? 1), 0);
    return {
      message: `${named(owner)} has ${count} Warning event${count === 1 ? '' : 's'} in the last ${WINDOW_MINUTES} minutes: ${reasons.join(', ')}.`,
      remediation: `Read them beside the object's state:\nkubectl -n ${snapshot.namespace} get events --field-selector type=Warning --sort-by=.lastTimestamp\n${describeCommand(owner, snapshot.namespace)}`,
      evidence: {
        reasons,
        events: [...warnings]
          .sort((a, b) => b.seen - a.seen)
          .slice(0, LISTED)
          .map(({ event, object, seen }) => ({
            object: named(object),
            reason: event.reason ?? '',
            message: event.message ?? '',
            count: event.series?.count ?? event.count ?? 1,
            lastSeen: new Date(seen).toISOString(),
          })),
        unlisted: Math.max(0, warnings.length - LISTED),
      },
      on: owner,
    };
  },
};

export const events: Agent = {
  id: 'events',
  name: 'Warning events',
  category: 'observability',
  description: `Warning events of the last ${WINDOW_MINUTES} minutes, gathered on the workload, Service, PVC or HPA they concern.`,
  checks: [warningEvents],
};
