import type { V1PodSpec, V1Volume } from '@kubernetes/client-node';
import type { Workload } from '../workloads.ts';
import { addedCapabilities, BASELINE_CAPABILITIES, droppedCapabilities } from './capabilities.ts';
import { isCustomSeLinux } from './confinement.ts';
import { type AnyContainer, allContainers } from './containers.ts';
import { boundHostPorts, hostPathVolumes } from './host-access.ts';
import { effectiveSecurity } from './security.ts';

// The Pod Security Standards (v1.36 policy text) as AGENTS.md summarizes them. Names are compared
// exactly as stored, as the admission controller does: no CAP_ prefix or case normalization here.

/** One control a pod spec fails: its PSS name and where it fails. */
export interface Violation {
  control: string;
  detail: string;
}

/** The sysctls PSS baseline allows. */
export const SAFE_SYSCTLS: ReadonlySet<string> = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);

/** The volume types PSS restricted allows. */
export const RESTRICTED_VOLUME_TYPES: ReadonlySet<string> = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

const APPARMOR_ANNOTATION = /^container\.apparmor\.security\.beta\.kubernetes\.io\/(.+)$/;

type Rule = (workload: Workload) => Violation[];

/** One violation of `control` naming `names` (after `what`, when given), or none when there are none. */
function listed(control: string, what: string | undefined, names: readonly string[]): Violation[] {
  if (names.length === 0) return [];
  return [{ control, detail: what === undefined ? names.join(', ') : `${what} (${names.join(', ')})` }];
}

/** `control` fails for the containers `fails` picks (all containers, §0.4), named in the detail. */
function perContainer(
  control: string,
  what: string,
  fails: (container: AnyContainer, workload: Workload) => boolean,
): Rule {
  return (workload) =>
    listed(
      control,
      what,
      allContainers(workload)
        .filter((container) => fails(container, workload))
        .map((container) => container.name),
    );
}

/** `control` fails when the pod spec's `value` is true; `field` names it. */
function podField(control: string, field: string, value: (spec: V1PodSpec) => boolean): Rule {
  return ({ podSpec }) => (value(podSpec) ? [{ control, detail: field }] : []);
}

const BASELINE: readonly Rule[] = [
  podField(
    'HostProcess',
    'securityContext.windowsOptions.hostProcess',
    (spec) => spec.securityContext?.windowsOptions?.hostProcess === true,
  ),
  perContainer(
    'HostProcess',
    'windowsOptions.hostProcess',
    (c) => c.securityContext?.windowsOptions?.hostProcess === true,
  ),
  podField('Host Namespaces', 'hostNetwork', (spec) => spec.hostNetwork === true),
  podField('Host Namespaces', 'hostPID', (spec) => spec.hostPID === true),
  podField('Host Namespaces', 'hostIPC', (spec) => spec.hostIPC === true),
  perContainer('Privileged Containers', 'privileged', (c) => c.securityContext?.privileged === true),
  perContainer('Capabilities', 'capabilities.add beyond the baseline set', (c) =>
    addedCapabilities(c).some((capability) => !BASELINE_CAPABILITIES.has(capability)),
  ),
  ({ podSpec }) =>
    listed(
      'HostPath Volumes',
      undefined,
      hostPathVolumes(podSpec).map((volume) => volume.name),
    ),
  perContainer('Host Ports', 'hostPort', (c, workload) => boundHostPorts(c, workload).length > 0),
  podField(
    'AppArmor',
    'securityContext.appArmorProfile Unconfined',
    (spec) => spec.securityContext?.appArmorProfile?.type === 'Unconfined',
  ),
  perContainer(
    'AppArmor',
    'appArmorProfile Unconfined',
    (c) => c.securityContext?.appArmorProfile?.type === 'Unconfined',
  ),
  ({ podAnnotations }) =>
    Object.entries(podAnnotations).flatMap(([key, value]) => {
      const container = APPARMOR_ANNOTATION.exec(key)?.[1];
      return container !== undefined && value === 'unconfined'
        ? [{ control: 'AppArmor', detail: `annotation unconfined (${container})` }]
        : [];
    }),
  podField('SELinux', 'securityContext.seLinuxOptions', (spec) =>
    isCustomSeLinux(spec.securityContext?.seLinuxOptions),
  ),
  perContainer('SELinux', 'seLinuxOptions', (c) => isCustomSeLinux(c.securityContext?.seLinuxOptions)),
  perContainer(
    '/proc Mount Type',
    'procMount',
    (c) => (c.securityContext?.procMount ?? 'Default') !== 'Default',
  ),
  podField(
    'Seccomp',
    'securityContext.seccompProfile Unconfined',
    (spec) => spec.securityContext?.seccompProfile?.type === 'Unconfined',
  ),
  perContainer(
    'Seccomp',
    'seccompProfile Unconfined',
    (c) => c.securityContext?.seccompProfile?.type === 'Unconfined',
  ),
  ({ podSpec }) =>
    listed(
      'Sysctls',
      undefined,
      (podSpec.securityContext?.sysctls ?? [])
        .map(({ name }) => name)
        .filter((name) => !SAFE_SYSCTLS.has(name)),
    ),
];

// A volume is its name and one source field: the field names its type.
const volumeTypes = (volume: V1Volume) =>
  Object.entries(volume).flatMap(([key, value]) => (key === 'name' || value == null ? [] : [key]));

const RESTRICTED: readonly Rule[] = [
  ({ podSpec }) =>
    listed(
      'Volume Types',
      undefined,
      (podSpec.volumes ?? [])
        .filter((volume) => volumeTypes(volume).some((type) => !RESTRICTED_VOLUME_TYPES.has(type)))
        .map((volume) => `${volume.name} (${volumeTypes(volume).join(', ')})`),
    ),
  perContainer(
    'Privilege Escalation',
    'allowPrivilegeEscalation not false',
    (c) => c.securityContext?.allowPrivilegeEscalation !== false,
  ),
  // Pod-level true covers the containers that leave it unset; a container false always fails.
  perContainer(
    'Running as Non-root',
    'runAsNonRoot not true',
    (c, { podSpec }) =>
      c.securityContext?.runAsNonRoot === false ||
      (podSpec.securityContext?.runAsNonRoot !== true && c.securityContext?.runAsNonRoot !== true),
  ),
  podField(
    'Running as Non-root user',
    'securityContext.runAsUser: 0',
    (spec) => spec.securityContext?.runAsUser === 0,
  ),
  perContainer('Running as Non-root user', 'runAsUser: 0', (c) => c.securityContext?.runAsUser === 0),
  perContainer('Seccomp', 'seccompProfile not RuntimeDefault or Localhost', (c, workload) => {
    const type = effectiveSecurity(c, workload.podSpec, 'seccompProfile')?.type;
    return type !== 'RuntimeDefault' && type !== 'Localhost';
  }),
  perContainer('Capabilities', 'capabilities.drop lacks ALL', (c) => !droppedCapabilities(c).includes('ALL')),
  perContainer('Capabilities', 'capabilities.add beyond NET_BIND_SERVICE', (c) =>
    addedCapabilities(c).some((capability) => capability !== 'NET_BIND_SERVICE'),
  ),
];

/** What Pod Security admission at level baseline would reject the pod spec for. */
export function baselineViolations(workload: Workload): Violation[] {
  return BASELINE.flatMap((rule) => rule(workload));
}

/** What Pod Security admission at level restricted would reject it for: baseline's, and its own. */
export function restrictedViolations(workload: Workload): Violation[] {
  return [...baselineViolations(workload), ...RESTRICTED.flatMap((rule) => rule(workload))];
}
