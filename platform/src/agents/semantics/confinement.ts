import type { V1SELinuxOptions } from '@kubernetes/client-node';

/** The SELinux types Pod Security baseline allows (and `syscall-confinement/selinux-custom`). */
export const SELINUX_TYPES: ReadonlySet<string> = new Set([
  'container_t',
  'container_init_t',
  'container_kvm_t',
  'container_engine_t',
]);

/**
 * An SELinux label of one's own: a type outside SELINUX_TYPES, or any user or role. An empty string
 * is unset, as Pod Security reads these fields.
 */
export function isCustomSeLinux(options: V1SELinuxOptions | undefined): boolean {
  const { type, user, role } = options ?? {};
  return (!!type && !SELINUX_TYPES.has(type)) || !!user || !!role;
}

/** The deprecated per-container AppArmor annotation of a pod (template). */
export function appArmorAnnotation(
  annotations: Readonly<Record<string, string>>,
  container: string,
): string | undefined {
  return annotations[`container.apparmor.security.beta.kubernetes.io/${container}`];
}
