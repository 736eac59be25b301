import { Outlet, useRouterState } from '@tanstack/react-router';
import { useSyncExternalStore } from 'react';
import { ApiError } from '../api/errors.ts';
import { tokens } from '../api/session.ts';
import { ErrorState } from '../components/ErrorState.tsx';
import { loginHref } from './login-href.ts';
import './layout.css';

const sessionEnded = new ApiError('unauthenticated', 'The session has ended');

/** Every page, unless the session ended while it was open: then the way back in, to this page. */
export function Root() {
  const state = useSyncExternalStore(
    (changed) => tokens.subscribe(changed),
    () => tokens.sessionState,
  );
  const location = useRouterState({ select: (router) => router.location });
  if (state !== 'expired') return <Outlet />;
  const org = /^\/o\/([^/]+)/.exec(location.pathname)?.[1];
  return (
    <main className="page page--centered">
      <ErrorState error={sessionEnded} org={org} signInHref={loginHref(org, location.href)} />
    </main>
  );
}
