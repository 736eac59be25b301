import type { Organization, OrganizationStatus } from '@guardian/crds/generated';
import { type DesiredCondition, setConditions } from '../runtime/conditions.ts';
import { controlNamespace, environmentsOf, workloadNamespace } from '../tenancy/names.ts';
import type { DatabaseOutcome } from './organization.database.ts';
import type { DomainClaim } from './organization.domains.ts';
import type { StorageOutcome } from './organization.storage.ts';

/** What one reconcile found; the status is computed from it alone. */
export interface Observed {
  planFound: boolean;
  conflicts: string[];
  /** Workload namespaces of removed environments kept because they hold more than Guardian's objects. */
  retained: Array<{ namespace: string; reason: string }>;
  /** The tenant database, once the namespaces are in place. */
  database?: DatabaseOutcome;
  /** The object storage, once the namespaces are in place. */
  storage?: StorageOutcome;
  /** Domains an older organization claims too. */
  domainConflicts: DomainClaim[];
  /** When a deletion requested through the API takes effect (spec.deletion plus the grace period). */
  deletionScheduledAt?: Date;
}

const condition = (type: string, ok: boolean, reason: string, message: string): DesiredCondition => ({
  type,
  status: ok ? 'True' : 'False',
  reason,
  message,
});

/** The condition the backup controller writes (with status.backup), under its own field manager. */
export const BACKUP_CONDITION = 'BackupSucceeded';

/**
 * The part of the status this reconciler owns: all but the backup controller's fields, which it
 * never applies, so the two writers' server-side applies leave each other's fields alone.
 */
export function organizationOwnedStatus(
  status: OrganizationStatus | undefined,
): OrganizationStatus | undefined {
  if (!status) return status;
  const owned: OrganizationStatus = { ...status };
  delete owned.backup;
  if (status.conditions) owned.conditions = status.conditions.filter((c) => c.type !== BACKUP_CONDITION);
  return owned;
}

export function desiredOrganizationStatus(
  org: Organization,
  observed: Observed,
  now: Date,
): OrganizationStatus {
  const name = org.metadata?.name ?? '';
  const generation = org.metadata?.generation;
  const namespacesReady = observed.conflicts.length === 0;
  const conditions = [
    namespacesReady
      ? condition(
          'NamespacesReady',
          true,
          'Created',
          `Control namespace ${controlNamespace(name)} and ${environmentsOf(org).length} workload namespaces exist`,
        )
      : condition(
          'NamespacesReady',
          false,
          'NamespaceConflict',
          `Namespace ${observed.conflicts.join(', ')} already exists and does not belong to this organization; Guardian never adopts it`,
        ),
    !observed.planFound
      ? condition('QuotaApplied', false, 'PlanNotFound', `QuotaPolicy ${org.spec.plan} does not exist`)
      : namespacesReady
        ? condition(
            'QuotaApplied',
            true,
            'Applied',
            `Plan ${org.spec.plan} applied to every workload namespace`,
          )
        : condition('QuotaApplied', false, 'NamespacesNotReady', 'Waiting for the namespaces'),
    namespacesReady
      ? condition('RBACReady', true, 'Bound', 'Roles of people and of the agent are bound')
      : condition('RBACReady', false, 'NamespacesNotReady', 'Waiting for the namespaces'),
    observed.retained.length === 0
      ? condition('EnvironmentsPruned', true, 'Pruned', 'No namespace of a removed environment remains')
      : condition(
          'EnvironmentsPruned',
          false,
          'NamespaceNotEmpty',
          observed.retained.map((r) => `${r.namespace} kept: ${r.reason}`).join('; '),
        ),
    observed.database
      ? condition(
          'DatabaseReady',
          observed.database.ready,
          observed.database.reason,
          observed.database.message,
        )
      : condition('DatabaseReady', false, 'NamespacesNotReady', 'Waiting for the namespaces'),
    observed.storage
      ? condition('StorageReady', observed.storage.ready, observed.storage.reason, observed.storage.message)
      : condition('StorageReady', false, 'NamespacesNotReady', 'Waiting for the namespaces'),
    observed.domainConflicts.length === 0
      ? condition('DomainConflict', false, 'DomainsUnique', 'No older organization claims these domains')
      : condition(
          'DomainConflict',
          true,
          'DomainClaimed',
          observed.domainConflicts
            .map((c) => `${c.domain} is claimed by older organization ${c.heldBy}`)
            .join('; '),
        ),
    org.spec.suspended
      ? condition('Suspended', true, 'Suspended', 'Logins, API calls and workflows are refused')
      : condition('Suspended', false, 'Active', 'The organization is active'),
    observed.deletionScheduledAt
      ? condition(
          'DeletionPending',
          true,
          'DeletionRequested',
          `The organization is read-only and will be deleted at ${observed.deletionScheduledAt.toISOString()} unless it is restored`,
        )
      : condition('DeletionPending', false, 'NotRequested', 'No deletion is pending'),
  ];
  const failing = conditions.filter(
    (c) =>
      !['Suspended', 'EnvironmentsPruned', 'DomainConflict', 'DeletionPending'].includes(c.type) &&
      c.status !== 'True',
  );
  const first = failing[0];
  const ready = first
    ? { type: 'Ready', status: 'False' as const, reason: first.reason, message: first.message }
    : condition('Ready', true, 'Ready', 'The tenant is provisioned');
  const { deletionScheduledAt: _previous, ...current } = organizationOwnedStatus(org.status) ?? {};
  return {
    ...current,
    ...(observed.deletionScheduledAt
      ? { deletionScheduledAt: observed.deletionScheduledAt.toISOString() }
      : {}),
    observedGeneration: generation,
    namespace: controlNamespace(name),
    environments: environmentsOf(org).map((environment) => ({
      name: environment,
      namespace: workloadNamespace(name, environment),
    })),
    ...(observed.database?.server
      ? { database: { server: observed.database.server, name: observed.database.name } }
      : {}),
    conditions: setConditions(current.conditions, [...conditions, ready], now),
  };
}
