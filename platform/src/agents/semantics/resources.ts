import type { V1Container, V1PodSpec } from '@kubernetes/client-node';
import type { LimitRange } from '../kinds.ts';
import { runningContainers } from './containers.ts';
import { parseQuantity } from './quantity.ts';

/** A namespace's LimitRange defaults for containers: what the LimitRanger gives a Pod created now. */
export interface ContainerDefaults {
  /** `default`: the limit a container without one gets. */
  limit: Readonly<Record<string, string>>;
  /** `defaultRequest`: the request a container without one (and without a limit) gets. */
  request: Readonly<Record<string, string>>;
}

/**
 * AGENTS.md §0.6: every `type: Container` item of every LimitRange, in listing order; for a resource
 * named by several, the first wins (the LimitRanger sets a value once). The API's own defaulting of
 * an item (`default` from `max`, `defaultRequest` from `default`, then `min`) is applied again here:
 * a no-op on stored objects, and it makes a manifest and its stored object give the same answer.
 */
export function containerDefaults(limitRanges: readonly LimitRange[]): ContainerDefaults {
  const limit: Record<string, string> = {};
  const request: Record<string, string> = {};
  for (const item of limitRanges.flatMap((limitRange) => limitRange.spec?.limits ?? [])) {
    if (item.type !== 'Container') continue;
    const itemLimit = { ...item.max, ...item.default };
    const itemRequest = { ...item.min, ...itemLimit, ...item.defaultRequest };
    for (const [resource, value] of Object.entries(itemLimit)) limit[resource] ??= value;
    for (const [resource, value] of Object.entries(itemRequest)) request[resource] ??= value;
  }
  return { limit, request };
}

export const NO_DEFAULTS: ContainerDefaults = { limit: {}, request: {} };

/** A quantity as stored, or undefined when the value is unset. */
export interface EffectiveResource {
  request: string | undefined;
  limit: string | undefined;
}
export type Bound = keyof EffectiveResource;

/**
 * AGENTS.md §0.6 for one container: the limit, else the LimitRange default; the request, else the
 * limit (the API defaults a Pod's requests to its limits), else the LimitRange default request.
 */
export function effectiveResource(
  container: V1Container,
  resource: string,
  defaults: ContainerDefaults,
): EffectiveResource {
  const { requests, limits } = container.resources ?? {};
  return {
    request: requests?.[resource] ?? limits?.[resource] ?? defaults.request[resource],
    limit: limits?.[resource] ?? defaults.limit[resource],
  };
}

/** Pod-level `spec.resources`; its requests default to its limits as a container's do. */
export function podLevelResource(spec: V1PodSpec, resource: string): EffectiveResource {
  const { requests, limits } = spec.resources ?? {};
  return { request: requests?.[resource] ?? limits?.[resource], limit: limits?.[resource] };
}

/**
 * Running containers (§0.4) lacking an effective `bound` of `resource`. None when the pod level sets
 * it: a pod-level value satisfies the container-level "missing" checks (§0.6).
 */
export function containersLacking(
  spec: V1PodSpec,
  resource: string,
  bound: Bound,
  defaults: ContainerDefaults,
): readonly V1Container[] {
  if (podLevelResource(spec, resource)[bound] !== undefined) return [];
  return runningContainers(spec).filter(
    (container) => effectiveResource(container, resource, defaults)[bound] === undefined,
  );
}

/**
 * What a Pod asks the scheduler for (AGENTS.md, scheduling): the pod-level request if set, else the
 * larger of the running containers' effective requests summed and each init container's; in base
 * units (cores, bytes), a missing request counting 0.
 */
export function podRequest(spec: V1PodSpec, resource: string, defaults: ContainerDefaults): number {
  const amount = (quantity: string | undefined) =>
    quantity === undefined ? 0 : (parseQuantity(quantity) ?? 0);
  const podLevel = podLevelResource(spec, resource).request;
  if (podLevel !== undefined) return amount(podLevel);
  const request = (container: V1Container) =>
    amount(effectiveResource(container, resource, defaults).request);
  const running = runningContainers(spec).reduce((sum, container) => sum + request(container), 0);
  return Math.max(running, ...(spec.initContainers ?? []).map(request));
}
