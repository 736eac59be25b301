import { z } from 'zod';
import { TEAM_ROLES } from '../rbac.ts';
import { contract } from './registry.ts';
import { distinct, line, paragraph } from './text.ts';
import { orgId } from './token.ts';

export const teamId = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'must be a team id (a DNS label)' });

const AGENT_CATEGORIES = [
  'cost',
  'security',
  'compliance',
  'deployment',
  'reliability',
  'observability',
] as const;

export const CreateTeam = contract(
  'CreateTeam',
  z.strictObject({
    name: line(128).describe('The display name, e.g. "DevOps Team"'),
    description: paragraph(1024).optional(),
    team_id: teamId.optional().describe('Default: derived from name'),
    agent_categories: distinct(z.enum(AGENT_CATEGORIES), 6).optional(),
  }),
);
export type CreateTeam = z.infer<typeof CreateTeam>;

export const UpdateTeam = contract(
  'UpdateTeam',
  z.strictObject({
    name: line(128).optional(),
    description: paragraph(1024).nullable().optional(),
    agent_categories: distinct(z.enum(AGENT_CATEGORIES), 6).nullable().optional(),
  }),
);
export type UpdateTeam = z.infer<typeof UpdateTeam>;

export const TeamMember = contract(
  'TeamMember',
  z.strictObject({
    kind: z.enum(['User', 'Group']),
    name: line(256),
    role: z.enum(TEAM_ROLES),
  }),
);
export type TeamMember = z.infer<typeof TeamMember>;

export const PutTeamMember = contract(
  'PutTeamMember',
  z.strictObject({ role: z.enum(TEAM_ROLES).default('team_member') }),
);

export const TeamView = contract(
  'Team',
  z.strictObject({
    team_id: teamId,
    org_id: orgId,
    name: z.string(),
    description: z.string().nullable(),
    members: z.array(TeamMember),
    agent_categories: z.array(z.string()).nullable().describe('null: every category'),
    created_at: z.string().nullable(),
  }),
);
export type TeamView = z.infer<typeof TeamView>;

export const TeamList = contract('TeamList', z.strictObject({ teams: z.array(TeamView) }));
export const TeamMemberList = contract('TeamMemberList', z.strictObject({ members: z.array(TeamMember) }));
