import {
  CreateTeam,
  PutTeamMember,
  TeamList,
  TeamMemberList,
  TeamView,
  teamId,
  UpdateTeam,
} from '../contract/teams.ts';
import { type Api, problem } from '../http/operation.ts';
import type { AppContext } from '../http/state.ts';
import { currentOrg } from '../services/actor.ts';
import { NotFoundError } from '../services/errors.ts';
import { type Changed, type TeamService, teamView } from '../services/TeamService.ts';

const refusals = {
  401: problem('No valid credential'),
  403: problem('Your role in the current organization does not allow it'),
  404: problem('No such team in the current organization'),
};

/** What the operations that change a team answer (they retry on conflicts a while, then give up). */
const changeResponses = {
  200: { description: 'The team', schema: TeamView },
  400: problem('Invalid input'),
  ...refusals,
  409: problem('Changed concurrently; retry'),
};

function pathTeam(params: Record<string, string>): string {
  const parsed = teamId.safeParse(params.team_id);
  if (!parsed.success) throw new NotFoundError('No such team');
  return parsed.data;
}

/** `users/<email>` or `groups/<name>` names one member: members are unique by kind and name. */
function pathMember(params: Record<string, string>): { kind: 'User' | 'Group'; name: string } {
  const kind = params.kind === 'users' ? 'User' : params.kind === 'groups' ? 'Group' : undefined;
  const name = params.name ?? '';
  if (!kind || name.length === 0 || name.length > 256) throw new NotFoundError('No such member');
  return { kind, name };
}

/** Answers a change with the team as it is now, and leaves what the change replaced to the audit trail. */
function answerChange(ctx: AppContext, orgId: string, { team, before }: Changed): void {
  ctx.state.outcome = { before };
  ctx.body = TeamView.parse(teamView(orgId, team));
}

export function teamRoutes(api: Api, service: TeamService): void {
  const base = { tag: 'teams', auth: 'any' as const };

  api.mount(
    {
      ...base,
      method: 'post',
      path: '/tenants/teams',
      summary: 'Create a team in the current organization',
      permission: 'teams:manage',
      body: CreateTeam,
      responses: {
        201: {
          description: 'The team',
          schema: TeamView,
          identifies: { path: '/tenants/teams/{team_id}', parameter: 'team_id', field: 'team_id' },
        },
        400: problem('Invalid input'),
        ...refusals,
        409: problem('The team exists, or the organization is not provisioned yet'),
      },
    },
    async (ctx, { body, actor }) => {
      const team = await service.create(actor, body);
      ctx.status = 201;
      ctx.set('location', `/tenants/teams/${team.metadata?.name}`);
      ctx.body = TeamView.parse(teamView(currentOrg(actor), team));
    },
  );

  api.mount(
    {
      ...base,
      method: 'get',
      path: '/tenants/teams',
      summary: 'The teams of the current organization',
      permission: 'teams:read',
      responses: { 200: { description: 'Teams', schema: TeamList }, ...refusals },
    },
    (ctx, { actor }) => {
      const orgId = currentOrg(actor);
      ctx.body = TeamList.parse({ teams: service.list(actor).map((team) => teamView(orgId, team)) });
    },
  );

  api.mount(
    {
      ...base,
      method: 'get',
      path: '/tenants/teams/{team_id}',
      summary: 'One team',
      permission: 'teams:read',
      responses: { 200: { description: 'The team', schema: TeamView }, ...refusals },
    },
    (ctx, { params, actor }) => {
      ctx.body = TeamView.parse(teamView(currentOrg(actor), service.get(actor, pathTeam(params))));
    },
  );

  api.mount(
    {
      ...base,
      method: 'patch',
      path: '/tenants/teams/{team_id}',
      summary: 'Change a team’s name, description or agent categories',
      permission: 'teams:manage',
      body: UpdateTeam,
      responses: changeResponses,
    },
    async (ctx, { params, body, actor }) => {
      answerChange(ctx, currentOrg(actor), await service.update(actor, pathTeam(params), body));
    },
  );

  api.mount(
    {
      ...base,
      method: 'delete',
      path: '/tenants/teams/{team_id}',
      summary: 'Delete a team',
      permission: 'teams:manage',
      responses: { 204: { description: 'Deleted' }, ...refusals },
    },
    async (ctx, { params, actor }) => {
      await service.delete(actor, pathTeam(params));
      ctx.status = 204;
    },
  );

  api.mount(
    {
      ...base,
      method: 'get',
      path: '/tenants/teams/{team_id}/members',
      summary: 'The members of a team',
      permission: 'teams:read',
      responses: { 200: { description: 'Members', schema: TeamMemberList }, ...refusals },
    },
    (ctx, { params, actor }) => {
      const { members } = teamView(currentOrg(actor), service.get(actor, pathTeam(params)));
      ctx.body = TeamMemberList.parse({ members });
    },
  );

  api.mount(
    {
      ...base,
      method: 'put',
      path: '/tenants/teams/{team_id}/members/{kind}/{name}',
      summary: 'Add a member (kind users or groups) or change its team role',
      permission: 'teams:manage',
      body: PutTeamMember,
      responses: changeResponses,
    },
    async (ctx, { params, body, actor }) => {
      const member = { ...pathMember(params), role: body.role };
      answerChange(ctx, currentOrg(actor), await service.putMember(actor, pathTeam(params), member));
    },
  );

  api.mount(
    {
      ...base,
      method: 'delete',
      path: '/tenants/teams/{team_id}/members/{kind}/{name}',
      summary: 'Remove a member from a team',
      permission: 'teams:manage',
      responses: {
        204: { description: 'Removed' },
        ...refusals,
        409: problem('Owned by another field manager'),
      },
    },
    async (ctx, { params, actor }) => {
      const { kind, name } = pathMember(params);
      await service.removeMember(actor, pathTeam(params), kind, name);
      ctx.status = 204;
    },
  );
}
