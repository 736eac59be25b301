import { named } from '../kinds.ts';
import { baselineViolations, restrictedViolations, type Violation } from '../semantics/pod-security.ts';
import type { Agent, Check, Severity } from '../types.ts';
import type { Workload } from '../workloads.ts';

function levelCheck(
  id: string,
  severity: Severity,
  level: 'baseline' | 'restricted',
  violations: (workload: Workload) => Violation[],
): Check {
  return {
    id,
    severity,
    mode: 'spec',
    title: `Pods that Pod Security ${level} would reject`,
    target: 'Workload',
    detect(workload, { snapshot }) {
      const found = violations(workload);
      if (found.length === 0) return undefined;
      const controls = [...new Set(found.map(({ control }) => control))];
      return {
        message: `${named(workload.object)} would be rejected by Pod Security ${level}: ${controls.join(', ')}.`,
        remediation: [
          `Change the pod spec where the evidence says. To see what enforcing ${level} would reject in the namespace:`,
          `kubectl label --dry-run=server --overwrite namespace ${snapshot.namespace} pod-security.kubernetes.io/enforce=${level}`,
        ].join('\n'),
        evidence: { violations: found.map(({ control, detail }) => `${control}: ${detail}`) },
      };
    },
  };
}

export const podSecurityStandards: Agent = {
  id: 'pod-security-standards',
  name: 'Pod Security Standards',
  category: 'compliance',
  description:
    'Each pod template and bare Pod against the Kubernetes Pod Security Standards (baseline, then restricted), as Pod Security admission would judge it.',
  checks: [
    levelCheck('baseline-violation', 'high', 'baseline', baselineViolations),
    levelCheck('restricted-violation', 'medium', 'restricted', restrictedViolations),
  ],
};
