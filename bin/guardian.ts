#!/usr/bin/env node
// The one command: every role of Guardian runs from the same image as `guardian <command>`.
import { parseArgs } from 'node:util';
import { migrationConfig, parseConfig } from '@guardian/platform/config';
import { migrate } from '@guardian/platform/db';

interface Command {
  summary: string;
  run(args: string[]): Promise<void>;
}

const commands: Record<string, Command> = {
  migrate: {
    summary: 'Bring the platform database schema up to date (runs as the owner role, DATABASE_ADMIN_URL)',
    async run() {
      const config = parseConfig(migrationConfig);
      const applied = await migrate(config.DATABASE_ADMIN_URL, config.DATABASE_URL);
      console.log(applied.length ? `Applied ${applied.join(', ')}` : 'Already up to date');
    },
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `Usage: guardian <command> [options]\n\nCommands:\n${lines.join('\n')}\n`;
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  strict: false,
  options: { help: { type: 'boolean', short: 'h' } },
});
const [name, ...rest] = positionals;
const command = name === undefined ? undefined : commands[name];
if (!command) {
  const unknown = name !== undefined && !values.help;
  (unknown ? console.error : console.log)(`${unknown ? `Unknown command: ${name}\n\n` : ''}${usage()}`);
  process.exitCode = unknown || !values.help ? 2 : 0;
} else if (values.help) {
  console.log(`Usage: guardian ${name}\n\n${command.summary}`);
} else {
  try {
    await command.run(rest);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
