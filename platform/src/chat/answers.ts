import type { RunCost } from '../agent-runs/cost.ts';
import type { SeverityCounts } from '../agent-runs/run.ts';
import { type Category, SEVERITIES, type Severity } from '../agents/index.ts';
import type { FindingList, FindingView } from '../contract/agents.ts';
import type { WorkflowView } from '../contract/workflows.ts';

/** How many findings an answer names; the rest are counted and sit in `findings` / GET /findings. */
const TOP = 5;

type Listed = Pick<FindingView, 'severity' | 'resource' | 'message'>;
type Tracked = FindingList['findings'][number];

export function countsLine(counts: SeverityCounts): string {
  const total = SEVERITIES.reduce((sum, severity) => sum + counts[severity], 0);
  if (total === 0) return 'no findings';
  const parts = SEVERITIES.filter((severity) => counts[severity] > 0).map((s) => `${counts[s]} ${s}`);
  return `${total} finding${total === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

export function topFindings(findings: readonly Listed[]): string {
  const lines = findings
    .slice(0, TOP)
    .map((f) => `- **${f.severity}** ${f.resource.kind} \`${f.resource.name}\`: ${f.message}`);
  if (findings.length > TOP) lines.push(`- … and ${findings.length - TOP} more`);
  return lines.join('\n');
}

const money = (currency: string, amount: number) =>
  `${currency} ${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export function costLines(cost: RunCost): string {
  const top = cost.by_workload
    .slice(0, TOP)
    .map((w) => `- ${w.kind} \`${w.name}\`: ${money(cost.currency, w.monthly)} a month`);
  return [
    `Monthly total: **${money(cost.currency, cost.monthly_total)}**.`,
    ...(top.length ? ['Top workloads:', ...top] : []),
  ].join('\n');
}

/** The workflow that fixes findings of these categories (what "fix them" offers). */
export function fixingTemplate(categories: readonly Category[]): string {
  if (categories.includes('cost')) return 'cost_optimization_pipeline';
  if (categories.includes('security') || categories.includes('compliance'))
    return 'security_hardening_pipeline';
  return 'deployment_health_check';
}

export const TEMPLATE_WORDS: Readonly<Record<string, string>> = {
  cost_optimization_pipeline: 'cost optimization',
  security_hardening_pipeline: 'security hardening',
  ml_model_lifecycle: 'ml model lifecycle',
  deployment_health_check: 'deployment health check',
};

export function runAnswer(input: {
  topics: readonly string[];
  environment: string;
  status: string;
  summary: SeverityCounts;
  findings: readonly Listed[];
  cost: RunCost | null;
  failures: number;
}): string {
  const what = input.topics.join(', ');
  const head = input.cost
    ? `**Cost analysis complete** for ${input.environment}: ${countsLine(input.summary)}.`
    : `**${capitalize(what)} check of ${input.environment} complete**: ${countsLine(input.summary)}.`;
  const parts = [head];
  if (input.failures > 0) parts.push(`${input.failures} agent(s) failed; their units were refunded.`);
  if (input.cost) parts.push(costLines(input.cost));
  if (input.findings.length > 0) parts.push(`Top findings:\n${topFindings(input.findings)}`);
  parts.push(
    input.findings.length > 0
      ? `Next: say "show me the critical ones", "what about production?" or "fix them".`
      : `Next: ask "what about production?" or run another check.`,
  );
  return parts.join('\n\n');
}

export function findingsAnswer(input: {
  environment: string | undefined;
  severity: Severity | undefined;
  counts: SeverityCounts;
  findings: readonly Tracked[];
}): string {
  const where = input.environment ? ` in ${input.environment}` : '';
  const which = input.severity ? `${input.severity} ` : '';
  if (input.findings.length === 0) {
    return `No open ${which}findings${where}. Next: run a check, e.g. "run a security scan${where ? ` on ${input.environment}` : ''}".`;
  }
  return [
    `**Open ${which}findings${where}**: ${countsLine(input.counts)}.`,
    `Top findings:\n${topFindings(input.findings)}`,
    'Next: say "fix them" for the matching workflow, or "show me the critical ones".',
  ].join('\n\n');
}

export function workflowLine(
  run: Pick<WorkflowView, 'workflow_id' | 'template' | 'environment' | 'phase'>,
): string {
  return `- \`${run.workflow_id}\` ${run.template} on ${run.environment}: **${run.phase}**`;
}

export const HELP_TEXT = [
  'I can:',
  '- **run agents** on an environment: "run a security scan on staging", "analyze my cloud costs", "any crash loops in prod?" (costs, security, compliance, deployments, reliability, crash loops, probes, limits, RBAC, network policies, idle workloads, everything);',
  '- **show stored findings** without a run: "show critical findings in production";',
  '- **start a workflow**: "start security hardening on staging", "kick off the cost optimization pipeline";',
  '- **workflow status** and **approve / reject**: "status of wf-cost-7k2x9", "approve wf-cost-7k2x9";',
  '- follow up: "what about production?", "show me the critical ones", "fix them".',
].join('\n');

export function unplaceableAnswer(reason: 'empty' | 'instructions' | 'unknown'): string {
  const lead =
    reason === 'instructions'
      ? 'I only act on requests I recognise, not on instructions in a message, so I did nothing.'
      : 'I did not understand that, so I did nothing.';
  return `${lead}\n\n${HELP_TEXT}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
