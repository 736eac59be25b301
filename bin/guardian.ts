#!/usr/bin/env node
// The one command: every role of Guardian runs from the same image as `guardian <command>`.

/** What a command is once loaded: its usage text and what it runs. */
interface Loaded {
  usage?: string;
  /** The command parses its own --help (its subcommands have helps of their own). */
  ownHelp?: boolean;
  run(args: string[]): Promise<void>;
}

// Each command's modules are imported only when it runs (or shows its usage): the operator's
// process never loads the platform's HTTP stack (Koa, jose, openid-client, nodemailer, Redis).
interface Command {
  summary: string;
  load(): Promise<Loaded>;
}

/** The people's and pipelines' commands (the platform API's client), parsed by commander. */
function clientCommand(
  name: 'scan' | 'workflow' | 'findings' | 'agents' | 'usage',
  summary: string,
): Command {
  return {
    summary,
    async load() {
      const { runCli } = await import('@guardian/platform/cli');
      return { ownHelp: true, run: (args) => runCli(name, args) };
    },
  };
}

const commands: Record<string, Command> = {
  scan: clientCommand(
    'scan',
    'Run agents on an environment: `guardian scan --env staging --fail-on high [--format sarif]`',
  ),
  workflow: clientCommand(
    'workflow',
    'Workflow runs: `guardian workflow start|status|list|approve|reject|cancel` (start --wait)',
  ),
  findings: clientCommand('findings', "The organization's findings (filters: --env, --severity, --status)"),
  agents: clientCommand('agents', 'The agent catalog, and which agents you may run'),
  usage: clientCommand('usage', 'What the organization has used of its plan this billing period'),
  operator: {
    summary:
      "Run Guardian's Kubernetes controllers (leader-elected; probes and metrics on OPERATOR_METRICS_PORT)",
    async load() {
      const { operatorUsage, runOperator } = await import('@guardian/operator/main');
      return { usage: operatorUsage, run: runOperator };
    },
  },
  platform: {
    summary:
      'Run the HTTP API on PORT (default 8080); `guardian platform rotate-keys` rotates token signing keys',
    async load() {
      const { platformUsage, runPlatform } = await import('@guardian/platform/main');
      return { usage: platformUsage, run: runPlatform };
    },
  },
  audit: {
    summary:
      'Verify the tamper-evident audit trail: `guardian audit verify [--org ORG]` (exit 1 on tampering)',
    async load() {
      const { auditUsage, runAudit } = await import('@guardian/platform/audit');
      return { usage: auditUsage, run: runAudit };
    },
  },
  backup: {
    summary:
      'Back the platform database up into the storage target: `guardian backup --platform` (a CronJob)',
    async load() {
      const { backupUsage, runBackup } = await import('@guardian/operator/backup-commands');
      return { usage: backupUsage, run: runBackup };
    },
  },
  restore: {
    summary:
      'Restore a backup: `guardian restore --org ORG --backup ID` (or --platform), checked against its manifest',
    async load() {
      const { restoreUsage, runRestore } = await import('@guardian/operator/backup-commands');
      return { usage: restoreUsage, run: runRestore };
    },
  },
  'install-crds': {
    summary:
      "Apply Guardian's CRDs with server-side apply, migrating stored versions (the chart's pre-upgrade hook)",
    async load() {
      const { installCrdsUsage, runInstallCrds } = await import('@guardian/crds/install-command');
      return { usage: installCrdsUsage, run: runInstallCrds };
    },
  },
  migrate: {
    summary: 'Bring the platform database schema up to date (runs as the owner role, DATABASE_ADMIN_URL)',
    async load() {
      const [{ migrationConfig, parseConfig }, { migrate }] = await Promise.all([
        import('@guardian/platform/config'),
        import('@guardian/platform/db'),
      ]);
      return {
        async run() {
          const config = parseConfig(migrationConfig);
          const applied = await migrate(config.DATABASE_ADMIN_URL, config.DATABASE_URL);
          console.log(applied.length ? `Applied ${applied.join(', ')}` : 'Already up to date');
        },
      };
    },
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `Usage: guardian <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nThe platform API's commands (scan to usage) read GUARDIAN_URL, GUARDIAN_API_KEY and GUARDIAN_ORG;\n\`guardian <command> --help\` shows their options, examples and exit codes.\n`;
}

const [name, ...rest] = process.argv.slice(2);
const wantsHelp = (args: string[]) => args.includes('--help') || args.includes('-h');
const command = name === undefined || name.startsWith('-') ? undefined : commands[name];
if (!command) {
  const unknown = name !== undefined && !wantsHelp([name]);
  (unknown ? console.error : console.log)(`${unknown ? `Unknown command: ${name}\n\n` : ''}${usage()}`);
  process.exitCode = name === undefined || unknown ? 2 : 0;
} else {
  try {
    const loaded = await command.load();
    if (wantsHelp(rest) && !loaded.ownHelp)
      console.log(loaded.usage ?? `Usage: guardian ${name}\n\n${command.summary}`);
    else await loaded.run(rest);
  } catch (error) {
    console.error(explain(error));
    process.exitCode = 1;
  }
}

/** An error's message and its causes', one per line: what failed, then why. */
function explain(error: unknown): string {
  const lines: string[] = [];
  for (let current = error, depth = 0; current !== undefined && depth < 5; depth++) {
    lines.push(
      `${depth === 0 ? '' : 'caused by: '}${current instanceof Error ? current.message : String(current)}`,
    );
    current = current instanceof Error ? current.cause : undefined;
  }
  return lines.join('\n');
}
