import type { Organization, QuotaPolicy } from '@guardian/crds/generated';
import { KINDS } from '@guardian/crds/kinds';
import { isConflict, type KubeClient } from '@guardian/kube/client';
import type { Clock } from '@guardian/kube/clock';
import type { Informer } from '@guardian/kube/informer';
import { core, type KubeObject, keyOf } from '@guardian/kube/resources';
import type { OperatorAudit } from '../audit/trail.ts';
import type { ChildWriter } from '../runtime/children.ts';
import { findCondition } from '../runtime/conditions.ts';
import type { Reconciler } from '../runtime/controller.ts';
import type { EventRecorder } from '../runtime/events.ts';
import { failpoint } from '../runtime/failpoint.ts';
import { writeStatus } from '../runtime/status.ts';
import {
  environmentsOf,
  LABEL_ENVIRONMENT,
  LABEL_ORGANIZATION,
  workloadNamespace,
} from '../tenancy/names.ts';
import { leftovers } from './namespace-contents.ts';
import { statusTransitions } from './organization.audit.ts';
import { type DatabaseDeps, finalizeDatabase, syncDatabase } from './organization.database.ts';
import { pendingDeletion } from './organization.deletion.ts';
import { domainConflicts } from './organization.domains.ts';
import {
  conflicts,
  desiredControlNamespace,
  desiredWorkloadNamespaces,
  type Namespace,
} from './organization.namespaces.ts';
import { desiredNetworkPolicy } from './organization.network.ts';
import { desiredLimitRange, desiredResourceQuota } from './organization.quota.ts';
import {
  desiredImpersonation,
  desiredPeopleBindings,
  desiredPlatformSecretAccess,
  desiredServiceAccounts,
  desiredWorkloadBindings,
  type ServiceAccountRef,
} from './organization.rbac.ts';
import { desiredOrganizationStatus, type Observed, organizationOwnedStatus } from './organization.status.ts';
import { finalizeStorage, type StorageDeps, syncStorage } from './organization.storage.ts';

export interface OrganizationDeps {
  client: KubeClient;
  clock: Clock;
  children: ChildWriter;
  events: EventRecorder;
  /** Each organization's audit chain: what the operator changed, once per change. */
  audit: OperatorAudit;
  /** Prefix of people in RBAC subjects, matching the apiserver's OIDC authenticator. */
  subjectPrefix: string;
  /** Guardian's own namespace, allowed through the tenants' NetworkPolicies. */
  platformNamespace: string;
  /** The platform's ServiceAccount there, which reads tenant database and SSO client secrets. */
  platformServiceAccount: string;
  /** The operator's own ServiceAccount: it acts as tenants' agents in workflow steps. */
  operatorServiceAccount: ServiceAccountRef;
  database: DatabaseDeps;
  /** How long after spec.deletion.requestedAt the operator deletes the Organization. */
  deletionGraceMs: number;
  storage: StorageDeps;
  /** Runs and times one named step of a reconcile (a histogram per step in /metrics). */
  step: <T>(name: string, work: () => Promise<T>) => Promise<T>;
  informers: {
    organizations: Informer<Organization>;
    plans: Informer<QuotaPolicy>;
    namespaces: Informer<Namespace>;
    serviceAccounts: Informer<KubeObject>;
    roleBindings: Informer<KubeObject>;
    resourceQuotas: Informer<KubeObject>;
    limitRanges: Informer<KubeObject>;
    networkPolicies: Informer<KubeObject>;
    roles: Informer<KubeObject>;
  };
}

/**
 * Reconciles an Organization into its namespaces, quotas, NetworkPolicies, RBAC and the agent's
 * identity. Level-based: every pass computes the whole desired state and writes only differences.
 */
export function organizationReconciler(deps: OrganizationDeps): Reconciler {
  const subscribed = new Set<string>();
  return {
    name: 'organization',
    async reconcile(key) {
      const org = deps.informers.organizations.get(key);
      if (!org) return undefined;
      // In-cluster children go by ownerReference; the database and storage, outside, by finalizers.
      if (org.metadata?.deletionTimestamp) {
        await Promise.all([finalizeDatabase(deps.database, org), finalizeStorage(deps.storage, org)]);
        return undefined;
      }
      const deletion = pendingDeletion(org, deps.deletionGraceMs, deps.clock.now());
      if (deletion.pending && deletion.due) {
        // Exactly the Organization whose deletion fell due: a restore (or any change) since this
        // copy was cached makes the apiserver refuse (409), and the next pass sees the restore.
        try {
          await deps.client.delete(KINDS.organization, key, undefined, 'Background', {
            uid: org.metadata?.uid,
            resourceVersion: org.metadata?.resourceVersion,
          });
        } catch (error) {
          if (isConflict(error)) return { requeueAfter: 1000 };
          throw error;
        }
        await deps.events.record(
          org,
          'Normal',
          'Deleted',
          'Deleted: its grace period after the deletion request ended',
        );
        await deps.audit.record(key, 'organization.deletion.started', key, {
          scheduledAt: deletion.scheduledAt.toISOString(),
        });
        return undefined;
      }
      const { step } = deps;
      const plan = deps.informers.plans.get(org.spec.plan);
      if (plan) await step('subscription', () => recordSubscription(deps, org, subscribed));
      const observed: Observed = {
        planFound: plan !== undefined,
        conflicts: [],
        retained: [],
        domainConflicts: domainConflicts(org, deps.informers.organizations.list()),
        ...(deletion.pending ? { deletionScheduledAt: deletion.scheduledAt } : {}),
      };

      observed.conflicts = await step('namespaces', () => syncNamespaces(deps, org));
      failpoint('organization-after-namespaces', key);
      if (observed.conflicts.length === 0) {
        // The database and storage need only the control namespace: provision them alongside the
        // rest. (Neither sync rejects; failures come back as an outcome.)
        const database = step('database', () => syncDatabase(deps.database, org));
        const storage = step('storage', () => syncStorage(deps.storage, org));
        try {
          await step('agent-identity', () => syncAgentIdentity(deps, org));
          await step('rbac', () => syncPeopleRbac(deps, org));
          failpoint('organization-after-rbac', key);
          if (plan) await step('quotas', () => syncQuotas(deps, org, plan));
          await step('network-policies', () => syncNetworkPolicies(deps, org));
          observed.retained = await step('environments', () => pruneEnvironments(deps, org));
        } finally {
          // Settled before the reconcile ends, thrown or not: the queue hands the key out again
          // only then, so one organization's database is never provisioned twice at once.
          observed.database = await database;
          observed.storage = await storage;
        }
      }
      failpoint('organization-after-apply-before-status', key);
      await step('status', () => syncStatus(deps, org, observed));
      const retry = observed.database?.retry ?? observed.storage?.retry;
      if (retry) throw retry;
      // A conflicting namespace is not ours to watch: look again later.
      if (observed.conflicts.length > 0 || observed.retained.length > 0) return { requeueAfter: 30_000 };
      return deletion.pending ? { requeueAfter: deletion.waitMs } : undefined;
    },
  };
}

/**
 * Records when the organization started paying for its plan (`subscription.started`, the SaaS
 * figures' start of its subscription history), once: keyed by its uid, and remembered for this
 * process so a resync costs nothing. Organizations created before the entry existed get it when the
 * operator first sees them, with their creation time.
 */
async function recordSubscription(deps: OrganizationDeps, org: Organization, recorded: Set<string>) {
  const uid = org.metadata?.uid ?? '';
  if (recorded.has(uid)) return;
  const name = org.metadata?.name ?? '';
  await deps.audit.record(
    name,
    'subscription.started',
    name,
    { plan: org.spec.plan, createdAt: org.metadata?.creationTimestamp },
    `${uid}/subscription.started`,
  );
  recorded.add(uid);
}

async function syncNamespaces(deps: OrganizationDeps, org: Organization): Promise<string[]> {
  const desired = [desiredControlNamespace(org), ...desiredWorkloadNamespaces(org)];
  // The informer sees only namespaces we manage; one it lacks may still exist without our labels.
  const existing = await Promise.all(
    desired.map(
      async (ns) =>
        deps.informers.namespaces.get(keyOf(ns)) ??
        (await deps.client.find<Namespace>(core.namespace, ns.metadata?.name ?? '')),
    ),
  );
  const found = conflicts(org, existing);
  if (found.length > 0) return found;
  await Promise.all(desired.map((ns) => deps.children.ensure(core.namespace, deps.informers.namespaces, ns)));
  const name = org.metadata?.name ?? '';
  for (const [i, ns] of desired.entries()) {
    if (existing[i] === undefined)
      await deps.audit.record(name, 'namespace.created', ns.metadata?.name ?? '');
  }
  return [];
}

/** The organization's agent and remediator ServiceAccounts (their rights are RoleBindings, `rbac`). */
async function syncAgentIdentity(deps: OrganizationDeps, org: Organization): Promise<void> {
  await Promise.all(
    desiredServiceAccounts(org).map((account) =>
      deps.children.ensure(core.serviceAccount, deps.informers.serviceAccounts, account),
    ),
  );
}

async function syncPeopleRbac(deps: OrganizationDeps, org: Organization): Promise<void> {
  const name = org.metadata?.name ?? '';
  const platform = desiredPlatformSecretAccess(org, {
    namespace: deps.platformNamespace,
    serviceAccount: deps.platformServiceAccount,
  });
  await deps.children.ensure(core.role, deps.informers.roles, platform.role);
  const desired = [
    ...desiredPeopleBindings(org, deps.subjectPrefix),
    ...environmentsOf(org).flatMap((env) =>
      desiredWorkloadBindings(org, workloadNamespace(name, env), deps.subjectPrefix),
    ),
    platform.binding,
    desiredImpersonation(org, [
      { namespace: deps.platformNamespace, serviceAccount: deps.platformServiceAccount },
      deps.operatorServiceAccount,
    ]),
  ];
  await Promise.all(
    desired.map((binding) => deps.children.ensure(core.roleBinding, deps.informers.roleBindings, binding)),
  );
  // Team bindings belong to the Team controller; everything else of this organization is ours.
  const ours = (o: KubeObject) => o.metadata?.labels?.[LABEL_ORGANIZATION] === name;
  await deps.children.prune(
    core.roleBinding,
    deps.informers.roleBindings,
    (b) => ours(b) && !b.metadata?.labels?.['guardian.aiops.dev/team'],
    desired.map(keyOf),
  );
  await deps.children.prune(core.role, deps.informers.roles, ours, [keyOf(platform.role)]);
}

async function syncQuotas(deps: OrganizationDeps, org: Organization, plan: QuotaPolicy): Promise<void> {
  const name = org.metadata?.name ?? '';
  const namespaces = environmentsOf(org).map((env) => workloadNamespace(name, env));
  const quotas = namespaces.map((ns) => desiredResourceQuota(org, plan, ns)).filter((q) => q !== undefined);
  const limits = namespaces.map((ns) => desiredLimitRange(org, plan, ns)).filter((l) => l !== undefined);
  await Promise.all([
    ...quotas.map((quota) => deps.children.ensure(core.resourceQuota, deps.informers.resourceQuotas, quota)),
    ...limits.map((limit) => deps.children.ensure(core.limitRange, deps.informers.limitRanges, limit)),
  ]);
  const ours = (o: KubeObject) => o.metadata?.labels?.[LABEL_ORGANIZATION] === name;
  await deps.children.prune(core.resourceQuota, deps.informers.resourceQuotas, ours, quotas.map(keyOf));
  await deps.children.prune(core.limitRange, deps.informers.limitRanges, ours, limits.map(keyOf));
}

async function syncNetworkPolicies(deps: OrganizationDeps, org: Organization): Promise<void> {
  const name = org.metadata?.name ?? '';
  await Promise.all(
    environmentsOf(org).map((env) =>
      deps.children.ensure(
        core.networkPolicy,
        deps.informers.networkPolicies,
        desiredNetworkPolicy(org, workloadNamespace(name, env), deps.platformNamespace),
      ),
    ),
  );
}

/**
 * Deletes the workload namespace of a removed environment, unless it holds more than Guardian's
 * own objects: then it stays, and the condition says what is in it.
 */
async function pruneEnvironments(deps: OrganizationDeps, org: Organization): Promise<Observed['retained']> {
  const name = org.metadata?.name ?? '';
  const wanted = new Set(environmentsOf(org));
  const removed = deps.informers.namespaces
    .list()
    .filter((ns) => ns.metadata?.labels?.[LABEL_ORGANIZATION] === name)
    .filter((ns) => {
      const env = ns.metadata?.labels?.[LABEL_ENVIRONMENT];
      return env !== undefined && !wanted.has(env) && !ns.metadata?.deletionTimestamp;
    });
  const retained: Observed['retained'] = [];
  for (const ns of removed) {
    const namespace = ns.metadata?.name ?? '';
    const found = await leftovers(deps.client, namespace);
    if (found.length > 0) retained.push({ namespace, reason: `it holds ${found.join(', ')}` });
    else {
      await deps.client.delete(core.namespace, namespace);
      await deps.events.record(org, 'Normal', 'EnvironmentRemoved', `Deleted namespace ${namespace}`);
      await deps.audit.record(name, 'namespace.deleted', namespace, {
        environment: ns.metadata?.labels?.[LABEL_ENVIRONMENT],
      });
    }
  }
  return retained;
}

async function syncStatus(deps: OrganizationDeps, org: Organization, observed: Observed): Promise<void> {
  const status = desiredOrganizationStatus(org, observed, new Date(deps.clock.now()));
  const owned = { ...org, status: organizationOwnedStatus(org.status) };
  const wrote = await writeStatus(deps.client, KINDS.organization, owned, status);
  if (!wrote) return;
  const name = org.metadata?.name ?? '';
  // Keyed by generation: a reconcile that started from a cached status older than the one just
  // written would compute the same transition again, and must not record it twice.
  const generation = `${org.metadata?.uid}/${org.metadata?.generation}`;
  for (const event of statusTransitions(name, org.status, status)) {
    const key = `${generation}/${event.action}/${JSON.stringify(event.detail)}`;
    await deps.audit.record(name, event.action, event.target, event.detail, key);
  }
  const before = findCondition(org.status?.conditions, 'Ready');
  const after = findCondition(status.conditions, 'Ready');
  if (after && (before?.status !== after.status || before.reason !== after.reason)) {
    const type = after.status === 'True' ? 'Normal' : 'Warning';
    await deps.events.record(org, type, after.reason, after.message);
  }
}
