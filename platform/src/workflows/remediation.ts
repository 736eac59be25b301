// What a remediate step changes (DESIGN.md, "Workflows and approvals"): the fields its findings ask
// for, on the pod template of the workload they name, as one server-side apply under a field
// manager of the step's own. Pure: the operator applies these, the platform reverts them.

import { parseQuantity } from '../agents/semantics/quantity.ts';
import { containerDefaults } from '../agents/semantics/resources.ts';
import type { Finding } from '../agents/types.ts';

/** What a remediate step may fix; a template names the ones it does. */
export const REMEDIATIONS = ['resources', 'securityContext'] as const;
export type Remediation = (typeof REMEDIATIONS)[number];

/** Checks whose findings ask for requests and limits on the containers they name. */
const RESOURCE_CHECKS = new Set([
  'cost-estimator/unpriced-workload',
  'resource-limits/cpu-request-missing',
  'resource-limits/memory-request-missing',
  'resource-limits/cpu-limit-missing',
  'resource-limits/memory-limit-missing',
]);

/** Checks whose findings ask for one securityContext field on the containers they name. */
const SECURITY_CHECKS: Record<string, { field: SecurityField; value: boolean }> = {
  'run-as-non-root/root-allowed': { field: 'runAsNonRoot', value: true },
  'privileged-containers/allow-privilege-escalation': { field: 'allowPrivilegeEscalation', value: false },
  'immutable-filesystem/writable-root-filesystem': { field: 'readOnlyRootFilesystem', value: true },
};
type SecurityField = 'runAsNonRoot' | 'allowPrivilegeEscalation' | 'readOnlyRootFilesystem';

/** The checks a remediation acts on: what the catalog documents of it. */
export const REMEDIATED_CHECKS: Record<Remediation, readonly string[]> = {
  resources: [...RESOURCE_CHECKS],
  securityContext: Object.keys(SECURITY_CHECKS),
};

/** The kinds whose pod template a remediation patches, and where that template is. */
const POD_TEMPLATES: Record<string, { apiVersion: string; plural: string; template: readonly string[] }> = {
  Deployment: { apiVersion: 'apps/v1', plural: 'deployments', template: ['spec', 'template'] },
  StatefulSet: { apiVersion: 'apps/v1', plural: 'statefulsets', template: ['spec', 'template'] },
  DaemonSet: { apiVersion: 'apps/v1', plural: 'daemonsets', template: ['spec', 'template'] },
  CronJob: {
    apiVersion: 'batch/v1',
    plural: 'cronjobs',
    template: ['spec', 'jobTemplate', 'spec', 'template'],
  },
};

/** Why an object a finding names is not patched (recorded, never a failure of the run). */
const UNPATCHABLE: Record<string, string> = {
  Pod: "a bare Pod's containers are immutable: run it under a Deployment to have it remediated",
  Job: "a Job's pod template is immutable: fix the manifest that creates it",
};

export function podTemplateKind(kind: string) {
  const found = POD_TEMPLATES[kind];
  return found ? { kind, namespaced: true as const, ...found } : undefined;
}

export function unpatchableReason(kind: string): string | undefined {
  if (POD_TEMPLATES[kind]) return undefined;
  return UNPATCHABLE[kind] ?? `the remediator patches only ${Object.keys(POD_TEMPLATES).join(', ')}`;
}

/** The values a container lacking requests or limits gets when the namespace's LimitRange has none. */
export interface ResourceDefaults {
  cpuRequest: string;
  memoryRequest: string;
  cpuLimit: string;
  memoryLimit: string;
}

type ContainerList = 'containers' | 'initContainers';

/** One field of one container: its path below the container, the value before, the value applied. */
export interface FieldChange {
  list: ContainerList;
  container: string;
  field: readonly string[];
  /** null: the field was absent. */
  before: string | boolean | null;
  after: string | boolean;
}

/** The object a remediation patches, as read: kind, name, and its stored fields. */
export interface Workload {
  apiVersion?: string;
  kind: string;
  metadata?: { name?: string; namespace?: string; uid?: string };
  spec?: unknown;
}

interface Container {
  name: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
}

/** Where a change is, as people read it: `spec.template.spec.containers[app].resources.requests.cpu`. */
export function fieldPath(kind: string, change: Pick<FieldChange, 'list' | 'container' | 'field'>): string {
  const template = POD_TEMPLATES[kind]?.template ?? ['spec', 'template'];
  return [...template, 'spec', `${change.list}[${change.container}]`, ...change.field].join('.');
}

function at(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function containersOf(workload: Workload, list: ContainerList): Container[] {
  const template = POD_TEMPLATES[workload.kind]?.template ?? [];
  const found = at(workload, [...template, 'spec', list]);
  return Array.isArray(found) ? (found as Container[]) : [];
}

function findContainer(
  workload: Workload,
  name: string,
): { list: ContainerList; container: Container } | undefined {
  for (const list of ['containers', 'initContainers'] as const) {
    const container = containersOf(workload, list).find((c) => c.name === name);
    if (container) return { list, container };
  }
  return undefined;
}

/** The value of `change`'s field in `workload` now (null when absent). */
export function currentValue(workload: Workload, change: Pick<FieldChange, 'container' | 'field'>) {
  const found = findContainer(workload, change.container);
  const value = found ? at(found.container, change.field) : undefined;
  return value === undefined ? null : (value as string | boolean);
}

const containersNamed = (finding: Finding): string[] => {
  const containers = finding.evidence.containers;
  return Array.isArray(containers) ? containers.filter((c): c is string => typeof c === 'string') : [];
};

const larger = (a: string, b: string) => ((parseQuantity(a) ?? 0) >= (parseQuantity(b) ?? 0) ? a : b);

/** The requests and limits a container lacks, as the LimitRange (else `fallback`) would give them. */
function resourceChanges(
  list: ContainerList,
  container: Container,
  limitRanges: readonly unknown[],
  fallback: ResourceDefaults,
): FieldChange[] {
  const defaults = containerDefaults(limitRanges as never);
  const changes: FieldChange[] = [];
  for (const resource of ['cpu', 'memory'] as const) {
    const { requests, limits } = container.resources ?? {};
    // The API defaults a missing request to the limit; the LimitRanger's values come next.
    const request =
      requests?.[resource] ??
      limits?.[resource] ??
      defaults.request[resource] ??
      fallback[`${resource}Request`];
    const limit =
      limits?.[resource] ?? larger(defaults.limit[resource] ?? fallback[`${resource}Limit`], request);
    if (requests?.[resource] === undefined)
      changes.push({
        list,
        container: container.name,
        field: ['resources', 'requests', resource],
        before: null,
        after: request,
      });
    if (limits?.[resource] === undefined)
      changes.push({
        list,
        container: container.name,
        field: ['resources', 'limits', resource],
        before: null,
        after: limit,
      });
  }
  return changes;
}

/**
 * The changes `findings` ask of `workload` for the remediations a step makes, against the object as
 * it is now: fields already as wanted are left out, so an object with nothing left is unchanged.
 */
export function plannedChanges(
  workload: Workload,
  findings: readonly Finding[],
  remediations: readonly Remediation[],
  context: { limitRanges: readonly unknown[]; resources: ResourceDefaults },
): FieldChange[] {
  const changes = new Map<string, FieldChange>();
  const add = (change: FieldChange) => {
    if (change.before === change.after) return;
    changes.set(`${change.container}/${change.field.join('.')}`, change);
  };
  for (const finding of findings) {
    for (const name of containersNamed(finding)) {
      const found = findContainer(workload, name);
      if (!found) continue;
      if (remediations.includes('resources') && RESOURCE_CHECKS.has(finding.check))
        for (const change of resourceChanges(
          found.list,
          found.container,
          context.limitRanges,
          context.resources,
        ))
          add(change);
      const security = SECURITY_CHECKS[finding.check];
      if (remediations.includes('securityContext') && security) {
        const field = ['securityContext', security.field];
        const before = at(found.container, field);
        add({
          list: found.list,
          container: name,
          field,
          before: before === undefined ? null : (before as boolean),
          after: security.value,
        });
      }
    }
  }
  return [...changes.values()];
}

/** Whether `check` asks for something one of `remediations` fixes. */
export function remediates(check: string, remediations: readonly Remediation[]): boolean {
  return (
    (remediations.includes('resources') && RESOURCE_CHECKS.has(check)) ||
    (remediations.includes('securityContext') && check in SECURITY_CHECKS)
  );
}

function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let current = target;
  for (const key of path.slice(0, -1)) {
    current[key] ??= {};
    current = current[key] as Record<string, unknown>;
  }
  current[path.at(-1) ?? ''] = value;
}

/**
 * The server-side apply configuration that sets `values` (the changes' `pick`ed values; a null one
 * is left out, so applying it under the same field manager removes that field): only the fields
 * named, in the workload's pod template, its containers by name.
 */
export function applyConfiguration(
  workload: Workload,
  changes: readonly FieldChange[],
  pick: 'after' | 'before',
): Workload {
  const kind = POD_TEMPLATES[workload.kind];
  if (!kind) throw new Error(`${workload.kind} has no pod template to patch`);
  const lists: Record<ContainerList, Map<string, Record<string, unknown>>> = {
    containers: new Map(),
    initContainers: new Map(),
  };
  for (const change of changes) {
    const value = change[pick];
    if (value === null) continue;
    const container = lists[change.list].get(change.container) ?? { name: change.container };
    setAt(container, change.field, value);
    lists[change.list].set(change.container, container);
  }
  const object: Record<string, unknown> = {
    apiVersion: kind.apiVersion,
    kind: workload.kind,
    metadata: { name: workload.metadata?.name, namespace: workload.metadata?.namespace },
  };
  const podSpec: Record<string, unknown> = {};
  for (const list of ['containers', 'initContainers'] as const)
    if (lists[list].size > 0) podSpec[list] = [...lists[list].values()];
  if (Object.keys(podSpec).length > 0) setAt(object, [...kind.template, 'spec'], podSpec);
  return object as unknown as Workload;
}

/**
 * The changes someone else made since a remediation applied them: fields whose value is no longer
 * the one applied (a controller's resourceVersion or annotation bump changes none of them).
 */
export function changedSince(workload: Workload, changes: readonly FieldChange[]): string[] {
  return changes
    .filter((change) => currentValue(workload, change) !== change.after)
    .map((change) => {
      const now = currentValue(workload, change);
      return `${fieldPath(workload.kind, change)} is ${now === null ? 'absent' : String(now)}, the remediation set ${String(change.after)}`;
    });
}

/** The field manager of one remediate step's applies, which its revert applies under again. */
export function remediationFieldManager(stepKey: string): string {
  return `guardian-remediate/${stepKey}`.slice(0, 128);
}
