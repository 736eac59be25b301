import type { Organization, QuotaPolicy, Team } from '@guardian/crds/generated';
import { KINDS } from '@guardian/crds/kinds';
import type { KubeClient } from '@guardian/kube/client';
import type { Clock } from '@guardian/kube/clock';
import { core, type KubeObject, keyOf, MANAGED_BY } from '@guardian/kube/resources';
import type { TenantProvisioner } from '@guardian/platform/tenant-db';
import type { OperatorAudit } from '../audit/trail.ts';
import { ChildWriter } from '../runtime/children.ts';
import type { EventRecorder } from '../runtime/events.ts';
import { type Manager, watch } from '../runtime/manager.ts';
import { controlNamespace, LABEL_ORGANIZATION, LABEL_TEAM, OPERATOR } from '../tenancy/names.ts';
import { sharingDomains } from './organization.domains.ts';
import type { Namespace } from './organization.namespaces.ts';
import { organizationReconciler } from './organization.ts';
import { quotaPolicyReconciler } from './quotapolicy.ts';
import { teamReconciler } from './team.ts';
import { VerifiedDatabases } from './verified-databases.ts';

export interface ControllerSettings {
  /** Each organization's audit chain, where the operator records what it changed. */
  audit: OperatorAudit;
  subjectPrefix: string;
  platformNamespace: string;
  platformServiceAccount: string;
  operatorNamespace: string;
  /** The operator's own ServiceAccount (in operatorNamespace), bound to impersonate tenants' agents. */
  operatorServiceAccount: string;
  provisioner: TenantProvisioner;
  workers: number;
  /** How long after spec.deletion.requestedAt an organization is deleted. */
  deletionGraceMs: number;
  /**
   * A label selector of the Organizations to reconcile (empty: all). Their Teams and children
   * follow; the plans whose status (the organization count) this operator writes match it too.
   */
  organizationSelector: string;
  /** How long a tenant database found in order is trusted before it is checked again. */
  databaseCheckMs: number;
}

/** Every controller of the operator, wired to shared informers. */
export function registerControllers(
  manager: Manager,
  client: KubeClient,
  clock: Clock,
  events: EventRecorder,
  settings: ControllerSettings,
): void {
  const managed = { labelSelector: `${MANAGED_BY}=${OPERATOR}` };
  const selected = settings.organizationSelector.trim()
    ? { labelSelector: settings.organizationSelector.trim() }
    : {};
  const plans = manager.informer<QuotaPolicy>(KINDS.quotaPolicy);
  // Only the selected organizations are cached: whatever is not in this cache is another install's.
  const organizations = manager.informer<Organization>(KINDS.organization, selected);
  // The plans whose organizations this operator counts: with a selector, the organizations of
  // another install are not counted, so writing a shared plan's count would fight that install's.
  const countedPlans = selected.labelSelector
    ? manager.informer<QuotaPolicy>(KINDS.quotaPolicy, selected)
    : plans;
  const teams = manager.informer<Team>(KINDS.team);
  const namespaces = manager.informer<Namespace>(core.namespace, managed);
  const serviceAccounts = manager.informer<KubeObject>(core.serviceAccount, managed);
  const roleBindings = manager.informer<KubeObject>(core.roleBinding, managed);
  const resourceQuotas = manager.informer<KubeObject>(core.resourceQuota, managed);
  const limitRanges = manager.informer<KubeObject>(core.limitRange, managed);
  const networkPolicies = manager.informer<KubeObject>(core.networkPolicy, managed);
  const secrets = manager.informer<KubeObject>(core.secret, managed);
  const roles = manager.informer<KubeObject>(core.role, managed);
  const children = new ChildWriter(client);

  manager.register({
    reconciler: quotaPolicyReconciler({ client, clock, plans: countedPlans, organizations }),
    primary: countedPlans,
    // An organization joining or leaving a plan changes that plan's count; the queue de-duplicates.
    watches: [watch(organizations, () => countedPlans.list().map(keyOf))],
  });

  manager.register({
    reconciler: organizationReconciler({
      client,
      clock,
      children,
      events,
      subjectPrefix: settings.subjectPrefix,
      audit: settings.audit,
      deletionGraceMs: settings.deletionGraceMs,
      platformNamespace: settings.platformNamespace,
      platformServiceAccount: settings.platformServiceAccount,
      operatorServiceAccount: {
        namespace: settings.operatorNamespace,
        serviceAccount: settings.operatorServiceAccount,
      },
      database: {
        client,
        audit: settings.audit,
        children,
        provisioner: settings.provisioner,
        secrets,
        operatorNamespace: settings.operatorNamespace,
        verified: new VerifiedDatabases(settings.databaseCheckMs, clock),
      },
      step: (name, work) => manager.metrics.timeStep('organization', name, work),
      informers: {
        organizations,
        plans,
        namespaces,
        serviceAccounts,
        roleBindings,
        resourceQuotas,
        limitRanges,
        networkPolicies,
        roles,
      },
    }),
    primary: organizations,
    concurrency: settings.workers,
    owns: [
      namespaces,
      serviceAccounts,
      roleBindings,
      resourceQuotas,
      limitRanges,
      networkPolicies,
      secrets,
      roles,
    ],
    // A plan's change (or its creation, for an organization waiting on PlanNotFound) re-applies quotas.
    watches: [
      // A domain claimed or released decides which of its claimants holds it.
      watch(organizations, (org) => sharingDomains(org, organizations.list()).map(keyOf)),
      watch(plans, (plan) =>
        organizations
          .list()
          .filter((org) => org.spec.plan === plan.metadata?.name)
          .map(keyOf),
      ),
    ],
  });

  manager.register({
    reconciler: teamReconciler({
      client,
      clock,
      children,
      subjectPrefix: settings.subjectPrefix,
      // With a selector, an organization missing from the cache may be another install's.
      allOrganizations: !selected.labelSelector,
      informers: { teams, organizations, roleBindings },
    }),
    primary: teams,
    owns: [roleBindings],
    watches: [
      // Bindings in workload namespaces are owned by the Organization but belong to a team.
      watch(roleBindings, (binding) => {
        const team = binding.metadata?.labels?.[LABEL_TEAM];
        const org = binding.metadata?.labels?.[LABEL_ORGANIZATION];
        return team && org ? [`${controlNamespace(org)}/${team}`] : [];
      }),
      // An organization's environments decide where its teams' bindings go.
      watch(organizations, (org) =>
        teams
          .list()
          .filter((t) => t.metadata?.namespace === controlNamespace(org.metadata?.name ?? ''))
          .map(keyOf),
      ),
    ],
  });
}
