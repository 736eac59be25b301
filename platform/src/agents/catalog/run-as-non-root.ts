import { allContainers } from '../semantics/containers.ts';
import { effectiveSecurity } from '../semantics/security.ts';
import type { Agent } from '../types.ts';
import type { Workload } from '../workloads.ts';
import { containerCheck } from './container-check.ts';

/** kube-score's floor: ids below it may collide with users of the node (AGENTS.md §3.5). */
const HIGH_ID = 10000;

const ids = (workload: Workload) =>
  allContainers(workload).map((container) => ({
    container,
    runAsNonRoot: effectiveSecurity(container, workload.podSpec, 'runAsNonRoot'),
    runAsUser: effectiveSecurity(container, workload.podSpec, 'runAsUser'),
    runAsGroup: effectiveSecurity(container, workload.podSpec, 'runAsGroup'),
  }));

const lowId = (id: number | undefined) => id === undefined || id < HIGH_ID;

// Polaris semantics (AGENTS.md §3.5): runAsNonRoot: true, or a non-zero user id, is enough.
const rootAllowed = containerCheck({
  id: 'root-allowed',
  severity: 'high',
  title: 'Containers that may run as root',
  offending: (workload) =>
    ids(workload)
      .filter(({ runAsNonRoot, runAsUser }) => runAsNonRoot !== true && (runAsUser ?? 0) === 0)
      .map(({ container }) => container),
  problem: 'may run containers as root (runAsNonRoot is not true and runAsUser is unset or 0)',
  advice: 'Set runAsNonRoot: true and a non-zero runAsUser, in the pod securityContext or on each container.',
  fix: ['securityContext:', '  runAsNonRoot: true', '  runAsUser: 10001'],
});

const uidZero = containerCheck({
  id: 'uid-zero',
  severity: 'high',
  title: 'Containers set to run as user 0',
  offending: (workload) =>
    ids(workload)
      .filter(({ runAsUser }) => runAsUser === 0)
      .map(({ container }) => container),
  problem: 'runs containers as root (runAsUser: 0)',
  advice: 'Run as a non-root user: set runAsUser to a non-zero id the image supports.',
  fix: ['securityContext:', '  runAsUser: 10001'],
});

const lowUidGid = containerCheck({
  id: 'low-uid-gid',
  severity: 'low',
  title: 'Containers whose user or group id may collide with the node',
  offending: (workload) =>
    ids(workload)
      .filter(({ runAsUser, runAsGroup }) => lowId(runAsUser) || lowId(runAsGroup))
      .map(({ container }) => container),
  problem: `runs containers with a user or group id unset or below ${HIGH_ID}`,
  advice: `Set runAsUser and runAsGroup to ids of ${HIGH_ID} or more, in the pod securityContext or on each container.`,
  fix: ['securityContext:', '  runAsUser: 10001', '  runAsGroup: 10001'],
  evidence: (offending, workload) => ({
    containers: ids(workload)
      .filter(({ container }) => offending.includes(container))
      .map(({ container, runAsUser, runAsGroup }) => ({
        container: container.name,
        runAsUser: runAsUser ?? null,
        runAsGroup: runAsGroup ?? null,
      })),
  }),
});

export const runAsNonRoot: Agent = {
  id: 'run-as-non-root',
  name: 'Run as non-root',
  category: 'security',
  description: 'Processes that may run as root or with user and group ids that collide with the node.',
  checks: [rootAllowed, uidZero, lowUidGid],
};
