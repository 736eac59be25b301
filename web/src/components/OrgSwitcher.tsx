import { useId } from 'react';
import './OrgSwitcher.css';

export interface OrgOption {
  id: string;
  name: string;
}

/**
 * The organization the console shows, and (for people in several, and super admins, who may open
 * any) a choice of the others. A native select: keyboard, screen readers and phones know it.
 */
export function OrgSwitcher({
  current,
  organizations,
  onSelect,
}: {
  current: string | undefined;
  organizations: OrgOption[];
  onSelect: (org: string) => void;
}) {
  const id = useId();
  const known = organizations.some((org) => org.id === current);
  const options =
    known || current === undefined ? organizations : [{ id: current, name: current }, ...organizations];
  if (options.length <= 1) {
    const only = options[0];
    return only ? (
      <span className="org-switcher org-switcher--single" title={only.id}>
        {only.name}
      </span>
    ) : null;
  }
  return (
    <span className="org-switcher">
      <label className="visually-hidden" htmlFor={id}>
        Organization
      </label>
      <select
        id={id}
        className="org-switcher__select"
        value={current ?? ''}
        onChange={(event) => onSelect(event.target.value)}
      >
        {current === undefined ? (
          <option value="" disabled>
            Choose an organization
          </option>
        ) : null}
        {options.map((org) => (
          <option key={org.id} value={org.id}>
            {org.name}
          </option>
        ))}
      </select>
    </span>
  );
}
