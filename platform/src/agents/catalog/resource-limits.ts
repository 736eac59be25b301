import { containerDefaultsOf } from '../lookups/limit-ranges.ts';
import { runningContainers } from '../semantics/containers.ts';
import { type Bound, containersLacking } from '../semantics/resources.ts';
import type { Agent, RunContext, Severity } from '../types.ts';
import type { Workload } from '../workloads.ts';
import { containerCheck } from './container-check.ts';

const lacking = (workload: Workload, run: RunContext, resource: string, bound: Bound) =>
  containersLacking(workload.podSpec, resource, bound, containerDefaultsOf(run.snapshot));

const FIELD = { request: 'requests', limit: 'limits' } as const;

function missing(resource: 'cpu' | 'memory', bound: Bound, severity: Severity, example: string) {
  const what = `${resource === 'cpu' ? 'CPU' : 'memory'} ${bound}`;
  return containerCheck({
    id: `${resource}-${bound}-missing`,
    severity,
    title: `Containers without a ${what}`,
    offending: (workload, run) => lacking(workload, run, resource, bound),
    problem: `has running containers without a ${what}`,
    advice: `Set resources.${FIELD[bound]}.${resource} on each container, or give the namespace a LimitRange default.`,
    fix: ['resources:', `  ${FIELD[bound]}:`, `    ${resource}: ${example}`],
  });
}

const ephemeralStorageUnset = containerCheck({
  id: 'ephemeral-storage-unset',
  severity: 'info',
  title: 'Containers without an ephemeral-storage request or limit',
  offending: (workload, run) => {
    const unset = new Set([
      ...lacking(workload, run, 'ephemeral-storage', 'request'),
      ...lacking(workload, run, 'ephemeral-storage', 'limit'),
    ]);
    return runningContainers(workload.podSpec).filter((container) => unset.has(container));
  },
  problem: 'has running containers without an ephemeral-storage request or limit',
  advice: 'Set resources.requests and resources.limits of ephemeral-storage on each container.',
  fix: ['resources:', '  requests:', '    ephemeral-storage: 1Gi', '  limits:', '    ephemeral-storage: 2Gi'],
});

export const resourceLimits: Agent = {
  id: 'resource-limits',
  name: 'Resource requests and limits',
  category: 'reliability',
  description:
    'Running containers without effective requests or limits (LimitRange defaults and requests defaulted from limits count as set).',
  checks: [
    missing('cpu', 'request', 'medium', '100m'),
    missing('memory', 'request', 'medium', '128Mi'),
    missing('cpu', 'limit', 'low', '500m'),
    missing('memory', 'limit', 'medium', '256Mi'),
    ephemeralStorageUnset,
  ],
};
