import type { V1PodSpec, V1SecurityContext } from '@kubernetes/client-node';
import type { AnyContainer } from './containers.ts';

/** The fields a pod `securityContext` sets for every container that does not set its own. */
export type InheritedSecurityField =
  | 'runAsNonRoot'
  | 'runAsUser'
  | 'runAsGroup'
  | 'seccompProfile'
  | 'appArmorProfile'
  | 'seLinuxOptions';

/**
 * AGENTS.md §0.5: the container's field if set, else the pod's, else undefined. `privileged`,
 * `allowPrivilegeEscalation`, `readOnlyRootFilesystem`, `capabilities` and `procMount` exist only
 * per container: read them from `container.securityContext` directly.
 */
export function effectiveSecurity<F extends InheritedSecurityField>(
  container: AnyContainer,
  spec: V1PodSpec,
  field: F,
): V1SecurityContext[F] | undefined {
  return container.securityContext?.[field] ?? spec.securityContext?.[field];
}
