import type { Role } from '../api/queries.ts';

const LABELS: Record<Role, string> = {
  super_admin: 'Super admin',
  org_owner: 'Owner',
  org_admin: 'Admin',
  team_lead: 'Team lead',
  team_member: 'Member',
  read_only: 'Read-only',
};

export function roleLabel(role: Role): string {
  return LABELS[role];
}
