// The people's and pipelines' commands of `guardian` (scan, workflow, findings, agents, usage), parsed
// by commander. bin/guardian.ts loads this module only when one of them runs.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { SEVERITIES, type Severity } from '../agents/types.ts';
import { GUARDIAN_VERSION } from '../version.ts';
import { connectionFrom } from './client.ts';
import { CliError, EXIT } from './exit-codes.ts';
import { OUTPUT_FORMATS, type OutputFormat } from './output.ts';
import { listAgents, listFindings, showUsage } from './reads.ts';
import { SCAN_FORMATS, type ScanFormat, scan } from './scan.ts';
import { FAIL_ON } from './severity.ts';
import { cancelWorkflow, decideWorkflow, listWorkflows, showWorkflow, startWorkflow } from './workflow.ts';

/** The commands this module serves, each `guardian <name>`. */
export const CLI_COMMANDS = ['scan', 'workflow', 'findings', 'agents', 'usage'] as const;
export type CliCommand = (typeof CLI_COMMANDS)[number];

interface Global {
  url?: string;
  org?: string;
  output: OutputFormat;
}

const ENVIRONMENT = `
Environment:
  GUARDIAN_URL      The platform's URL (or --url)
  GUARDIAN_API_KEY  An API key (gdn_...) of the organization
  GUARDIAN_ORG      The organization (or --org; default: the key's)

Exit codes: 0 ok, 1 findings at --fail-on or a waited run that did not succeed,
2 usage error or input the API refused, 3 auth, 4 quota, 5 server.`;

const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
const seconds = (value: string) => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0)
    throw new InvalidArgumentError('must be a number of seconds above 0');
  return parsed;
};
const keyValue = (value: string, previous: Record<string, string>) => {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError('must be key=value');
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
};

export function buildProgram(env: NodeJS.ProcessEnv = process.env): Command {
  const program = new Command('guardian')
    .version(GUARDIAN_VERSION)
    .option('--url <url>', "the platform's URL (default: GUARDIAN_URL)")
    .option('--org <org>', 'the organization (default: GUARDIAN_ORG, else the credential’s)')
    .addOption(
      new Option('-o, --output <format>', 'table for people, json for machines')
        .choices(OUTPUT_FORMATS)
        .default('table'),
    )
    .showHelpAfterError('(add --help for the options)')
    .configureHelp({ showGlobalOptions: true })
    .exitOverride();
  const globals = (command: Command) => command.optsWithGlobals<Global>();
  const connect = (command: Command) => connectionFrom(globals(command), env);

  program
    .command('scan')
    .description('Run agents on an environment and print the findings; exit 1 when one meets --fail-on')
    .requiredOption('--env <environment>', 'the environment to scan (one of the organization’s)')
    .option('--agents <ids>', 'agent ids, comma-separated (guardian agents lists them)', list)
    .option('--categories <names>', 'agent categories, comma-separated (e.g. security,cost)', list)
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe').choices(FAIL_ON),
    )
    .addOption(new Option('--format <format>', 'table, json or SARIF 2.1.0 on stdout').choices(SCAN_FORMATS))
    .option('--sarif <file>', 'also write SARIF 2.1.0 to this file (for GitHub code scanning)')
    .addHelpText(
      'after',
      `
Examples:
  guardian scan --env staging --fail-on high
  guardian scan --env production --categories security,compliance --format sarif > guardian.sarif
  guardian scan --env staging --output json --sarif guardian.sarif
${ENVIRONMENT}`,
    )
    .action(
      async (
        options: {
          env: string;
          agents?: string[];
          categories?: string[];
          failOn?: Severity;
          format?: ScanFormat;
          sarif?: string;
        },
        command: Command,
      ) => {
        await scan(connect(command), { ...options, format: options.format ?? globals(command).output });
      },
    );

  const workflow = program
    .command('workflow')
    .description('Start workflow runs and wait for them, see them, decide their gates, cancel them')
    .addHelpText(
      'after',
      `
Examples:
  guardian workflow start deployment_health_check --env staging --wait --timeout 600
  guardian workflow status wf-health-7k2x9 --output json
  guardian workflow approve wf-cost-7k2x9 --comment "Checked the diff"
${ENVIRONMENT}`,
    );
  workflow
    .command('start <template>')
    .description('Start a run of a template (guardian workflow templates: GET /workflows/templates)')
    .option('--env <environment>', 'the environment (default: the template’s or the organization’s first)')
    .option('--message <text>', 'what you want, in your words')
    .option('--team <team>', 'the team the run belongs to')
    .option('--param <key=value>', 'a template parameter (repeatable)', keyValue, {})
    .option('--wait', 'wait until the run ends; exit 1 unless it Succeeded', false)
    .option('--timeout <seconds>', 'how long --wait waits at most', seconds, 1800)
    .action(
      async (
        template: string,
        options: {
          env?: string;
          message?: string;
          team?: string;
          param: Record<string, string>;
          wait: boolean;
          timeout: number;
        },
        command: Command,
      ) => {
        const pollMs = Number(env.GUARDIAN_POLL_INTERVAL_MS ?? 2000);
        await startWorkflow(connect(command), template, {
          ...options,
          output: globals(command).output,
          pollMs,
        });
      },
    );
  workflow
    .command('status <id>')
    .description('A run: its phase and steps')
    .action(async (id: string, _options: unknown, command: Command) => {
      await showWorkflow(connect(command), id, globals(command).output);
    });
  workflow
    .command('list')
    .description('Runs of the organization, newest first')
    .option('--phase <phase>', 'only runs in this phase')
    .option('--template <template>', 'only runs of this template')
    .action(async (options: { phase?: string; template?: string }, command: Command) => {
      await listWorkflows(connect(command), options, globals(command).output);
    });
  for (const decision of ['approve', 'reject'] as const) {
    workflow
      .command(`${decision} <id>`)
      .description(
        decision === 'approve'
          ? 'Approve the gate that awaits a decision'
          : 'Reject the gate (the run ends Rejected)',
      )
      .option('--step <step>', 'the gate (default: the one awaiting a decision)')
      .option('--comment <text>', 'why, kept with the decision')
      .action(async (id: string, options: { step?: string; comment?: string }, command: Command) => {
        await decideWorkflow(connect(command), id, decision, options, globals(command).output);
      });
  }
  workflow
    .command('cancel <id>')
    .description('Cancel a run')
    .action(async (id: string, _options: unknown, command: Command) => {
      await cancelWorkflow(connect(command), id, globals(command).output);
    });

  program
    .command('findings')
    .description('Findings of the organization, most severe first')
    .option('--env <environment>', 'only this environment')
    .addOption(new Option('--severity <severity>', 'only this severity').choices(SEVERITIES))
    .option('--agent <id>', 'only this agent')
    .addOption(
      new Option('--status <status>', 'open or resolved (default: both)').choices(['open', 'resolved']),
    )
    .option('--limit <n>', 'at most this many (API default 200)')
    .addHelpText(
      'after',
      `\nExamples:\n  guardian findings --env production --status open --severity critical\n${ENVIRONMENT}`,
    )
    .action(async (options: Record<string, string | undefined>, command: Command) => {
      await listFindings(connect(command), options, globals(command).output);
    });

  program
    .command('agents')
    .description('The agent catalog, and which agents you may run')
    .addHelpText('after', `\nExamples:\n  guardian agents --output json\n${ENVIRONMENT}`)
    .action(async (_options: unknown, command: Command) => {
      await listAgents(connect(command), globals(command).output);
    });

  program
    .command('usage')
    .description('What the organization has used of its plan this billing period')
    .addHelpText('after', `\nExamples:\n  guardian usage\n${ENVIRONMENT}`)
    .action(async (_options: unknown, command: Command) => {
      await showUsage(connect(command), globals(command).output);
    });

  for (const command of program.commands) command.exitOverride();
  for (const command of workflow.commands) command.exitOverride();
  return program;
}

/** Runs `guardian <name> <args>`; the exit code goes to process.exitCode, errors to stderr. */
export async function runCli(name: CliCommand, args: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync([name, ...args], { from: 'user' });
  } catch (error) {
    process.exitCode = report(error, program.opts<Global>().output === 'json');
  }
}

function report(error: unknown, json: boolean): number {
  if (error instanceof CommanderError) {
    // commander printed the message (or the help) already; its usage errors are ours to number.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof CliError) {
    if (json)
      process.stderr.write(
        `${JSON.stringify({ error: error.message, details: error.details, exit_code: error.exitCode })}\n`,
      );
    else
      process.stderr.write(
        `error: ${[error.message, ...error.details.map((line) => `  ${line}`)].join('\n')}\n`,
      );
    return error.exitCode;
  }
  // Not one the CLI foresaw (a file --sarif cannot write, a bug): never exit 1, which means findings.
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT.server;
}

/** The help of `guardian <name>` as commander writes it. */
export function cliUsage(name: CliCommand): string {
  const command = buildProgram().commands.find((candidate) => candidate.name() === name);
  return command?.helpInformation() ?? '';
}
