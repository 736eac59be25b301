import { named } from '../kinds.ts';
import { type AnyContainer, allContainers } from '../semantics/containers.ts';
import type { Agent, Check } from '../types.ts';
import type { Workload } from '../workloads.ts';
import { containerCheck } from './container-check.ts';
import { containersFragment, nameList, podSpecFragment } from './text.ts';

const privileged = containerCheck({
  id: 'privileged',
  severity: 'critical',
  title: 'Containers run privileged',
  offending: (workload) => allContainers(workload).filter((c) => c.securityContext?.privileged === true),
  problem: 'runs privileged containers',
  advice: 'Remove securityContext.privileged or set it to false; grant single capabilities if one is needed.',
  fix: ['securityContext:', '  privileged: false'],
});

// Unset counts: the runtime's default is to allow escalation (AGENTS.md §3.4).
const allowPrivilegeEscalation = containerCheck({
  id: 'allow-privilege-escalation',
  severity: 'high',
  title: 'Containers may gain more privileges than their process started with',
  offending: (workload) =>
    allContainers(workload).filter((c) => c.securityContext?.allowPrivilegeEscalation !== false),
  problem: 'lets containers gain privileges (allowPrivilegeEscalation is not false)',
  advice: 'Set securityContext.allowPrivilegeEscalation: false on each container.',
  fix: ['securityContext:', '  allowPrivilegeEscalation: false'],
});

const isHostProcess = (container: AnyContainer) =>
  container.securityContext?.windowsOptions?.hostProcess === true;

const hostProcess: Check = {
  id: 'host-process',
  severity: 'critical',
  mode: 'spec',
  title: 'Windows HostProcess containers',
  target: 'Workload',
  detect(workload) {
    const pod = workload.podSpec.securityContext?.windowsOptions?.hostProcess === true;
    const containers = allContainers(workload).filter(isHostProcess);
    if (!pod && containers.length === 0) return undefined;
    return {
      message: `${named(workload.object)} runs Windows HostProcess containers, with the node's privileges.`,
      remediation: hostProcessFix(workload, pod, containers),
      evidence: { podHostProcess: pod, containers: nameList(containers) },
    };
  },
};

function hostProcessFix(workload: Workload, pod: boolean, containers: readonly AnyContainer[]): string {
  const unset = ['securityContext:', '  windowsOptions:', '    hostProcess: false'];
  return [
    'Run the workload as a regular Windows container: remove windowsOptions.hostProcess (and hostNetwork).',
    ...(pod ? [podSpecFragment(workload, unset)] : []),
    ...(containers.length > 0 ? [containersFragment(workload, containers, unset)] : []),
  ].join('\n');
}

const unmaskedProcMount = containerCheck({
  id: 'unmasked-proc-mount',
  severity: 'high',
  title: 'Containers mount /proc unmasked',
  offending: (workload) =>
    allContainers(workload).filter((c) => (c.securityContext?.procMount ?? 'Default') !== 'Default'),
  problem: 'mounts /proc without the default masks in containers',
  advice: 'Remove securityContext.procMount or set it to Default.',
  fix: ['securityContext:', '  procMount: Default'],
});

export const privilegedContainers: Agent = {
  id: 'privileged-containers',
  name: 'Privileged containers',
  category: 'security',
  description: 'Containers that run with (or can gain) host-level privileges.',
  checks: [privileged, allowPrivilegeEscalation, hostProcess, unmaskedProcMount],
};
