import { appArmorAnnotation, isCustomSeLinux } from '../semantics/confinement.ts';
import { type AnyContainer, allContainers } from '../semantics/containers.ts';
import { effectiveSecurity } from '../semantics/security.ts';
import type { Agent } from '../types.ts';
import type { Workload } from '../workloads.ts';
import { containerCheck } from './container-check.ts';

const seccompType = (container: AnyContainer, workload: Workload) =>
  effectiveSecurity(container, workload.podSpec, 'seccompProfile')?.type;

const seccompMissing = containerCheck({
  id: 'seccomp-missing',
  severity: 'medium',
  title: 'Containers without a seccomp profile',
  offending: (workload) =>
    allContainers(workload).filter((container) => seccompType(container, workload) === undefined),
  problem: 'runs containers without a seccomp profile',
  advice: "Set the runtime's default seccomp profile in the pod securityContext (or on each container).",
  fix: ['securityContext:', '  seccompProfile:', '    type: RuntimeDefault'],
});

const seccompUnconfined = containerCheck({
  id: 'seccomp-unconfined',
  severity: 'high',
  title: 'Containers with seccomp disabled',
  offending: (workload) =>
    allContainers(workload).filter((container) => seccompType(container, workload) === 'Unconfined'),
  problem: 'runs containers with seccomp disabled (seccompProfile type Unconfined)',
  advice:
    'Use the RuntimeDefault profile, or a Localhost profile that allows the system calls the process needs.',
  fix: ['securityContext:', '  seccompProfile:', '    type: RuntimeDefault'],
});

const appArmorUnconfined = (container: AnyContainer, workload: Workload) =>
  effectiveSecurity(container, workload.podSpec, 'appArmorProfile')?.type === 'Unconfined' ||
  appArmorAnnotation(workload.podAnnotations, container.name) === 'unconfined';

const apparmorUnconfinedCheck = containerCheck({
  id: 'apparmor-unconfined',
  severity: 'high',
  title: 'Containers with AppArmor disabled',
  offending: (workload) =>
    allContainers(workload).filter((container) => appArmorUnconfined(container, workload)),
  problem: 'runs containers with AppArmor disabled (Unconfined)',
  advice:
    'Use the RuntimeDefault AppArmor profile, and remove the deprecated container.apparmor.security.beta.kubernetes.io annotations.',
  fix: ['securityContext:', '  appArmorProfile:', '    type: RuntimeDefault'],
});

const seLinuxOptions = (container: AnyContainer, workload: Workload) =>
  effectiveSecurity(container, workload.podSpec, 'seLinuxOptions');

const selinuxCustom = containerCheck({
  id: 'selinux-custom',
  severity: 'medium',
  title: 'Containers with a custom SELinux label',
  offending: (workload) =>
    allContainers(workload).filter((container) => isCustomSeLinux(seLinuxOptions(container, workload))),
  problem: 'runs containers with a custom SELinux type, user or role',
  advice:
    'Remove seLinuxOptions, or keep only a type of container_t, container_init_t, container_kvm_t or container_engine_t.',
  fix: ['securityContext:', '  seLinuxOptions: {}'],
  evidence: (offending, workload) => ({
    containers: offending.map((container) => {
      const { type, user, role } = seLinuxOptions(container, workload) ?? {};
      return { container: container.name, type: type ?? null, user: user ?? null, role: role ?? null };
    }),
  }),
});

export const syscallConfinement: Agent = {
  id: 'syscall-confinement',
  name: 'Syscall confinement',
  category: 'security',
  description: 'Seccomp, AppArmor and SELinux confinement of containers.',
  checks: [seccompMissing, seccompUnconfined, apparmorUnconfinedCheck, selinuxCustom],
};
