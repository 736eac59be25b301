import { Link } from '@tanstack/react-router';
import './OrgNav.css';

/** The organization's pages: the one open is marked current for assistive technology too. */
export function OrgNav({ org }: { org: string }) {
  const links = [
    { to: '/o/$org', label: 'Overview', exact: true },
    { to: '/o/$org/agents', label: 'Agents', exact: false },
    { to: '/o/$org/findings', label: 'Findings', exact: false },
    { to: '/o/$org/cost', label: 'Cost', exact: false },
    { to: '/o/$org/chat', label: 'Chat', exact: false },
    { to: '/o/$org/workflows', label: 'Workflows', exact: false },
    { to: '/o/$org/approvals', label: 'Approvals', exact: false },
    { to: '/o/$org/analytics', label: 'Analytics', exact: false },
  ] as const;
  return (
    <nav className="org-nav" aria-label="Organization pages">
      <ul className="org-nav__list">
        {links.map((link) => (
          <li key={link.to}>
            <Link
              to={link.to}
              params={{ org }}
              className="org-nav__link"
              activeOptions={{ exact: link.exact }}
              activeProps={{ 'aria-current': 'page', className: 'org-nav__link org-nav__link--current' }}
            >
              {link.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
