import { describe, expect, it } from 'vitest';
import type { AgentRunView, FindingView } from '../contract/agents.ts';
import { objectPath, toSarif } from './sarif.ts';
import { meets } from './severity.ts';

const finding = (check: string, severity: FindingView['severity'], name: string): FindingView => ({
  id: `${check}:${name}`,
  check,
  agent: check.split('/')[0] ?? '',
  category: 'security',
  severity,
  resource: { kind: 'Deployment', namespace: 'shop-staging', name },
  message: `${name} is ${severity}.`,
  remediation: 'Fix it.',
  evidence: {},
});

const run = (findings: FindingView[]): AgentRunView => ({
  run_id: '00000000-0000-4000-8000-000000000000',
  environment: 'staging',
  agents: ['security'],
  status: 'succeeded',
  summary: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
  skipped: [],
  failures: [],
  duration_ms: 1,
  created_at: '2026-01-01T00:00:00.000Z',
  requested_by: 'apikey:0',
  findings,
});

describe('meets', () => {
  it('counts a severity at or above the threshold, not below', () => {
    expect(meets('critical', 'high')).toBe(true);
    expect(meets('high', 'high')).toBe(true);
    expect(meets('medium', 'high')).toBe(false);
    expect(meets('info', 'low')).toBe(false);
  });
});

describe('toSarif', () => {
  it('makes one rule per check and one result per finding, pointing at its rule', () => {
    const sarif = toSarif(
      run([
        finding('security/privileged', 'critical', 'api'),
        finding('security/privileged', 'critical', 'web'),
        finding('security/no-limits', 'low', 'api'),
      ]),
      '0.1.0',
    ) as {
      version: string;
      runs: [
        {
          tool: { driver: { rules: { id: string; properties: Record<string, unknown> }[] } };
          results: { ruleId: string; ruleIndex: number; level: string; partialFingerprints: object }[];
        },
      ];
    };
    expect(sarif.version).toBe('2.1.0');
    const [only] = sarif.runs;
    expect(only.tool.driver.rules.map((rule) => rule.id)).toEqual([
      'security/privileged',
      'security/no-limits',
    ]);
    expect(only.tool.driver.rules[0]?.properties['security-severity']).toBe('9.5');
    expect(only.results.map((result) => [result.ruleId, result.ruleIndex, result.level])).toEqual([
      ['security/privileged', 0, 'error'],
      ['security/privileged', 0, 'error'],
      ['security/no-limits', 1, 'note'],
    ]);
    expect(only.results[1]?.partialFingerprints).toEqual({ 'guardianFinding/v1': 'security/privileged:web' });
  });

  it('makes an empty run valid too: no rules, no results', () => {
    const sarif = toSarif(run([]), '0.1.0') as {
      runs: { results: unknown[]; tool: { driver: { rules: unknown[] } } }[];
    };
    expect(sarif.runs[0]?.results).toEqual([]);
    expect(sarif.runs[0]?.tool.driver.rules).toEqual([]);
  });

  it('places cluster-scoped objects under _cluster', () => {
    expect(objectPath({ kind: 'Namespace', namespace: null, name: 'shop' })).toBe(
      'kubernetes/_cluster/Namespace/shop',
    );
    expect(objectPath({ kind: 'Pod', namespace: 'shop', name: 'a' })).toBe('kubernetes/shop/Pod/a');
  });
});
