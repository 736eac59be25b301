import { CreateInvitation, InvitationList, InvitationView } from '../contract/invitations.ts';
import { type Api, problem } from '../http/operation.ts';
import type { InvitationService } from '../services/InvitationService.ts';
import type { Invitation } from '../stores/InvitationStore.ts';

const refusals = {
  401: problem('No valid credential'),
  403: problem('Your role does not allow it, or not this role'),
  404: problem('No such pending invitation in the current organization'),
};

function view(invitation: Invitation, status: InvitationView['status']): InvitationView {
  return {
    id: invitation.id,
    email: invitation.email,
    role: invitation.role,
    invited_by: invitation.invitedBy,
    created_at: invitation.createdAt.toISOString(),
    expires_at: invitation.expiresAt.toISOString(),
    status,
  };
}

export function invitationRoutes(api: Api, service: InvitationService): void {
  const base = { tag: 'members', auth: 'any' as const };

  api.mount(
    {
      ...base,
      method: 'post',
      path: '/tenants/invitations',
      summary: 'Invite someone by email to the current organization (a signed, single-use link)',
      permission: 'members:manage',
      body: CreateInvitation,
      responses: {
        201: {
          description: 'Invited; the link went by email only',
          schema: InvitationView,
          identifies: {
            path: '/tenants/invitations/{invitation_id}',
            parameter: 'invitation_id',
            field: 'id',
          },
        },
        400: problem('Invalid input'),
        ...refusals,
        503: problem('No SMTP server is configured'),
      },
    },
    async (ctx, { body, actor }) => {
      const invitation = await service.invite(actor, body);
      ctx.status = 201;
      ctx.body = InvitationView.parse(view(invitation, service.status(invitation)));
    },
  );

  api.mount(
    {
      ...base,
      method: 'get',
      path: '/tenants/invitations',
      summary: 'The invitations of the current organization',
      permission: 'members:read',
      responses: { 200: { description: 'Invitations', schema: InvitationList }, ...refusals },
    },
    async (ctx, { actor }) => {
      const list = await service.list(actor);
      ctx.body = InvitationList.parse({
        invitations: list.map((invitation) => view(invitation, service.status(invitation))),
      });
    },
  );

  api.mount(
    {
      ...base,
      method: 'delete',
      path: '/tenants/invitations/{invitation_id}',
      summary: 'Revoke a pending invitation',
      permission: 'members:manage',
      responses: { 204: { description: 'Revoked' }, ...refusals },
    },
    async (ctx, { params, actor }) => {
      const email = await service.revoke(actor, params.invitation_id ?? '');
      ctx.state.outcome = { email };
      ctx.status = 204;
    },
  );
}
