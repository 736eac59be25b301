import { z } from 'zod';
import { ORG_ROLES } from '../rbac.ts';
import { contract } from './registry.ts';

export const Member = contract(
  'Member',
  z.strictObject({
    kind: z.enum(['User', 'Group']),
    user_id: z
      .uuid()
      .nullable()
      .describe('null: an owner in spec.owners who has not logged in yet, or a group'),
    email: z.string().nullable(),
    name: z.string().nullable(),
    role: z.enum(ORG_ROLES).describe('The effective role: the highest of spec.owners and the membership'),
    source: z
      .enum(['domain', 'invitation', 'manual', 'owner'])
      .describe('owner: spec.owners of the Organization'),
  }),
);
export type Member = z.infer<typeof Member>;

export const MemberList = contract('MemberList', z.strictObject({ members: z.array(Member) }));

export const UpdateMember = contract('UpdateMember', z.strictObject({ role: z.enum(ORG_ROLES) }));
export type UpdateMember = z.infer<typeof UpdateMember>;
