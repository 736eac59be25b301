// `guardian workflow start|status|approve|reject|cancel|list`: workflow runs through the API; with
// --wait, start polls the run until it ends (exit 1 unless it Succeeded, or on --timeout).
import { setTimeout as sleep } from 'node:timers/promises';
import type { DecideWorkflow, StartWorkflow, WorkflowStarted, WorkflowView } from '../contract/workflows.ts';
import { isFinal } from '../workflows/vocabulary.ts';
import { type Connection, request } from './client.ts';
import { CliError, EXIT } from './exit-codes.ts';
import { type OutputFormat, paint, printJson, printTable, progress } from './output.ts';

export interface StartOptions {
  env?: string;
  message?: string;
  team?: string;
  param: Record<string, string>;
  wait: boolean;
  /** Seconds --wait waits at most. */
  timeout: number;
  output: OutputFormat;
  /** Milliseconds between polls while waiting. */
  pollMs: number;
}

const runPath = (id: string, action = '') => `/workflows/${encodeURIComponent(id)}${action}`;

export async function startWorkflow(
  connection: Connection,
  template: string,
  options: StartOptions,
): Promise<void> {
  const body: StartWorkflow = {
    workflow_type: template,
    ...(options.env ? { environment: options.env } : {}),
    ...(options.message ? { message: options.message } : {}),
    ...(options.team ? { team: options.team } : {}),
    ...(Object.keys(options.param).length > 0 ? { parameters: options.param } : {}),
  };
  const started = await request<WorkflowStarted>(connection, 'POST', '/workflows/start', body);
  if (!options.wait) {
    if (options.output === 'json') printJson(started);
    else process.stdout.write(`${started.workflow_id} ${started.phase}\n`);
    return;
  }
  process.stderr.write(`Started ${started.workflow_id}\n`);
  const run = await waitForEnd(connection, started.workflow_id, options);
  printRun(run, options.output);
  if (run.phase !== 'Succeeded') {
    throw new CliError(
      `${run.workflow_id} ended ${run.phase}${run.reason ? ` (${run.reason})` : ''}`,
      EXIT.failed,
    );
  }
}

async function waitForEnd(connection: Connection, id: string, options: StartOptions): Promise<WorkflowView> {
  const deadline = Date.now() + options.timeout * 1000;
  const line = progress();
  try {
    for (;;) {
      const run = await request<WorkflowView>(connection, 'GET', runPath(id));
      if (isFinal(run.phase)) return run;
      const step = run.steps.find((candidate) => !isFinal(candidate.phase) && candidate.phase !== 'Pending');
      line.update(`${id}: ${run.phase}${step ? ` (step ${step.name}: ${step.phase})` : ''}`);
      if (Date.now() >= deadline) {
        throw new CliError(`${id} is still ${run.phase} after ${options.timeout} s (--timeout)`, EXIT.failed);
      }
      await sleep(Math.min(options.pollMs, Math.max(0, deadline - Date.now())));
    }
  } finally {
    line.done();
  }
}

export async function showWorkflow(connection: Connection, id: string, output: OutputFormat): Promise<void> {
  printRun(await request<WorkflowView>(connection, 'GET', runPath(id)), output);
}

export async function listWorkflows(
  connection: Connection,
  filters: { phase?: string; template?: string },
  output: OutputFormat,
): Promise<void> {
  const query = new URLSearchParams(
    Object.entries(filters).filter((entry): entry is [string, string] => !!entry[1]),
  );
  const { workflows } = await request<{ workflows: WorkflowView[] }>(
    connection,
    'GET',
    `/workflows${query.size ? `?${query}` : ''}`,
  );
  if (output === 'json') {
    printJson({ workflows });
    return;
  }
  printTable(
    ['WORKFLOW', 'TEMPLATE', 'ENVIRONMENT', 'PHASE', 'CREATED'],
    workflows.map((run) => [
      run.workflow_id,
      run.template,
      run.environment,
      phaseText(run.phase),
      run.created_at,
    ]),
  );
}

export async function decideWorkflow(
  connection: Connection,
  id: string,
  decision: 'approve' | 'reject',
  body: DecideWorkflow,
  output: OutputFormat,
): Promise<void> {
  const gate = await request<Record<string, unknown>>(connection, 'POST', runPath(id, `/${decision}`), body);
  if (output === 'json') printJson(gate);
  else process.stdout.write(`${decision === 'approve' ? 'Approved' : 'Rejected'} ${id}\n`);
}

export async function cancelWorkflow(
  connection: Connection,
  id: string,
  output: OutputFormat,
): Promise<void> {
  const run = await request<WorkflowView>(connection, 'POST', runPath(id, '/cancel'));
  if (output === 'json') printJson(run);
  else process.stdout.write(`Cancelling ${id}\n`);
}

function phaseText(phase: string): string {
  if (phase === 'Succeeded') return paint('green', phase);
  if (isFinal(phase)) return paint('red', phase);
  return paint('yellow', phase);
}

function printRun(run: WorkflowView, output: OutputFormat): void {
  if (output === 'json') {
    printJson(run);
    return;
  }
  process.stdout.write(
    `${run.workflow_id}  ${run.template}  ${run.environment}  ${phaseText(run.phase)}${run.reason ? ` (${run.reason})` : ''}\n\n`,
  );
  printTable(
    ['STEP', 'TYPE', 'RISK', 'PHASE', 'FINISHED'],
    run.steps.map((step) => [
      step.name,
      step.type,
      step.risk ?? '',
      phaseText(step.phase),
      step.finished_at ?? '',
    ]),
  );
}
