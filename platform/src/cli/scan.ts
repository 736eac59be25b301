// `guardian scan`: runs agents on an environment (the API answers when the run is done), prints the
// findings, optionally writes SARIF, and fails (exit 1) when a finding meets --fail-on.
import { writeFile } from 'node:fs/promises';
import type { Severity } from '../agents/types.ts';
import type { AgentRunView, RunAgents } from '../contract/agents.ts';
import { GUARDIAN_VERSION } from '../version.ts';
import { type Connection, request } from './client.ts';
import { CliError, EXIT } from './exit-codes.ts';
import { paint, printJson, printTable, progress } from './output.ts';
import { toSarif } from './sarif.ts';
import { meets } from './severity.ts';

export type ScanFormat = 'table' | 'json' | 'sarif';
export const SCAN_FORMATS: readonly ScanFormat[] = ['table', 'json', 'sarif'];

export interface ScanOptions {
  env: string;
  agents?: string[];
  categories?: string[];
  failOn?: Severity;
  format: ScanFormat;
  sarif?: string;
}

const SEVERITY_STYLE = {
  critical: 'red',
  high: 'magenta',
  medium: 'yellow',
  low: 'cyan',
  info: 'gray',
} as const;

/** Runs the agents (the API answers once the run is done) and writes SARIF where asked. */
export async function runAgents(
  connection: Connection,
  options: Pick<ScanOptions, 'env' | 'agents' | 'categories' | 'sarif'>,
): Promise<AgentRunView> {
  const body: RunAgents = {
    environment: options.env,
    ...(options.agents ? { agents: options.agents } : {}),
    ...(options.categories ? { categories: options.categories } : {}),
  };
  const line = progress();
  line.update(`Running agents on ${options.env}…`);
  let run: AgentRunView;
  try {
    run = await request<AgentRunView>(connection, 'POST', '/agents/runs', body);
  } finally {
    line.done();
  }
  if (options.sarif)
    await writeFile(options.sarif, `${JSON.stringify(toSarif(run, GUARDIAN_VERSION), null, 2)}\n`);
  for (const failure of run.failures) {
    process.stderr.write(`warning: agent ${failure.agent} failed: ${failure.reason}\n`);
  }
  return run;
}

/** The findings at or above `failOn` (none without a threshold). */
export function failing(run: AgentRunView, failOn: Severity | undefined): AgentRunView['findings'] {
  return failOn ? run.findings.filter((finding) => meets(finding.severity, failOn)) : [];
}

export async function scan(connection: Connection, options: ScanOptions): Promise<void> {
  const run = await runAgents(connection, options);
  if (options.format === 'json') printJson(run);
  else if (options.format === 'sarif') printJson(toSarif(run, GUARDIAN_VERSION));
  else printFindings(run);
  const over = failing(run, options.failOn);
  if (over.length > 0)
    throw new CliError(`${over.length} finding(s) at or above ${options.failOn}`, EXIT.failed);
}

function printFindings(run: AgentRunView): void {
  printTable(
    ['SEVERITY', 'CHECK', 'RESOURCE', 'MESSAGE'],
    run.findings.map((finding) => [
      paint(SEVERITY_STYLE[finding.severity], finding.severity),
      finding.check,
      `${finding.resource.namespace ? `${finding.resource.namespace}/` : ''}${finding.resource.kind}/${finding.resource.name}`,
      finding.message,
    ]),
  );
  const counts = Object.entries(run.summary)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}`);
  process.stdout.write(
    `\nRun ${run.run_id} (${run.status}): ${run.findings.length} finding(s)${counts.length ? `: ${counts.join(', ')}` : ''}\n`,
  );
}
