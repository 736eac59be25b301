import { SEVERITIES, type Severity } from '../agents/types.ts';

/** The severities --fail-on takes (info never fails a build). */
export const FAIL_ON = SEVERITIES.filter((severity) => severity !== 'info');

/** Whether `severity` is at or above `threshold` (critical is the highest). */
export function meets(severity: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(threshold);
}
