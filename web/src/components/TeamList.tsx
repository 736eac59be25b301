import type { Team } from '../api/queries.ts';
import { EmptyState } from './EmptyState.tsx';
import './List.css';

const plural = (count: number, one: string) => `${count} ${one}${count === 1 ? '' : 's'}`;

export function TeamList({ teams }: { teams: Team[] }) {
  if (teams.length === 0) {
    return (
      <EmptyState title="No teams yet">
        Teams group people around the agents and workflows they run. Team leads approve their team's
        workflows.
      </EmptyState>
    );
  }
  return (
    <ul className="list" aria-label="Teams">
      {teams.map((team) => {
        const leads = team.members.filter((member) => member.role === 'team_lead').length;
        return (
          <li className="list__item" key={team.team_id}>
            <span className="list__icon" aria-hidden="true">
              {team.name.slice(0, 1).toUpperCase()}
            </span>
            <span className="list__text">
              <span className="list__title">{team.name}</span>
              <span className="list__meta list__meta--wrap">{team.description ?? team.team_id}</span>
            </span>
            <span className="list__figure">
              {plural(team.members.length, 'member')}
              {leads > 0 ? <span className="list__sub">{plural(leads, 'lead')}</span> : null}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
