import type { AnyContainer } from './containers.ts';

/** The capabilities PSS baseline lets a container add (AGENTS.md, linux-capabilities and PSS). */
export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

/** `linux-capabilities/dangerous-added`: a Kubescape-like list (AGENTS.md §3.8). */
export const DANGEROUS_CAPABILITIES: ReadonlySet<string> = new Set([
  'ALL',
  'SYS_ADMIN',
  'NET_ADMIN',
  'NET_RAW',
  'SYS_MODULE',
  'SYS_RAWIO',
  'SYS_PTRACE',
  'SYS_BOOT',
  'BPF',
  'PERFMON',
  'MAC_ADMIN',
  'MAC_OVERRIDE',
  'DAC_READ_SEARCH',
]);

/**
 * How linux-capabilities compares names: case-insensitively, an optional `CAP_` prefix removed
 * (`cap_net_raw` is NET_RAW). Pod Security Standards compare the stored names exactly instead.
 */
export function capabilityName(name: string): string {
  return name.toUpperCase().replace(/^CAP_/, '');
}

/** `securityContext.capabilities.add`, as stored. */
export function addedCapabilities(container: AnyContainer): readonly string[] {
  return container.securityContext?.capabilities?.add ?? [];
}

/** `securityContext.capabilities.drop`, as stored. */
export function droppedCapabilities(container: AnyContainer): readonly string[] {
  return container.securityContext?.capabilities?.drop ?? [];
}
