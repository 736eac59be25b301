import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useNavigate, useParams } from '@tanstack/react-router';
import { meQuery, organizationsQuery } from '../api/queries.ts';
import { signOut } from '../api/session.ts';
import { AppHeader } from '../components/AppHeader.tsx';
import { Logo } from '../components/Logo.tsx';
import { OrgNav } from '../components/OrgNav.tsx';
import { OrgSwitcher } from '../components/OrgSwitcher.tsx';

/** The frame of every signed-in page: the bar with the organization switcher, then the page. */
export function SignedInLayout() {
  const { org } = useParams({ strict: false });
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const me = useQuery(meQuery);
  const organizations = useQuery(organizationsQuery);
  const options = (organizations.data?.organizations ?? []).map((organization) => ({
    id: organization.org_id,
    name: organization.name,
  }));

  const leave = async () => {
    try {
      await signOut();
    } finally {
      queryClient.clear();
      await navigate({ to: '/login', search: { org, reason: 'signed-out' } });
    }
  };

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppHeader
        home={
          <Link to="/" className="app-header__home" aria-label="Guardian, your organizations">
            <Logo compact />
          </Link>
        }
        user={me.data?.user.email ?? me.data?.user.name ?? undefined}
        onSignOut={leave}
        switcher={
          <OrgSwitcher
            current={org}
            organizations={options}
            onSelect={(next) => navigate({ to: '/o/$org', params: { org: next } })}
          />
        }
      />
      <main id="main" className="page" tabIndex={-1}>
        {org ? <OrgNav org={org} /> : null}
        <Outlet />
      </main>
    </>
  );
}
