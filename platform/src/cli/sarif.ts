// SARIF 2.1.0 from an agent run, as GitHub code scanning reads it: one rule per check, one result
// per finding, located at a path that names the Kubernetes object (kubernetes/<namespace>/<kind>/<name>),
// fingerprinted by the finding's stable id so the same finding is one alert across runs.
import type { Severity } from '../agents/types.ts';
import type { AgentRunView, FindingView } from '../contract/agents.ts';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};
// GitHub ranks security alerts by this property (CVSS-like: >= 9 critical, >= 7 high, >= 4 medium).
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '2.0',
  info: '0.0',
};

export function objectPath(resource: FindingView['resource']): string {
  return ['kubernetes', resource.namespace ?? '_cluster', resource.kind, resource.name].join('/');
}

export function toSarif(run: AgentRunView, version: string): object {
  const checks = new Map<string, FindingView>();
  for (const finding of run.findings) if (!checks.has(finding.check)) checks.set(finding.check, finding);
  const rules = [...checks.values()].map((finding) => ({
    id: finding.check,
    name: finding.check.replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase()),
    shortDescription: { text: finding.check },
    help: { text: finding.remediation },
    defaultConfiguration: { level: LEVEL[finding.severity] },
    properties: {
      tags: ['kubernetes', finding.category],
      'security-severity': SECURITY_SEVERITY[finding.severity],
    },
  }));
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Guardian',
            semanticVersion: version,
            rules,
          },
        },
        automationDetails: { id: `guardian/${run.environment}/` },
        results: run.findings.map((finding) => ({
          ruleId: finding.check,
          ruleIndex: ruleIndex.get(finding.check) ?? 0,
          level: LEVEL[finding.severity],
          message: { text: `${finding.message} Remediation: ${finding.remediation}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: objectPath(finding.resource) },
                region: { startLine: 1 },
              },
              logicalLocations: [
                {
                  name: finding.resource.name,
                  fullyQualifiedName: `${finding.resource.namespace ?? ''}/${finding.resource.kind}/${finding.resource.name}`,
                  kind: 'resource',
                },
              ],
            },
          ],
          partialFingerprints: { 'guardianFinding/v1': finding.id },
          properties: { severity: finding.severity, environment: run.environment },
        })),
      },
    ],
  };
}
