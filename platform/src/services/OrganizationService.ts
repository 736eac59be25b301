import type { Organization, OrganizationSpec } from '@guardian/crds/generated';
import { KINDS } from '@guardian/crds/kinds';
import { isConflict, type KubeClient } from '@guardian/kube/client';
import { poll } from '@guardian/kube/poll';
import type { KubeObject } from '@guardian/kube/resources';
import type {
  CreateOrganization,
  DeleteOrganizationQuery,
  OrganizationAnalytics,
  UpdateOrganization,
} from '../contract/organizations.ts';
import type { UsageHistory } from '../quota/history.ts';
import { can, MATRIX, type Permission, type Role } from '../rbac.ts';
import type { MembershipStore } from '../stores/MembershipStore.ts';
import type { NameLockStore } from '../stores/NameLockStore.ts';
import type { UserStore } from '../stores/UserStore.ts';
import { type Actor, requireIn } from './actor.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from './errors.ts';
import { kubeRefusal } from './kube-errors.ts';
import type { OrganizationDirectory } from './OrganizationDirectory.ts';
import { deletionPending, isReady, PENDING_READ_ONLY } from './organization-view.ts';
import type { TeamDirectory } from './TeamDirectory.ts';
import { atLeast, labelFrom, retryOnConflict } from './wait.ts';

/** The field manager of everything the platform writes to Kubernetes. */
export const FIELD_MANAGER = 'guardian-platform';

type OrgObject = Organization & KubeObject;

/** The spec fields the API edits, with the API's names for them (for error messages). */
const API_FIELDS = {
  displayName: 'name',
  owners: 'owners',
  sso: 'sso',
  branding: 'branding',
  environments: 'environments',
  domains: 'domains',
  plan: 'plan_type',
  suspended: 'suspended',
  // Not editable through PATCH, but applied with every change so that no change drops it.
  deletion: 'deletion',
} as const satisfies Partial<Record<keyof OrganizationSpec, string>>;
type ApiField = keyof typeof API_FIELDS;

/** What members may still do in an organization pending deletion: read. */
const READS = new Set<Permission>(MATRIX.read_only);

/** The quotas analytics reports, each as its limit and what is used now. */
export type QuotaName = keyof OrganizationAnalytics['quota'];
/** What this service answers of the analytics: the organization, its limits and usage history. */
export type BaseAnalytics = Omit<
  OrganizationAnalytics,
  'range' | 'usage' | 'cost' | 'performance' | 'security' | 'quota'
> & { quota: Record<QuotaName, { limit: number | null; used: number | null }> };

/** What analytics knows of usage: seats (members + pending invitations), this period's counters, history. */
export interface UsageReader {
  seats(orgId: string): Promise<number>;
  monthly(org: Organization): Promise<{ agentExecutions: number; workflows: number; period: string }>;
  history(org: Organization, periods: number): Promise<UsageHistory>;
}

export interface OrganizationServiceOptions {
  kube: KubeClient;
  directory: OrganizationDirectory;
  teams: TeamDirectory;
  memberships: MembershipStore;
  users: UserStore;
  /** Serializes creates of one name (find, then apply), on every replica. */
  locks: NameLockStore;
  usage: UsageReader;
  selfServiceSignup: boolean;
  /** How long POST waits for Ready before answering 202 instead of 201. */
  readyTimeoutMs?: number;
}

/**
 * Organizations: the CRs are the truth. Writes are server-side applies of the fields the API
 * manages; reads come from the informer, after waiting for it to see our own write.
 */
export class OrganizationService {
  private readonly options: OrganizationServiceOptions;

  constructor(options: OrganizationServiceOptions) {
    this.options = options;
  }

  async create(actor: Actor, input: CreateOrganization): Promise<{ org: Organization; ready: boolean }> {
    await this.mayCreate(actor, input);
    const orgId = input.org_id ?? labelFrom(input.name, 30).replace(/-+$/, '');
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(orgId)) {
      throw new ValidationError([{ field: 'org_id', message: 'cannot be derived from name; send org_id' }]);
    }
    const { kube, directory, locks } = this.options;
    const spec: OrganizationSpec = {
      displayName: input.name,
      plan: input.plan_type,
      owners: [{ kind: 'User', name: input.owner_email.toLowerCase() }],
      ...(input.domain ? { domains: [input.domain] } : {}),
    };
    // A forced apply would take over an existing organization (its owners first): a create of a
    // name waits for any other one's, then asks the apiserver itself, which the informer may lag.
    const written = await locks.holding(KINDS.organization.kind, orgId, async () => {
      if (await kube.find(KINDS.organization, orgId)) {
        throw new ConflictError(`Organization ${orgId} already exists`);
      }
      return this.apply({ metadata: { name: orgId }, spec }, createFieldNames);
    });
    const timeoutMs = this.options.readyTimeoutMs ?? 10_000;
    const ready = await poll(
      () => {
        const org = directory.get(orgId);
        return org && atLeast(org, written) && isReady(org) ? org : undefined;
      },
      { timeoutMs, intervalMs: 50 },
    );
    return { org: ready ?? directory.get(orgId) ?? written, ready: ready !== undefined };
  }

  list(actor: Actor): Organization[] {
    const all = this.options.directory.list();
    const visible = actor.superAdmin
      ? all
      : all.filter((org) => actor.orgs[org.metadata?.name ?? ''] !== undefined);
    return visible.sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  }

  /**
   * requireIn, and a suspended organization closed to all but super admins: the orgs a token
   * names are as old as the token, so its suspension is checked here, not trusted from it.
   */
  private authorize(actor: Actor, orgId: string, permission: Permission, whilePending = false): Role {
    const role = requireIn(actor, orgId, permission);
    if (actor.superAdmin) return role;
    const org = this.options.directory.get(orgId);
    if (org?.spec.suspended) throw new ForbiddenError(`Organization ${orgId} is suspended`);
    if (org && deletionPending(org) && !whilePending && !READS.has(permission)) {
      throw new ForbiddenError(PENDING_READ_ONLY(orgId));
    }
    return role;
  }

  get(actor: Actor, orgId: string): Organization {
    this.authorize(actor, orgId, 'org:read');
    return this.existing(orgId);
  }

  /** Changes an organization; returns it and the values the change replaced (API field names). */
  async update(
    actor: Actor,
    orgId: string,
    patch: UpdateOrganization,
  ): Promise<{ org: Organization; before: Record<string, unknown> }> {
    const role = this.authorize(actor, orgId, 'org:update');
    const superAdminOnly = [patch.domains, patch.plan_type, patch.suspended].some((v) => v !== undefined);
    if (superAdminOnly && !actor.superAdmin) {
      throw new ForbiddenError('Only super admins may change domains, plan_type or suspended');
    }
    // SSO decides who owns the organization (group mappings to org_owner, the issuer whose users
    // match spec.owners), so changing it is managing owners.
    const touchesOwners = patch.owners !== undefined || patch.sso !== undefined;
    if (touchesOwners && !can(role, 'owners:manage')) {
      throw new ForbiddenError(`Your role (${role}) does not grant owners:manage, which owners and sso need`);
    }
    this.existing(orgId);
    if (patch.owners?.length === 0 && (await this.options.memberships.count(orgId)).owners === 0) {
      throw new ConflictError('The organization would be left without an owner');
    }
    const changes: Partial<Record<ApiField, unknown>> = {};
    if (patch.name !== undefined) changes.displayName = patch.name;
    if (patch.owners !== undefined) changes.owners = patch.owners;
    if (patch.sso !== undefined) changes.sso = patch.sso;
    if (patch.branding !== undefined) changes.branding = patch.branding;
    if (patch.environments !== undefined) changes.environments = patch.environments;
    if (patch.domains !== undefined) changes.domains = patch.domains;
    if (patch.plan_type !== undefined) changes.plan = patch.plan_type;
    if (patch.suspended !== undefined) changes.suspended = patch.suspended;
    return this.change(orgId, changes);
  }

  /**
   * Deletes an organization the caller confirms by naming it (`?confirm=<org_id>`): it becomes
   * pending deletion (read-only; the operator deletes it after its grace period; owners may
   * restore it). Super admins may delete at once (`?immediately=true`).
   */
  async delete(
    actor: Actor,
    orgId: string,
    query: DeleteOrganizationQuery,
  ): Promise<{ immediately: boolean; org: Organization }> {
    this.authorize(actor, orgId, 'org:delete');
    if (query.confirm !== orgId) {
      throw new ValidationError(
        [{ field: 'confirm', message: `must be the org_id of the organization to delete (${orgId})` }],
        'A deletion must be confirmed: send ?confirm=<org_id>',
      );
    }
    const current = this.existing(orgId);
    if (query.immediately === 'true') {
      if (!actor.superAdmin)
        throw new ForbiddenError('Only super admins may delete an organization immediately');
      await this.options.kube.delete(KINDS.organization, orgId);
      return { immediately: true, org: current };
    }
    // A second request keeps the first one's date: asking again does not postpone the deletion.
    if (deletionPending(current)) return { immediately: false, org: current };
    const deletion = { requestedAt: new Date().toISOString(), requestedBy: actor.userId };
    const { org } = await this.change(orgId, { deletion });
    return { immediately: false, org };
  }

  /** Ends a pending deletion (owners and super admins: whoever may delete may take it back). */
  async restore(actor: Actor, orgId: string): Promise<Organization> {
    this.authorize(actor, orgId, 'org:delete', true);
    if (!deletionPending(this.existing(orgId))) throw new ConflictError('No deletion is pending');
    const { org } = await this.change(orgId, { deletion: null });
    return org;
  }

  /**
   * Applies `changes` (null removes a field) with every other field the API manages as it is;
   * returns the organization once the informer has seen it and the values the change replaced.
   */
  private async change(
    orgId: string,
    changes: Partial<Record<ApiField, unknown>>,
  ): Promise<{ org: Organization; before: Record<string, unknown> }> {
    const { kube, directory } = this.options;
    const before: Record<string, unknown> = {};
    const written = await retryOnConflict(async () => {
      const current = await kube.find<OrgObject>(KINDS.organization, orgId);
      if (!current) throw new NotFoundError('No such organization');
      for (const field of Object.keys(changes) as ApiField[]) {
        before[API_FIELDS[field]] = current.spec[field] ?? null;
      }
      // The applied configuration holds every field the API manages, so a field the platform
      // applied before is not dropped by omission; null removes one.
      const spec: Record<string, unknown> = {};
      for (const field of Object.keys(API_FIELDS) as ApiField[]) {
        const value = field in changes ? changes[field] : current.spec[field];
        if (value !== null && value !== undefined) spec[field] = value;
      }
      return this.apply(
        { metadata: { name: orgId, resourceVersion: current.metadata?.resourceVersion }, spec },
        updateFieldNames,
      );
    });
    // Server-side apply leaves fields another manager (kubectl apply) owns: say so, not "done".
    const kept = (Object.keys(changes) as ApiField[]).filter(
      (field) => JSON.stringify(written.spec[field] ?? null) !== JSON.stringify(changes[field] ?? null),
    );
    if (kept.length > 0) {
      throw new ConflictError(
        `Another field manager owns ${kept.map((field) => API_FIELDS[field]).join(', ')}; change it where it was set`,
      );
    }
    const org =
      (await poll(
        () => {
          const seen = directory.get(orgId);
          return seen && atLeast(seen, written) ? seen : undefined;
        },
        { timeoutMs: 5_000, intervalMs: 50 },
      )) ?? written;
    return { org, before };
  }

  /** This period's figures, and `periods` billing periods of usage history. */
  async analytics(actor: Actor, orgId: string, periods: number): Promise<BaseAnalytics> {
    this.authorize(actor, orgId, 'analytics:read');
    const org = this.existing(orgId);
    const [counts, { limits, quota, period }, history] = await Promise.all([
      this.options.memberships.count(orgId),
      this.quotas(org),
      this.options.usage.history(org, periods),
    ]);
    return {
      org_id: orgId,
      plan_type: org.spec.plan,
      members: counts.members,
      owners: org.spec.owners?.length ?? 0,
      teams: this.options.teams.list(orgId).length,
      limits,
      quota,
      period,
      history: {
        periods: history.periods.map(({ period, start, end, used }) => ({
          period,
          start: start.toISOString(),
          end: end.toISOString(),
          ...used,
        })),
        days: history.days.map(({ date, used }) => ({ date, ...used })),
      },
      note: 'team_members counts members and pending invitations; API calls per hour are not reported here (used: null)',
    };
  }

  /** The plan's limits (null: unlimited) and each quota's use now, in the current billing period. */
  async quotas(org: Organization): Promise<Pick<BaseAnalytics, 'limits' | 'quota' | 'period'>> {
    const orgId = org.metadata?.name ?? '';
    const plan = this.options.directory.plan(org)?.spec ?? {};
    const [seats, monthly] = await Promise.all([
      this.options.usage.seats(orgId),
      this.options.usage.monthly(org),
    ]);
    const limit = (value: number | undefined) => value ?? null;
    return {
      limits: {
        agent_executions_per_month: limit(plan.agentExecutionsPerMonth),
        workflows_per_month: limit(plan.workflowsPerMonth),
        storage_gib: limit(plan.storageGiB),
        api_calls_per_hour: limit(plan.apiCallsPerHour),
        team_members: limit(plan.teamMembers),
        concurrent_workflows: limit(plan.concurrentWorkflows),
      },
      quota: {
        team_members: { limit: limit(plan.teamMembers), used: seats },
        agent_executions_per_month: {
          limit: limit(plan.agentExecutionsPerMonth),
          used: monthly.agentExecutions,
        },
        workflows_per_month: { limit: limit(plan.workflowsPerMonth), used: monthly.workflows },
        api_calls_per_hour: { limit: limit(plan.apiCallsPerHour), used: null },
      },
      period: monthly.period,
    };
  }

  /** A super admin may create any organization; others only their own, when self-service is on. */
  private async mayCreate(actor: Actor, input: CreateOrganization): Promise<void> {
    if (actor.superAdmin) return;
    // A key is bound to the organization it was made in; it signs nobody up for another one.
    if (actor.apiKeyId !== undefined) throw new ForbiddenError('API keys may not create organizations');
    if (!this.options.selfServiceSignup) {
      throw new ForbiddenError('Only super admins may create organizations on this instance');
    }
    if (input.domain !== undefined) throw new ForbiddenError('Only super admins may set a domain');
    const user = await this.options.users.get(actor.userId);
    if (!user?.emailVerified || user.email?.toLowerCase() !== input.owner_email.toLowerCase()) {
      throw new ForbiddenError('owner_email must be your own verified email address');
    }
  }

  private existing(orgId: string): Organization {
    const org = this.options.directory.get(orgId);
    if (!org) throw new NotFoundError('No such organization');
    return org;
  }

  private async apply(
    object: { metadata: { name: string; resourceVersion?: string }; spec: object },
    fieldNames: (field: string) => string,
  ): Promise<OrgObject> {
    try {
      const applied: KubeObject & { spec: object } = {
        apiVersion: KINDS.organization.apiVersion,
        kind: KINDS.organization.kind,
        ...object,
      };
      // The apiserver answers with the whole object, which the CRD's schema guarantees is one.
      return (await this.options.kube.apply(KINDS.organization, applied, {
        fieldManager: FIELD_MANAGER,
      })) as OrgObject;
    } catch (error) {
      if (isConflict(error)) throw error;
      return kubeRefusal(error, fieldNames);
    }
  }
}

/** `spec.domains[0]` → `domain`: failing fields named as the caller sent them. */
function createFieldNames(field: string): string {
  if (field.startsWith('metadata.name')) return 'org_id';
  if (field.startsWith('spec.displayName')) return 'name';
  if (field.startsWith('spec.domains')) return 'domain';
  if (field.startsWith('spec.plan')) return 'plan_type';
  if (field.startsWith('spec.owners')) return 'owner_email';
  return field;
}

function updateFieldNames(field: string): string {
  const match = /^spec\.(\w+)(.*)$/.exec(field);
  const name = match?.[1];
  if (!match || name === undefined || !(name in API_FIELDS)) return field;
  return `${API_FIELDS[name as ApiField]}${match[2] ?? ''}`;
}
