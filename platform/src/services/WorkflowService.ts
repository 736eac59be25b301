import type { WorkflowRun } from '@guardian/crds/generated';
import { KINDS } from '@guardian/crds/kinds';
import { ApiError, type KubeClient } from '@guardian/kube/client';
import type { Clock } from '@guardian/kube/clock';
import type { KubeObject } from '@guardian/kube/resources';
import type { AuditLog } from '../audit/AuditLog.ts';
import type {
  StartWorkflow,
  WorkflowQuery,
  WorkflowReverted,
  WorkflowTemplateView,
  WorkflowView,
} from '../contract/workflows.ts';
import type { Governance } from '../governance.ts';
import type { RemediationStore } from '../stores/RemediationStore.ts';
import {
  builtInTemplates,
  checkParameters,
  isFinal,
  organizationTemplates,
  type Phase,
  PLATFORM_REQUESTER_PREFIX,
  resourceNameOf,
  revertVerdict,
  runName,
  type TemplateCatalog,
  type TemplateResource,
  type TemplateSource,
  type Templates,
  type WorkflowTemplate,
} from '../workflows/index.ts';
import { type Actor, auditActor, currentOrg } from './actor.ts';
import { ConflictError, ForbiddenError, NotFoundError, quotaRefusal, ValidationError } from './errors.ts';
import { kubeRefusal } from './kube-errors.ts';
import { controlNamespace, environmentsOf, type OrganizationDirectory } from './OrganizationDirectory.ts';
import { FIELD_MANAGER } from './OrganizationService.ts';
import type { People } from './people.ts';
import { revertRun } from './revert.ts';
import type { TeamDirectory } from './TeamDirectory.ts';

type Run = WorkflowRun & KubeObject;

export interface WorkflowServiceDeps {
  kube: KubeClient;
  directory: Pick<OrganizationDirectory, 'get'>;
  teams: Pick<TeamDirectory, 'get'>;
  metering: Pick<Governance, 'consume'>;
  audit: Pick<AuditLog, 'append'>;
  clock: Clock;
  /** The built-in templates (tests add their own); each organization adds its WorkflowTemplates. */
  templates?: TemplateCatalog;
  /** What remediate steps changed (tenant databases): what a revert restores. */
  remediations: RemediationStore;
  /** Who the actor is for the rule a revert is judged by (the run's gates'). */
  people: Pick<People, 'ofActor'>;
}

export interface StartedWorkflow {
  run: Run;
  /** Workflow runs left this billing period, this one counted; null: unlimited. */
  quotaRemaining: number | null;
}

/** Roles that may name any team of the organization as a run's team. */
const ANY_TEAM_ROLES = new Set(['super_admin', 'org_owner', 'org_admin']);

/** The organization's run `id`, read from the apiserver; 404 when it has none of that name. */
export async function findRun(kube: Pick<KubeClient, 'find'>, orgId: string, id: string): Promise<Run> {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(id) || id.length > 253)
    throw new NotFoundError('No such workflow run');
  const run = await kube.find<Run>(KINDS.workflowRun, id, controlNamespace(orgId));
  if (!run) throw new NotFoundError('No such workflow run');
  return run;
}

/** A run as the API shows it (DESIGN.md's shape), from the WorkflowRun the operator drives. */
export function workflowView(run: Run): WorkflowView {
  const ready = run.status?.conditions?.find((condition) => condition.type === 'Ready');
  return {
    workflow_id: run.metadata?.name ?? '',
    template: run.spec.template,
    environment: run.spec.environment,
    phase: (run.status?.phase ?? 'Pending') as Phase,
    reason: ready?.reason ?? null,
    team: run.spec.team ?? null,
    requested_by: run.spec.requestedBy,
    message: run.spec.message ?? null,
    created_at: run.metadata?.creationTimestamp ?? '',
    steps: (run.status?.steps ?? []).map((step) => ({
      name: step.name,
      type: step.type,
      risk: step.risk ?? null,
      phase: step.phase,
      started_at: step.startedAt ?? null,
      finished_at: step.finishedAt ?? null,
      result: (step.result as Record<string, unknown> | undefined) ?? null,
      approval: (step.approval as Record<string, unknown> | undefined) ?? null,
    })),
  };
}

export function templateView(template: WorkflowTemplate, source: TemplateSource): WorkflowTemplateView {
  return {
    name: template.name,
    source,
    description: template.description,
    parameters: Object.fromEntries(
      Object.entries(template.parameters ?? {}).map(([name, parameter]) => [
        name,
        {
          kind: parameter.kind,
          description: parameter.description,
          default: parameter.default ?? null,
          required: parameter.required ?? false,
        },
      ]),
    ),
    steps: template.steps.map((step) => ({
      name: step.name,
      type: step.type,
      description: step.description,
      risk: step.type === 'approval' ? step.risk : null,
    })),
  };
}

/** A write refused as stale: the run changed since it was read. */
class ChangedMeanwhile extends ConflictError {
  constructor() {
    super('The run changed meanwhile; retry');
  }
}

/**
 * Workflow runs of the organization the actor acts in, as WorkflowRuns in its `org-<org>` (the
 * operator drives them): starting one (checked against its template before anything is written,
 * created by server-side apply as the platform, its workflow unit counted before the answer, keyed
 * by the run's uid as the operator keys it), reading them, and asking one to stop.
 */
export class WorkflowService {
  private readonly deps: WorkflowServiceDeps;
  private readonly templates: TemplateCatalog;

  constructor(deps: WorkflowServiceDeps) {
    this.deps = deps;
    this.templates = deps.templates ?? builtInTemplates;
  }

  /** The built-in templates and the organization's own (WorkflowTemplates that are valid). */
  async listTemplates(actor: Actor): Promise<WorkflowTemplateView[]> {
    const templates = await this.templatesOf(currentOrg(actor));
    return templates
      .list()
      .map((template) => templateView(template, templates.sourceOf(template.name) ?? 'built_in'));
  }

  /** Read from the apiserver, not a cache: a template created a moment ago can be run at once. */
  private async templatesOf(orgId: string, only?: string): Promise<Templates> {
    const namespace = controlNamespace(orgId);
    if (only !== undefined) {
      if (this.templates.get(only)) return organizationTemplates(this.templates, []);
      const one = await this.deps.kube.find<TemplateResource>(
        KINDS.workflowTemplate,
        resourceNameOf(only),
        namespace,
      );
      return organizationTemplates(this.templates, one ? [one] : []);
    }
    const { items } = await this.deps.kube.list<TemplateResource>(KINDS.workflowTemplate, { namespace });
    return organizationTemplates(this.templates, items);
  }

  async start(actor: Actor, request: StartWorkflow): Promise<StartedWorkflow> {
    const orgId = currentOrg(actor);
    const org = this.deps.directory.get(orgId);
    if (!org) throw new NotFoundError('No such organization');
    const templates = await this.templatesOf(orgId, request.workflow_type);
    const template = templates.get(request.workflow_type);
    if (!template) {
      const known = (await this.templatesOf(orgId)).list().map((t) => t.name);
      throw new ValidationError([
        { field: 'workflow_type', message: `is not a template (${known.join(', ')})` },
      ]);
    }
    const environments = environmentsOf(org);
    const environment = request.environment ?? environments[0] ?? '';
    if (!environments.includes(environment)) {
      throw new ValidationError([
        {
          field: 'environment',
          message: `is not an environment of this organization (${environments.join(', ')})`,
        },
      ]);
    }
    const parameters = checkParameters(template, request.parameters, {
      allowedRegistries: org.spec.agents?.allowedRegistries,
    });
    if (!parameters.ok) {
      throw new ValidationError(
        parameters.errors.map((error) => ({
          field: `parameters.${error.parameter}`,
          message: error.message,
        })),
      );
    }
    const team = this.teamOf(actor, orgId, request.team);
    const run = await this.create(orgId, template, {
      template: template.name,
      environment,
      requestedBy: `${PLATFORM_REQUESTER_PREFIX}${actor.userId}`,
      ...(request.parameters && Object.keys(request.parameters).length > 0
        ? { parameters: request.parameters }
        : {}),
      ...(team ? { team } : {}),
      ...(request.message ? { message: request.message } : {}),
    });
    const uid = run.metadata?.uid ?? '';
    const taken = await this.deps.metering.consume(orgId, 'workflows', uid, auditActor(actor));
    if (!taken.allowed) {
      // The run exists; the operator sees its unit refused too, and fails it with QuotaExceeded.
      throw quotaRefusal(
        `All ${taken.limit ?? 0} workflow runs of this billing period are used; ${run.metadata?.name} will not run`,
        'workflows',
        1,
        taken,
        this.deps.clock.now(),
      );
    }
    return { run, quotaRemaining: taken.remaining };
  }

  async list(actor: Actor, query: WorkflowQuery): Promise<WorkflowView[]> {
    const orgId = currentOrg(actor);
    const { items } = await this.deps.kube.list<Run>(KINDS.workflowRun, {
      namespace: controlNamespace(orgId),
    });
    return items
      .filter((run) => query.template === undefined || run.spec.template === query.template)
      .filter((run) => query.phase === undefined || (run.status?.phase ?? 'Pending') === query.phase)
      .sort((a, b) =>
        (b.metadata?.creationTimestamp ?? '').localeCompare(a.metadata?.creationTimestamp ?? ''),
      )
      .map(workflowView);
  }

  async get(actor: Actor, id: string): Promise<WorkflowView> {
    return workflowView(await this.existing(currentOrg(actor), id));
  }

  /**
   * Asks the operator to stop a run (spec.cancelRequested): it ends the step in progress cleanly
   * and records the run Cancelled. The route requires workflows:cancel.
   */
  async cancel(actor: Actor, id: string): Promise<WorkflowView> {
    const orgId = currentOrg(actor);
    // The run as read, so that a run ending meanwhile is not marked cancelled; the operator writes
    // a running run's status often, so a write refused as stale is tried again on a fresh read.
    for (let attempt = 1; ; attempt++) {
      const run = await this.existing(orgId, id);
      if (isFinal(run.status?.phase)) throw new ConflictError(`The run has ended (${run.status?.phase})`);
      if (run.spec.cancelRequested) break;
      try {
        await this.apply(orgId, { ...run.spec, cancelRequested: true }, id, run.metadata?.resourceVersion);
      } catch (error) {
        if (error instanceof ChangedMeanwhile && attempt < 5) continue;
        throw error;
      }
      await this.deps.audit.append({
        orgId,
        actor: auditActor(actor),
        action: 'workflow.cancel_requested',
        target: id,
        detail: {
          template: run.spec.template,
          environment: run.spec.environment,
          phase: run.status?.phase ?? 'Pending',
        },
      });
      break;
    }
    return workflowView(await this.existing(orgId, id));
  }

  /** Restores what the run's remediate steps changed (./revert.ts). */
  async revert(actor: Actor, id: string): Promise<WorkflowReverted> {
    const orgId = currentOrg(actor);
    const run = await this.existing(orgId, id);
    const gates = (run.status?.steps ?? []).flatMap((step) =>
      step.type === 'approval' ? [step.approval ?? {}] : [],
    );
    const judged = revertVerdict(gates, { team: run.spec.team }, await this.deps.people.ofActor(actor));
    const decision = { reason: judged.reason, message: judged.message };
    if (!judged.accepted) {
      await this.deps.audit.append({
        orgId,
        actor: auditActor(actor),
        action: 'workflow.revert.refused',
        target: id,
        detail: { template: run.spec.template, environment: run.spec.environment, ...decision },
      });
      throw new ForbiddenError(judged.message);
    }
    return revertRun(
      { kube: this.deps.kube, remediations: this.deps.remediations, audit: this.deps.audit },
      orgId,
      run,
      auditActor(actor),
      decision,
    );
  }

  private teamOf(actor: Actor, orgId: string, requested: string | undefined): string | undefined {
    if (requested !== undefined) {
      if (!this.deps.teams.get(orgId, requested)) {
        throw new ValidationError([{ field: 'team', message: 'is not a team of this organization' }]);
      }
      const anyTeam = actor.apiKeyId !== undefined || (actor.role !== null && ANY_TEAM_ROLES.has(actor.role));
      if (!anyTeam && !actor.teamIds.includes(requested)) {
        throw new ValidationError([{ field: 'team', message: 'is not one of your teams' }]);
      }
      return requested;
    }
    const mine = actor.teamIds.filter((teamId) => this.deps.teams.get(orgId, teamId) !== undefined);
    if (mine.length > 1) {
      throw new ValidationError([
        { field: 'team', message: `is required: you are in several teams (${mine.join(', ')})` },
      ]);
    }
    return mine[0];
  }

  private existing(orgId: string, id: string): Promise<Run> {
    return findRun(this.deps.kube, orgId, id);
  }

  /** A new run under a name no run of the organization has (a random suffix, checked). */
  private async create(orgId: string, template: WorkflowTemplate, spec: Run['spec']): Promise<Run> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const name = runName(template);
      if (await this.deps.kube.find(KINDS.workflowRun, name, controlNamespace(orgId))) continue;
      return this.apply(orgId, spec, name);
    }
    throw new ConflictError('Could not find a free run name; retry');
  }

  private async apply(
    orgId: string,
    spec: Run['spec'],
    name: string,
    resourceVersion?: string,
  ): Promise<Run> {
    try {
      return await this.deps.kube.apply<Run>(
        KINDS.workflowRun,
        {
          apiVersion: KINDS.workflowRun.apiVersion,
          kind: KINDS.workflowRun.kind,
          metadata: {
            name,
            namespace: controlNamespace(orgId),
            ...(resourceVersion ? { resourceVersion } : {}),
          },
          spec,
        } as Run,
        { fieldManager: FIELD_MANAGER },
      );
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        throw new ConflictError('The organization is not provisioned yet; retry when it is Ready');
      }
      if (error instanceof ApiError && error.status === 409) throw new ChangedMeanwhile();
      return kubeRefusal(error, (field) => field.replace(/^spec\./, ''));
    }
  }
}
