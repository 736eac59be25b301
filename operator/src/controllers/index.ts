import type { Organization, QuotaPolicy, Team, WorkflowApproval } from '@guardian/crds/generated';
import { KINDS } from '@guardian/crds/kinds';
import type { KubeClient } from '@guardian/kube/client';
import type { Clock } from '@guardian/kube/clock';
import type { Informer } from '@guardian/kube/informer';
import { core, type KubeObject, keyOf, MANAGED_BY } from '@guardian/kube/resources';
import { type Agent, type AgentRunStore, agentUser } from '@guardian/platform/agents';
import { AuditLog } from '@guardian/platform/audit';
import { backupDatabase, pruneBackups } from '@guardian/platform/backup';
import type { Knex } from '@guardian/platform/db';
import { Metering } from '@guardian/platform/quota';
import type { StorageProvisioner } from '@guardian/platform/storage';
import type { TenantProvisioner } from '@guardian/platform/tenant-db';
import { webhookOutbox } from '@guardian/platform/webhooks';
import {
  isFinal,
  type RemediationStore,
  remediatorUser,
  type TemplateCatalog,
  type TemplateResource,
  WorkflowSlots,
} from '@guardian/platform/workflows';
import type { OperatorAudit } from '../audit/trail.ts';
import { ChildWriter } from '../runtime/children.ts';
import type { Controller } from '../runtime/controller.ts';
import type { EventRecorder } from '../runtime/events.ts';
import { type Manager, watch } from '../runtime/manager.ts';
import { controlNamespace, LABEL_ORGANIZATION, LABEL_TEAM, OPERATOR } from '../tenancy/names.ts';
import type { BackupDefaults } from './backup.plan.ts';
import { backupReconciler } from './backup.ts';
import { sharingDomains } from './organization.domains.ts';
import type { Namespace } from './organization.namespaces.ts';
import { organizationReconciler } from './organization.ts';
import { quotaPolicyReconciler } from './quotapolicy.ts';
import { teamReconciler } from './team.ts';
import { VerifiedDatabases } from './verified-databases.ts';
import type { Run } from './workflowrun.run.ts';
import { workflowRunReconciler } from './workflowrun.ts';
import { workflowTemplateReconciler } from './workflowtemplate.ts';

/** What the WorkflowRun controller needs beyond the cluster: the platform database and the agents' run path. */
export interface WorkflowSettings {
  /** The platform database as its app role: the usage ledger, the audit trail, the concurrency slots. */
  db: Knex;
  /** Signs the audit chain's head and checkpoints (derived from GUARDIAN_ENCRYPTION_KEY, as the platform does). */
  auditKey: Buffer;
  /** Agent runs of agents steps, in each organization's tenant database. */
  agentRuns: AgentRunStore;
  remediations: RemediationStore;
  templates: TemplateCatalog;
  /** The agents agents steps select from: the catalog, unless a test brings its own. */
  agents?: readonly Agent[];
}

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
  /** Each organization's object storage (a bucket and its account, or a folder), or none. */
  storage: StorageProvisioner;
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
  backup: {
    /** BACKUP_ENCRYPTION_KEY; without it no backup is taken. */
    key: Buffer | undefined;
    defaults: BackupDefaults;
    workers: number;
  };
  workflows: WorkflowSettings;
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
  const runs = manager.informer<Run>(KINDS.workflowRun);
  const templates = manager.informer<TemplateResource>(KINDS.workflowTemplate);
  const approvals = manager.informer<WorkflowApproval & KubeObject>(KINDS.workflowApproval);
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
      storage: {
        client,
        children,
        provisioner: settings.storage,
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

  // Backups run beside the organization reconciler, with their own queue and workers: a long
  // pg_dump never holds up an organization's other changes.
  manager.register({
    reconciler: backupReconciler({
      client,
      clock,
      events,
      organizations,
      secrets,
      storageConfigured: settings.storage.configured,
      key: settings.backup.key,
      defaults: settings.backup.defaults,
      backup: backupDatabase,
      prune: pruneBackups,
    }),
    primary: organizations,
    concurrency: settings.backup.workers,
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

  manager.register({
    reconciler: workflowTemplateReconciler({
      client,
      clock,
      builtIns: settings.workflows.templates,
      templates,
      organizations,
    }),
    primary: templates,
  });

  registerWorkflowRuns(manager, client, clock, events, settings, {
    runs,
    organizations,
    plans,
    teams,
    templates,
    approvals,
  });
}

function registerWorkflowRuns(
  manager: Manager,
  client: KubeClient,
  clock: Clock,
  events: EventRecorder,
  settings: ControllerSettings,
  informers: {
    runs: Informer<Run>;
    organizations: Informer<Organization>;
    plans: Informer<QuotaPolicy>;
    teams: Informer<Team>;
    templates: Informer<TemplateResource>;
    approvals: Informer<WorkflowApproval & KubeObject>;
  },
): void {
  const { db, auditKey, agentRuns, remediations, templates, agents } = settings.workflows;
  const { runs, organizations, plans } = informers;
  const audit = new AuditLog({ db, key: auditKey, clock });
  const metering = new Metering({
    db,
    audit,
    organizations: { get: (orgId) => organizations.get(orgId), plan: (org) => plans.get(org.spec.plan) },
    clock,
  });
  const log = manager.log.child({ controller: 'workflowrun' });
  /** The runs of an organization that have not ended: what its changes may move. */
  const unfinished = (orgId: string) =>
    runs
      .list()
      .filter((run) => run.metadata?.namespace === controlNamespace(orgId) && !isFinal(run.status?.phase))
      .map(keyOf);
  const outbox = webhookOutbox(db);
  let controller: Controller | undefined;
  controller = manager.register({
    reconciler: workflowRunReconciler({
      client,
      clock,
      log,
      events,
      templates,
      metering,
      audit,
      webhooks: outbox,
      slots: new WorkflowSlots(db),
      steps: {
        client,
        webhooks: outbox,
        agentOf: (orgId) => client.impersonating(agentUser(orgId)),
        remediatorOf: (orgId) => client.impersonating(remediatorUser(orgId)),
        metering,
        agentRuns,
        remediations,
        audit,
        ...(agents ? { agents } : {}),
        organizations: { get: (orgId) => organizations.get(orgId) },
        approvals: (namespace) =>
          informers.approvals.list().filter((approval) => approval.metadata?.namespace === namespace),
        clock,
        log,
      },
      allOrganizations: !settings.organizationSelector.trim(),
      informers: {
        runs,
        organizations,
        plans,
        teams: informers.teams as Informer<Team & KubeObject>,
        templates: informers.templates,
      },
      // Ahead of the queue: the run whose turn it is should not wait behind newly created runs.
      wake: (key) => controller?.enqueueFirst(key),
    }),
    primary: runs,
    concurrency: settings.workers,
    watches: [
      // A decision on a gate (its verdict written): the run it decides.
      watch(informers.approvals, (approval) => [
        `${approval.metadata?.namespace ?? ''}/${approval.spec.workflowRun}`,
      ]),
      // Suspension, a provisioned environment, a changed approval policy: the organization's runs.
      watch(organizations, (org) => unfinished(org.metadata?.name ?? '')),
      // A plan's concurrentWorkflows raised: its organizations' waiting runs.
      watch(plans, (plan) =>
        organizations
          .list()
          .filter((org) => org.spec.plan === plan.metadata?.name)
          .flatMap((org) => unfinished(org.metadata?.name ?? '')),
      ),
    ],
  });
}
