import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import type { Agent } from '../types.ts';
import { type Case, type ExpectedFinding, snapshotOf } from './case.ts';

const key = ({ check, kind, name }: ExpectedFinding) => `${check} ${kind}/${name}`;

/** Each row alone in a namespace gives exactly its expected findings; every check has a positive row. */
export function describeCases(agent: Agent, cases: readonly Case[]): void {
  describe(`${agent.id}: case table`, () => {
    it.each(cases.map((row) => [row.name, row] as const))('%s', (_, row) => {
      const { findings, failed } = evaluate([agent], snapshotOf(row.objects));
      expect(failed).toEqual([]);
      const found = findings.map((finding) => ({
        check: finding.check,
        kind: finding.resource.kind,
        name: finding.resource.name,
      }));
      expect(found.map(key).sort()).toEqual(row.expect.map(key).sort());
      for (const finding of findings) expect(finding.message).toContain(finding.resource.name);
    });

    it('has a row that fires each check, and one where nothing fires', () => {
      const fired = new Set(cases.flatMap((row) => row.expect.map((finding) => finding.check)));
      expect(agent.checks.map((check) => `${agent.id}/${check.id}`).filter((id) => !fired.has(id))).toEqual(
        [],
      );
      expect(cases.some((row) => row.expect.length === 0)).toBe(true);
    });
  });
}
