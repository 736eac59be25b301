// The GitHub Action's entry point (action.yml, `runs.using: node24`): the CLI's scan, its inputs
// from INPUT_*, its outputs to GITHUB_OUTPUT, a markdown job summary to GITHUB_STEP_SUMMARY.
// It imports only the CLI modules that need no installed package (Node's type stripping runs them
// from the checked-out action), and exits with the CLI's codes.
import { appendFile } from 'node:fs/promises';
import type { Severity } from '../../platform/src/agents/types.ts';
import { connectionFrom } from '../../platform/src/cli/client.ts';
import { CliError, EXIT } from '../../platform/src/cli/exit-codes.ts';
import { failing, runAgents } from '../../platform/src/cli/scan.ts';
import { FAIL_ON } from '../../platform/src/cli/severity.ts';
import { jobSummary } from './summary.ts';

const input = (name: string) => (process.env[`INPUT_${name.toUpperCase()}`] ?? '').trim();

async function main(): Promise<void> {
  const apiKey = input('api_key');
  // Masked before anything else is printed, so no later line of the log can show it.
  if (apiKey) process.stdout.write(`::add-mask::${apiKey}\n`);
  const failOn = input('fail_on') || 'critical';
  if (failOn !== 'none' && !(FAIL_ON as readonly string[]).includes(failOn)) {
    throw new CliError(
      `fail_on must be one of ${[...FAIL_ON, 'none'].join(', ')}, not ${failOn}`,
      EXIT.usage,
    );
  }
  const environment = input('environment');
  if (!environment) throw new CliError('The input environment is required', EXIT.usage);
  const connection = connectionFrom(
    { url: input('url'), org: input('org_id') },
    { GUARDIAN_API_KEY: apiKey },
  );
  const sarif = input('sarif_file') || 'guardian.sarif';
  const categories = input('categories')
    .split(',')
    .map((category) => category.trim())
    .filter(Boolean);
  const run = await runAgents(connection, {
    env: environment,
    ...(categories.length ? { categories } : {}),
    sarif,
  });
  const threshold = failOn === 'none' ? undefined : (failOn as Severity);
  const over = failing(run, threshold);
  await writeOutputs({
    run_id: run.run_id,
    total: String(run.findings.length),
    ...counts(run.summary),
    sarif_file: sarif,
  });
  const summaryFile = process.env.GITHUB_STEP_SUMMARY;
  if (summaryFile) await appendFile(summaryFile, jobSummary(run, threshold, over.length));
  if (over.length > 0) {
    throw new CliError(`${over.length} finding(s) at or above ${failOn} in ${environment}`, EXIT.failed);
  }
}

const counts = (summary: Record<string, number>) =>
  Object.fromEntries(Object.entries(summary).map(([severity, count]) => [severity, String(count)]));

async function writeOutputs(outputs: Record<string, string>): Promise<void> {
  const file = process.env.GITHUB_OUTPUT;
  if (!file) return;
  await appendFile(
    file,
    Object.entries(outputs)
      .map(([name, value]) => `${name}=${value}\n`)
      .join(''),
  );
}

try {
  await main();
} catch (error) {
  const code = error instanceof CliError ? error.exitCode : EXIT.server;
  const lines = error instanceof CliError ? [error.message, ...error.details] : [String(error)];
  // A workflow command: GitHub shows it as an annotation on the run.
  process.stdout.write(`::error title=Guardian::${lines.join('%0A')}\n`);
  process.exitCode = code;
}
