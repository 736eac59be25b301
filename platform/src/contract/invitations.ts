import { z } from 'zod';
import { ORG_ROLES } from '../rbac.ts';
import { contract } from './registry.ts';
import { emailAddress } from './text.ts';

export const CreateInvitation = contract(
  'CreateInvitation',
  z.strictObject({
    email: emailAddress(),
    role: z.enum(ORG_ROLES).default('team_member').describe('At most what you may grant'),
  }),
);

export const InvitationView = contract(
  'Invitation',
  z.strictObject({
    id: z.string(),
    email: z.string(),
    role: z.enum(ORG_ROLES),
    invited_by: z.uuid(),
    created_at: z.string(),
    expires_at: z.string(),
    status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
  }),
);
export type InvitationView = z.infer<typeof InvitationView>;

export const InvitationList = contract(
  'InvitationList',
  z.strictObject({ invitations: z.array(InvitationView) }),
);
