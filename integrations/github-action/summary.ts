import type { Severity } from '../../platform/src/agents/types.ts';
import type { AgentRunView } from '../../platform/src/contract/agents.ts';

/** Markdown cells: a pipe or a line break in a message must not break the table. */
const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll(/\r?\n/g, ' ');

/** The job summary: the counts by severity, the verdict, and the most severe findings (at most 50). */
export function jobSummary(run: AgentRunView, failOn: Severity | undefined, over: number): string {
  const verdict =
    failOn === undefined
      ? 'No threshold (fail_on: none).'
      : over > 0
        ? `**Failed**: ${over} finding(s) at or above ${failOn}.`
        : `Passed: nothing at or above ${failOn}.`;
  const shown = run.findings.slice(0, 50);
  return [
    `## Guardian: ${run.findings.length} finding(s) in ${run.environment}`,
    '',
    verdict,
    '',
    '| Critical | High | Medium | Low | Info |',
    '|---|---|---|---|---|',
    `| ${run.summary.critical} | ${run.summary.high} | ${run.summary.medium} | ${run.summary.low} | ${run.summary.info} |`,
    '',
    ...(shown.length
      ? [
          '| Severity | Check | Resource | Message |',
          '|---|---|---|---|',
          ...shown.map(
            (finding) =>
              `| ${finding.severity} | \`${finding.check}\` | ${cell(`${finding.resource.namespace ?? ''}/${finding.resource.kind}/${finding.resource.name}`)} | ${cell(finding.message)} |`,
          ),
          ...(run.findings.length > shown.length
            ? ['', `…and ${run.findings.length - shown.length} more.`]
            : []),
        ]
      : []),
    '',
    `Run \`${run.run_id}\`.`,
    '',
  ].join('\n');
}
