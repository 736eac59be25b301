import type { Member } from '../api/queries.ts';
import { Avatar } from './Avatar.tsx';
import { Badge } from './Badge.tsx';
import { EmptyState } from './EmptyState.tsx';
import { roleLabel } from './roles.ts';
import './List.css';

const SOURCES: Record<Member['source'], string> = {
  owner: 'Owner in the organization’s settings',
  domain: 'Joined by email domain',
  invitation: 'Joined by invitation',
  manual: 'Added by an admin',
};

/** The line under a member's name: their email, or (when the name is the email) how they came. */
function detail(member: Member): string {
  if (member.kind === 'Group') return 'Identity-provider group';
  return member.name && member.email ? member.email : SOURCES[member.source];
}

const RANK: Record<Member['role'], number> = {
  org_owner: 0,
  org_admin: 1,
  team_lead: 2,
  team_member: 3,
  read_only: 4,
};

/** The first `shown` members, owners first, and how many more there are. */
export function MemberList({ members, shown = 6 }: { members: Member[]; shown?: number }) {
  if (members.length === 0) {
    return (
      <EmptyState title="No members yet">
        People join when they sign in with an email of the organization's domain or accept an invitation.
      </EmptyState>
    );
  }
  const sorted = [...members].sort(
    (a, b) => RANK[a.role] - RANK[b.role] || (a.email ?? a.name ?? '').localeCompare(b.email ?? b.name ?? ''),
  );
  const rest = sorted.length - shown;
  return (
    <>
      <ul className="list" aria-label="Members">
        {sorted.slice(0, shown).map((member) => {
          const title = member.name ?? member.email ?? 'Unnamed member';
          return (
            <li
              className="list__item"
              key={`${member.kind}:${member.user_id ?? member.email ?? member.name}`}
            >
              <Avatar name={title} />
              <span className="list__text">
                <span className="list__title">{title}</span>
                <span className="list__meta">{detail(member)}</span>
              </span>
              <Badge tone={member.role === 'org_owner' ? 'accent' : 'neutral'}>
                {roleLabel(member.role)}
              </Badge>
            </li>
          );
        })}
      </ul>
      {rest > 0 ? <p className="list__more">and {rest} more</p> : null}
    </>
  );
}
