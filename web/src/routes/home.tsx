import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { meQuery, organizationsQuery, roleIn } from '../api/queries.ts';
import { Badge } from '../components/Badge.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { ErrorState } from '../components/ErrorState.tsx';
import { roleLabel } from '../components/roles.ts';
import { Skeleton } from '../components/Skeleton.tsx';
import { useTitle } from './title.ts';
import './home.css';

/** For people in several organizations (or none), and super admins: which one to open. */
export function HomePage() {
  const me = useQuery(meQuery);
  const organizations = useQuery(organizationsQuery);
  useTitle('Organizations');
  if (organizations.isError) {
    return <ErrorState error={organizations.error} onRetry={() => organizations.refetch()} />;
  }
  const superAdmin = me.data?.tenant_context.super_admin ?? false;
  const list = organizations.data?.organizations ?? [];
  return (
    <div className="home">
      <header className="page-header">
        <div className="page-header__text">
          <p className="page-header__eyebrow">{superAdmin ? 'Super admin' : 'Welcome'}</p>
          <h1>Choose an organization</h1>
          <p className="page-header__meta">
            {superAdmin
              ? 'As a super admin you may open every organization of this Guardian.'
              : 'You belong to more than one organization. You can switch at any time from the bar above.'}
          </p>
        </div>
      </header>
      {organizations.isPending ? (
        <Skeleton lines={3} label="Loading your organizations" />
      ) : list.length === 0 ? (
        <EmptyState title="You are not in an organization yet">
          Ask an owner to invite you, or sign in through your organization’s SSO: people whose email domain an
          organization claims join it when they first sign in.
        </EmptyState>
      ) : (
        <ul className="home__grid" aria-label="Organizations">
          {list.map((organization) => {
            const role = me.data ? roleIn(me.data.tenant_context, organization.org_id) : undefined;
            return (
              <li key={organization.org_id}>
                <Link className="home__card" to="/o/$org" params={{ org: organization.org_id }}>
                  <span className="home__name">{organization.name}</span>
                  <span className="home__meta">
                    <code>{organization.org_id}</code> · {organization.plan_type} plan
                  </span>
                  <span className="home__badges">
                    {role ? <Badge tone="accent">{roleLabel(role)}</Badge> : null}
                    {organization.suspended ? <Badge tone="danger">Suspended</Badge> : null}
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
