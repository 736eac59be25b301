import { ApiError, type KubeClient } from '@guardian/kube/client';
import type { ObjectMeta, Resource } from '@guardian/kube/resources';
import { parseDuration, parseWorkload, REASONS, type Step } from '@guardian/platform/workflows';
import { type StepStatus, timestamp } from './workflowrun.run.ts';
import type { StepExecutor, StepOutcome } from './workflowrun.steps.ts';

type Meta = ObjectMeta;

export interface PodLike {
  metadata?: Meta;
  status?: {
    conditions?: Array<{ type?: string; status?: string }>;
    containerStatuses?: Array<{ restartCount?: number }>;
    initContainerStatuses?: Array<{ restartCount?: number }>;
  };
}

export interface EventLike {
  metadata?: Meta;
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  series?: { count?: number } | null;
  involvedObject?: { kind?: string; name?: string };
}

/** What one look at the environment saw: its pods, ReplicaSets (to find a Deployment's pods) and Events. */
export interface Observed {
  pods: PodLike[];
  replicaSets: Array<{ metadata?: Meta }>;
  events: EventLike[];
}

export type Baseline = NonNullable<StepStatus['monitor']>;
type Target = { kind: string; name: string } | undefined;

/** At most this many pods and Events are remembered; past it a baseline keeps the first (by name, uid). */
export const BASELINE_LIMIT = 200;
/** How often a monitor looks again during its window. */
export const MONITOR_INTERVAL_MS = 5_000;

const WORKLOAD_KINDS = new Set(['Pod', 'ReplicaSet', 'Deployment', 'StatefulSet', 'DaemonSet']);

const controllerOf = (meta: Meta | undefined) => meta?.ownerReferences?.find((ref) => ref.controller);
const restartsOf = (pod: PodLike) =>
  [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].reduce(
    (sum, container) => sum + (container.restartCount ?? 0),
    0,
  );
const readyOf = (pod: PodLike) =>
  pod.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ??
  false;
const countOf = (event: EventLike) => event.series?.count ?? event.count ?? 1;

/**
 * The pods a monitor watches and the objects whose Events count: the target workload, its
 * ReplicaSets (for a Deployment) and their pods; without a target, every pod and workload.
 */
export function watched(
  observed: Observed,
  target: Target,
): { pods: PodLike[]; about: (e: EventLike) => boolean } {
  if (!target) {
    return {
      pods: observed.pods,
      about: (event) => WORKLOAD_KINDS.has(event.involvedObject?.kind ?? ''),
    };
  }
  const owners = new Set([`${target.kind}/${target.name}`]);
  if (target.kind === 'Deployment') {
    for (const rs of observed.replicaSets) {
      const owner = controllerOf(rs.metadata);
      if (owner?.kind === 'Deployment' && owner.name === target.name)
        owners.add(`ReplicaSet/${rs.metadata?.name}`);
    }
  }
  const pods = observed.pods.filter((pod) => {
    const owner = controllerOf(pod.metadata);
    return owner !== undefined && owners.has(`${owner.kind}/${owner.name}`);
  });
  const objects = new Set([...owners, ...pods.map((pod) => `Pod/${pod.metadata?.name}`)]);
  return {
    pods,
    about: (event) => objects.has(`${event.involvedObject?.kind}/${event.involvedObject?.name}`),
  };
}

const byNameThenUid = (a: { name: string; uid: string }, b: { name: string; uid: string }) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0;

/** What the monitor saw at its start: each watched pod's restarts and readiness, and the Warning Events. */
export function baselineOf(observed: Observed, target: Target, window: string, endsAt: string): Baseline {
  const { pods, about } = watched(observed, target);
  return {
    window,
    endsAt,
    target: target ? `${target.kind}/${target.name}` : 'every workload',
    pods: pods
      .map((pod) => ({
        uid: pod.metadata?.uid ?? '',
        name: pod.metadata?.name ?? '',
        restarts: restartsOf(pod),
        ready: readyOf(pod),
      }))
      .sort(byNameThenUid)
      .slice(0, BASELINE_LIMIT),
    warningEvents: observed.events
      .filter((event) => event.type === 'Warning' && about(event))
      .map((event) => ({ uid: event.metadata?.uid ?? '', count: countOf(event) }))
      .sort((a, b) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0))
      .slice(0, BASELINE_LIMIT),
  };
}

/**
 * What went wrong since `baseline`: a watched pod whose restarts rose, one that was Ready and is no
 * longer, and a Warning Event about the watched objects that is new or occurred again. A pod that
 * went away (a rollout, a scale-down) is not a regression.
 */
export function regressions(baseline: Baseline, observed: Observed, target: Target): string[] {
  const before = new Map((baseline.pods ?? []).map((pod) => [pod.uid, pod]));
  const seen = new Map((baseline.warningEvents ?? []).map((event) => [event.uid, event.count]));
  const { pods, about } = watched(observed, target);
  const found: string[] = [];
  for (const pod of pods) {
    const was = before.get(pod.metadata?.uid ?? '');
    if (!was) continue;
    const restarts = restartsOf(pod);
    if (restarts > was.restarts) found.push(`Pod ${was.name} restarted (${was.restarts} -> ${restarts})`);
    if (was.ready && !readyOf(pod)) found.push(`Pod ${was.name} turned unready`);
  }
  for (const event of observed.events) {
    if (event.type !== 'Warning' || !about(event)) continue;
    const earlier = seen.get(event.metadata?.uid ?? '');
    if (earlier !== undefined && countOf(event) <= earlier) continue;
    const subject = `${event.involvedObject?.kind}/${event.involvedObject?.name}`;
    found.push(`Warning ${event.reason ?? 'Event'} on ${subject}: ${event.message ?? ''}`.slice(0, 512));
  }
  return found;
}

const RESOURCES: Record<'pods' | 'replicaSets' | 'events', Resource> = {
  pods: { apiVersion: 'v1', kind: 'Pod', plural: 'pods', namespaced: true },
  replicaSets: { apiVersion: 'apps/v1', kind: 'ReplicaSet', plural: 'replicasets', namespaced: true },
  events: { apiVersion: 'v1', kind: 'Event', plural: 'events', namespaced: true },
};

/** One look at the environment as the organization's agent; undefined when it may not read it. */
async function observe(agent: KubeClient, namespace: string): Promise<Observed | undefined> {
  try {
    const [pods, replicaSets, events] = await Promise.all([
      agent.list<PodLike>(RESOURCES.pods, { namespace }),
      agent.list(RESOURCES.replicaSets, { namespace }),
      agent.list<EventLike>(RESOURCES.events, { namespace }),
    ]);
    return { pods: pods.items, replicaSets: replicaSets.items, events: events.items };
  } catch (error) {
    if (error instanceof ApiError && (error.status === 403 || error.status === 404)) return undefined;
    throw new Error(`Could not read ${namespace} as the organization's agent`, { cause: error });
  }
}

/**
 * Watches a workload (parameter `workload`) or every workload of the environment for the window
 * (parameter `window`), level-based: the baseline is recorded in status when it starts, and each
 * requeue compares the environment with it, until a regression fails the step or the window ends.
 */
export const monitorStep: StepExecutor<Extract<Step, { type: 'monitor' }>> = async (
  run,
  step,
  deps,
): Promise<StepOutcome> => {
  if (run.run.spec.cancelRequested) {
    return { phase: 'Cancelled', reason: REASONS.cancelled, message: 'Cancelled during its window' };
  }
  const window = run.parameters.window ?? '30s';
  const windowMs = parseDuration(window) ?? 30_000;
  const target = run.parameters.workload ? parseWorkload(run.parameters.workload) : undefined;
  const observed = await observe(deps.agentOf(run.orgId), run.namespace);
  if (!observed) {
    return {
      phase: 'Failed',
      reason: REASONS.environmentUnreadable,
      message: `${run.namespace} could not be read as the organization's agent (deleted, or being deleted)`,
    };
  }
  const watching = (baseline: Baseline) =>
    `Watching ${baseline.target} (${baseline.pods?.length ?? 0} pods) for ${baseline.window}`;
  const baseline = step.status.monitor;
  if (!baseline) {
    const monitor = baselineOf(observed, target, window, timestamp(run.now + windowMs));
    return {
      phase: 'Running',
      message: watching(monitor),
      monitor,
      requeueAfterMs: Math.min(windowMs, MONITOR_INTERVAL_MS),
    };
  }
  const found = regressions(baseline, observed, target);
  if (found.length > 0) {
    const more = found.length > 1 ? ` (and ${found.length - 1} more)` : '';
    return {
      phase: 'Failed',
      reason: REASONS.regression,
      message: `${found[0]}${more}`.slice(0, 1024),
      result: { regressions: found.slice(0, 20) },
    };
  }
  const endsAt = Date.parse(baseline.endsAt);
  if (run.now >= endsAt) {
    return {
      phase: 'Succeeded',
      message: `No regression of ${baseline.target} (${baseline.pods?.length ?? 0} pods) in ${baseline.window}`,
      result: { regressions: [] },
    };
  }
  return {
    phase: 'Running',
    message: watching(baseline),
    requeueAfterMs: Math.min(MONITOR_INTERVAL_MS, endsAt - run.now),
  };
};
