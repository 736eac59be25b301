import { z } from 'zod';
import { MemberList, UpdateMember } from '../contract/members.ts';
import { type Api, problem } from '../http/operation.ts';
import { NotFoundError } from '../services/errors.ts';
import type { MemberService } from '../services/MemberService.ts';

const refusals = {
  401: problem('No valid credential'),
  403: problem('Your role does not allow it (roles are granted only up to your own; owners only by owners)'),
  404: problem('No such member of the current organization'),
};

function pathUser(params: Record<string, string>): string {
  const parsed = z.uuid().safeParse(params.user_id);
  if (!parsed.success) throw new NotFoundError('No such member');
  return parsed.data;
}

export function memberRoutes(api: Api, service: MemberService): void {
  const base = { tag: 'members', auth: 'any' as const };

  api.mount(
    {
      ...base,
      method: 'get',
      path: '/tenants/members',
      summary: 'The members of the current organization with their effective roles',
      permission: 'members:read',
      responses: { 200: { description: 'Members', schema: MemberList }, ...refusals },
    },
    async (ctx, { actor }) => {
      ctx.body = MemberList.parse({ members: await service.list(actor) });
    },
  );

  api.mount(
    {
      ...base,
      method: 'patch',
      path: '/tenants/members/{user_id}',
      summary: 'Change a member’s role',
      permission: 'members:manage',
      body: UpdateMember,
      responses: {
        204: { description: 'Changed' },
        400: problem('Invalid input'),
        ...refusals,
        409: problem(
          'It would leave the organization without an owner, or the owner is named in spec.owners',
        ),
      },
    },
    async (ctx, { params, body, actor }) => {
      const previous = await service.change(actor, pathUser(params), body.role);
      ctx.state.outcome = { before: { role: previous } };
      ctx.status = 204;
    },
  );

  api.mount(
    {
      ...base,
      method: 'delete',
      path: '/tenants/members/{user_id}',
      summary: 'Remove a member from the current organization',
      permission: 'members:manage',
      responses: {
        204: { description: 'Removed' },
        ...refusals,
        409: problem('It would leave the organization without an owner'),
      },
    },
    async (ctx, { params, actor }) => {
      const previous = await service.change(actor, pathUser(params), null);
      ctx.state.outcome = { before: { role: previous } };
      ctx.status = 204;
    },
  );
}
