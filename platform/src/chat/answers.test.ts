import { describe, expect, it } from 'vitest';
import { countsLine, fixingTemplate, runAnswer, topFindings } from './answers.ts';

const finding = (severity: 'critical' | 'high' | 'low', name: string) => ({
  severity,
  resource: { kind: 'Deployment', namespace: 'org-a--staging', name },
  message: `${name} has a problem.`,
});
const counts = { critical: 1, high: 2, medium: 0, low: 1, info: 0 };

describe('chat answers', () => {
  it('counts findings by severity, leaving out severities without any', () => {
    expect(countsLine(counts)).toBe('4 findings: 1 critical, 2 high, 1 low');
    expect(countsLine({ critical: 0, high: 0, medium: 0, low: 0, info: 1 })).toBe('1 finding: 1 info');
    expect(countsLine({ critical: 0, high: 0, medium: 0, low: 0, info: 0 })).toBe('no findings');
  });

  it('names the top five findings with their resources, and counts the rest', () => {
    const seven = Array.from({ length: 7 }, (_, i) => finding('high', `web-${i}`));
    const lines = topFindings(seven).split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe('- **high** Deployment `web-0`: web-0 has a problem.');
    expect(lines[5]).toBe('- … and 2 more');
    expect(topFindings(seven.slice(0, 5)).split('\n')).toHaveLength(5);
  });

  it('gives a cost answer its monthly total and top workloads, and every answer a next step', () => {
    const cost = {
      currency: 'USD',
      monthly_total: 1234.5,
      by_workload: [
        { kind: 'Deployment', name: 'api', monthly: 1000 },
        { kind: 'StatefulSet', name: 'db', monthly: 234.5 },
      ],
      by_team: [],
      by_environment: [],
    };
    const answer = runAnswer({
      topics: ['costs'],
      environment: 'production',
      status: 'succeeded',
      summary: counts,
      findings: [finding('critical', 'api')],
      cost,
      failures: 0,
    });
    expect(answer).toMatch(/^\*\*Cost analysis complete\*\* for production: 4 findings/);
    expect(answer).toContain('Monthly total: **USD 1,234.50**.');
    expect(answer).toContain('- Deployment `api`: USD 1,000.00 a month');
    expect(answer).toContain('Next:');
    const security = runAnswer({
      topics: ['security'],
      environment: 'staging',
      status: 'succeeded',
      summary: counts,
      findings: [],
      cost: null,
      failures: 1,
    });
    expect(security).toMatch(/^\*\*Security check of staging complete\*\*/);
    expect(security).not.toContain('Monthly total');
    expect(security).toContain('1 agent(s) failed');
  });

  it('offers the workflow that fixes findings of the categories', () => {
    expect(fixingTemplate(['cost', 'security'])).toBe('cost_optimization_pipeline');
    expect(fixingTemplate(['compliance'])).toBe('security_hardening_pipeline');
    expect(fixingTemplate(['reliability'])).toBe('deployment_health_check');
  });
});
