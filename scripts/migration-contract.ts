// Expand, then contract: a migration may drop or rename a table or column only as the contract
// step of an expand that shipped in an earlier release, so that the previous release's pods, which
// run during a rolling update, never meet a schema without what they read. The check compares the
// schema before and after each migration on a real database (test/integration/migration-contract
// .test.ts); this file holds the rule, the declared contract steps and the shipped migrations.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');

export type Schema = 'platform' | 'tenant';

/** A destructive migration, declared: what it drops, and the expand step it completes. */
export interface ContractStep {
  schema: Schema;
  migration: string;
  /** `table.column` (or `table.*` for a whole table) it removes. */
  drops: string[];
  /** The migration that added what replaces them; it must have shipped in the previous release. */
  expandedIn: string;
}

/**
 * The declared contract steps. Migrations that shipped before the rule (tenant 0002 replaced two
 * placeholder tables nothing wrote) are history and need no entry.
 */
export const CONTRACT_STEPS: ContractStep[] = [];

/** What one migration removed from the schema: `table.column` names. */
export interface Removal {
  schema: Schema;
  migration: string;
  removed: string[];
}

/** The previous release's commit, from charts/guardian/UPGRADE_FROM (comments start with #). */
export function upgradeFrom(): string {
  const text = readFileSync(resolve(repo, 'charts/guardian/UPGRADE_FROM'), 'utf8');
  const commit = text
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line && !line.startsWith('#'));
  if (!commit || !/^[0-9a-f]{40}$/.test(commit))
    throw new Error('charts/guardian/UPGRADE_FROM names no commit (40 hex digits)');
  return commit;
}

const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });

/** The migrations `commit` shipped, by schema (read from git: CI clones with full history). */
export function shippedMigrations(commit: string): Record<Schema, Set<string>> {
  const platform = git('ls-tree', '--name-only', `${commit}:platform/src/migrations`)
    .split('\n')
    .filter((file) => /^\d{4}_\w+\.ts$/.test(file))
    .map((file) => file.replace(/\.ts$/, ''));
  const tenant = [
    ...git('show', `${commit}:platform/src/tenant-db/migrations.ts`).matchAll(/name: '(\d{4}_\w+)'/g),
  ].map((match) => match[1] ?? '');
  return { platform: new Set(platform), tenant: new Set(tenant) };
}

/** `table.column` names in `before` but not in `after`; a table gone entirely counts by its columns. */
export function removedColumns(before: Iterable<string>, after: Iterable<string>): string[] {
  const kept = new Set(after);
  return [...before].filter((column) => !kept.has(column)).sort();
}

const covers = (drop: string, column: string) =>
  drop === column || (drop.endsWith('.*') && column.startsWith(drop.slice(0, -1)));

/** Why the removals break the rule (empty when they keep it). */
export function contractViolations(
  removals: Removal[],
  shipped: Record<Schema, Set<string>>,
  declared: ContractStep[] = CONTRACT_STEPS,
): string[] {
  const violations: string[] = [];
  for (const { schema, migration, removed } of removals) {
    if (removed.length === 0 || shipped[schema].has(migration)) continue;
    const step = declared.find((s) => s.schema === schema && s.migration === migration);
    const undeclared = removed.filter((column) => !step?.drops.some((drop) => covers(drop, column)));
    if (undeclared.length > 0)
      violations.push(
        `${schema} migration ${migration} drops or renames ${undeclared.join(', ')}, which the previous ` +
          'release may still read: add the new shape in one release (expand), stop using the old one, ' +
          'and drop it in a later release, declared in CONTRACT_STEPS (contract)',
      );
    if (step && !shipped[schema].has(step.expandedIn))
      violations.push(
        `${schema} migration ${migration} contracts ${step.expandedIn}, which the previous release does ` +
          'not have: the drop waits for the release after the one that ships the expand',
      );
  }
  return violations;
}
