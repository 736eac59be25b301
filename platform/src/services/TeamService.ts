import type { Team, TeamMember as TeamMemberSpec } from '@guardian/crds/generated';
import { KINDS } from '@guardian/crds/kinds';
import { ApiError, isConflict, type KubeClient } from '@guardian/kube/client';
import { poll } from '@guardian/kube/poll';
import type { KubeObject } from '@guardian/kube/resources';
import type { CreateTeam, TeamMember, TeamView, UpdateTeam } from '../contract/teams.ts';
import type { NameLockStore } from '../stores/NameLockStore.ts';
import { type Actor, currentOrg, requireTeamManager } from './actor.ts';
import { ConflictError, NotFoundError, ValidationError } from './errors.ts';
import { kubeRefusal } from './kube-errors.ts';
import { controlNamespace } from './OrganizationDirectory.ts';
import { FIELD_MANAGER } from './OrganizationService.ts';
import type { TeamDirectory, TeamObject } from './TeamDirectory.ts';
import { atLeast, labelFrom, retryOnConflict } from './wait.ts';

type MemberKind = TeamMember['kind'];

/** A changed team, and the values the change replaced (by the API's field names). */
export interface Changed {
  team: TeamObject;
  before: Record<string, unknown>;
}

export function teamView(orgId: string, team: Team): TeamView {
  return {
    team_id: team.metadata?.name ?? '',
    org_id: orgId,
    name: team.spec.displayName,
    description: team.spec.description ?? null,
    members: (team.spec.members ?? []).map(({ kind, name, role }) => ({
      kind,
      name,
      role: role ?? 'team_member',
    })),
    agent_categories: team.spec.agentCategories ?? null,
    created_at: team.metadata?.creationTimestamp ?? null,
  };
}

/**
 * Teams of the organization the actor acts in: Team CRs in `org-<org>`, from which the operator
 * binds Kubernetes RBAC. The actor's permission there was checked by the route (teams:read,
 * teams:manage).
 */
export class TeamService {
  private readonly kube: KubeClient;
  private readonly directory: TeamDirectory;
  private readonly locks: NameLockStore;

  constructor(options: { kube: KubeClient; directory: TeamDirectory; locks: NameLockStore }) {
    this.kube = options.kube;
    this.directory = options.directory;
    this.locks = options.locks;
  }

  list(actor: Actor): TeamObject[] {
    return this.directory.list(currentOrg(actor));
  }

  get(actor: Actor, teamId: string): TeamObject {
    return this.existing(currentOrg(actor), teamId);
  }

  async create(actor: Actor, input: CreateTeam): Promise<TeamObject> {
    const orgId = currentOrg(actor);
    requireTeamManager(actor, undefined);
    const teamId = input.team_id ?? labelFrom(input.name, 63);
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(teamId)) {
      throw new ValidationError([{ field: 'team_id', message: 'cannot be derived from name; send team_id' }]);
    }
    const namespace = controlNamespace(orgId);
    // As for organizations: one create of a name at a time, each asking the apiserver first.
    return this.locks.holding(KINDS.team.kind, `${namespace}/${teamId}`, async () => {
      if (await this.kube.find(KINDS.team, teamId, namespace)) {
        throw new ConflictError(`Team ${teamId} already exists`);
      }
      return this.apply(orgId, teamId, undefined, {
        displayName: input.name,
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.agent_categories !== undefined ? { agentCategories: input.agent_categories } : {}),
      });
    });
  }

  /** Changes a team; returns it and the values the change replaced (API field names). */
  update(actor: Actor, teamId: string, patch: UpdateTeam): Promise<Changed> {
    const orgId = currentOrg(actor);
    requireTeamManager(actor, teamId);
    return retryOnConflict(async () => {
      const current = await this.fresh(orgId, teamId);
      const was = teamView(orgId, current);
      const spec = { ...current.spec } as Record<string, unknown>;
      const before: Record<string, unknown> = {};
      if (patch.name !== undefined) {
        spec.displayName = patch.name;
        before.name = was.name;
      }
      if (patch.description !== undefined) {
        spec.description = patch.description ?? undefined;
        before.description = was.description;
      }
      if (patch.agent_categories !== undefined) {
        spec.agentCategories = patch.agent_categories ?? undefined;
        before.agent_categories = was.agent_categories;
      }
      return { team: await this.apply(orgId, teamId, current.metadata?.resourceVersion, spec), before };
    });
  }

  async delete(actor: Actor, teamId: string): Promise<void> {
    const orgId = currentOrg(actor);
    requireTeamManager(actor, teamId);
    this.existing(orgId, teamId);
    await this.kube.delete(KINDS.team, teamId, controlNamespace(orgId));
    await poll(() => !this.directory.cached(orgId, teamId), { timeoutMs: 5_000, intervalMs: 50 });
  }

  /** Adds a member or changes its role; `before.role` is the role it had (null: it was not one). */
  putMember(actor: Actor, teamId: string, member: TeamMember): Promise<Changed> {
    const orgId = currentOrg(actor);
    requireTeamManager(actor, teamId);
    return retryOnConflict(async () => {
      const current = await this.fresh(orgId, teamId);
      const same = (existing: TeamMemberSpec) =>
        existing.kind === member.kind && existing.name === member.name;
      const previous = (current.spec.members ?? []).find(same);
      const members: TeamMemberSpec[] = [...(current.spec.members ?? []).filter((m) => !same(m)), member];
      const team = await this.apply(orgId, teamId, current.metadata?.resourceVersion, {
        ...current.spec,
        members,
      });
      return { team, before: { role: previous ? (previous.role ?? 'team_member') : null } };
    });
  }

  async removeMember(actor: Actor, teamId: string, kind: MemberKind, name: string): Promise<void> {
    const orgId = currentOrg(actor);
    requireTeamManager(actor, teamId);
    const written = await retryOnConflict(async () => {
      const current = await this.fresh(orgId, teamId);
      const members = current.spec.members ?? [];
      const kept = members.filter((member) => !(member.kind === kind && member.name === name));
      if (kept.length === members.length) throw new NotFoundError('No such member of the team');
      return this.apply(orgId, teamId, current.metadata?.resourceVersion, { ...current.spec, members: kept });
    });
    // Server-side apply keeps entries another field manager (kubectl apply) owns.
    if ((written.spec.members ?? []).some((member) => member.kind === kind && member.name === name)) {
      throw new ConflictError('Another field manager owns this member; remove it where it was set');
    }
  }

  /** The object as the apiserver has it now (for its resourceVersion); 404 when not ours to see. */
  private async fresh(orgId: string, teamId: string): Promise<TeamObject> {
    this.existing(orgId, teamId);
    const team = await this.kube.find<TeamObject>(KINDS.team, teamId, controlNamespace(orgId));
    if (!team) throw new NotFoundError('No such team');
    return team;
  }

  private existing(orgId: string, teamId: string): TeamObject {
    const team = this.directory.get(orgId, teamId);
    if (!team) throw new NotFoundError('No such team');
    return team;
  }

  private async apply(
    orgId: string,
    teamId: string,
    resourceVersion: string | undefined,
    spec: Record<string, unknown>,
  ): Promise<TeamObject> {
    const namespace = controlNamespace(orgId);
    let written: TeamObject;
    try {
      const applied: KubeObject & { spec: object } = {
        apiVersion: KINDS.team.apiVersion,
        kind: KINDS.team.kind,
        metadata: { name: teamId, namespace, ...(resourceVersion ? { resourceVersion } : {}) },
        spec,
      };
      // The apiserver answers with the whole object, which the CRD's schema guarantees is one.
      written = (await this.kube.apply(KINDS.team, applied, { fieldManager: FIELD_MANAGER })) as TeamObject;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        throw new ConflictError('The organization is not provisioned yet; retry when it is Ready');
      }
      if (isConflict(error)) throw error;
      return kubeRefusal(error, teamFieldNames);
    }
    return (
      (await poll(
        () => {
          const cached = this.directory.cached(orgId, teamId);
          return cached && atLeast(cached, written) ? cached : undefined;
        },
        { timeoutMs: 5_000, intervalMs: 50 },
      )) ?? written
    );
  }
}

function teamFieldNames(field: string): string {
  if (field.startsWith('metadata.name')) return 'team_id';
  if (field.startsWith('spec.displayName')) return 'name';
  if (field.startsWith('spec.agentCategories')) return 'agent_categories';
  return field.replace(/^spec\./, '');
}
