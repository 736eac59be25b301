import { CreateInvitation, InvitationList, InvitationView } from '../contract/invitations.ts';
import { Problem } from '../contract/problem.ts';
import type { Api } from '../http/operation.ts';
import type { AuthContext } from '../http/state.ts';
import type { Role } from '../rbac.ts';
import { currentOrg } from '../services/authorize.ts';
import type { InvitationService } from '../services/InvitationService.ts';
import type { Invitation } from '../stores/InvitationStore.ts';

const problem = (description: string) => ({ description, schema: Problem });
const refusals = {
  401: problem('No valid credential'),
  403: problem('Your role does not allow it, or not this role'),
  404: problem('No such pending invitation in the current organization'),
};

function view(invitation: Invitation, now: number): InvitationView {
  const status = invitation.acceptedAt
    ? 'accepted'
    : invitation.revokedAt
      ? 'revoked'
      : invitation.expiresAt.getTime() <= now
        ? 'expired'
        : 'pending';
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
        201: { description: 'Invited; the link went by email only', schema: InvitationView },
        400: problem('Invalid input'),
        ...refusals,
        503: problem('No SMTP server is configured'),
      },
    },
    async (ctx, { body }) => {
      const auth = ctx.state.auth as AuthContext;
      const invitation = await service.invite(
        { userId: auth.userId, role: auth.role as Role },
        currentOrg(auth),
        body,
      );
      ctx.status = 201;
      ctx.body = InvitationView.parse(view(invitation, Date.now()));
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
    async (ctx) => {
      const list = await service.list(currentOrg(ctx.state.auth as AuthContext));
      ctx.body = InvitationList.parse({
        invitations: list.map((invitation) => view(invitation, Date.now())),
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
    async (ctx, { params }) => {
      const email = await service.revoke(
        currentOrg(ctx.state.auth as AuthContext),
        params.invitation_id ?? '',
      );
      ctx.state.outcome = { email };
      ctx.status = 204;
    },
  );
}
