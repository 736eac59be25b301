import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { type AgentSettings, type AgentSettingsOverride, agentSettings } from '../settings.ts';
import type { Agent } from '../types.ts';
import { CASE_CLOCK, type Case, type ExpectedFinding, type Listed, snapshotOf } from './case.ts';

const key = ({ check, kind, name }: ExpectedFinding) => `${check} ${kind}/${name}`;

/**
 * The (check, kind, name) of each finding the agent reports on exactly these objects, sorted, at the
 * case clock's `now`, with Nodes and StorageClasses readable.
 */
function found(agent: Agent, objects: readonly Listed[], settings: AgentSettings): string[] {
  const { findings, failed, skipped } = evaluate([agent], snapshotOf(objects), {
    now: CASE_CLOCK.now,
    settings,
  });
  expect(skipped).toEqual([]);
  expect(failed).toEqual([]);
  for (const finding of findings) expect(finding.message).toContain(finding.resource.name);
  return findings.map((f) => key({ check: f.check, kind: f.resource.kind, name: f.resource.name })).sort();
}

/**
 * Each row alone in a namespace gives exactly its expected findings; every check has a positive row.
 * `settings` override the defaults for the whole table (the integration test uses the same).
 */
export function describeCases(
  agent: Agent,
  cases: readonly Case[],
  override: AgentSettingsOverride = {},
): void {
  const settings = agentSettings(override);
  describe(`${agent.id}: case table`, () => {
    it.each(cases.map((row) => [row.name, row] as const))('%s', (_, row) => {
      expect(found(agent, row.objects, settings)).toEqual(row.expect.map(key).sort());
    });

    // An agent whose checks are about the whole namespace has namespace-wide rows only: no union.
    const shared = cases.filter((row) => row.namespaceWide !== true);
    if (shared.length > 0) {
      it('gives the union of the rows when all rows share one namespace (but namespace-wide ones)', () => {
        expect(
          found(
            agent,
            shared.flatMap((row) => row.objects),
            settings,
          ),
        ).toEqual(shared.flatMap((row) => row.expect.map(key)).sort());
      });
    }

    it('has a row that fires each check, and one where nothing fires', () => {
      const fired = new Set(cases.flatMap((row) => row.expect.map((finding) => finding.check)));
      expect(agent.checks.map((check) => `${agent.id}/${check.id}`).filter((id) => !fired.has(id))).toEqual(
        [],
      );
      expect(cases.some((row) => row.expect.length === 0)).toBe(true);
    });
  });
}
