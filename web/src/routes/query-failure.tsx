import { useQueryClient } from '@tanstack/react-query';
import { useRouterState } from '@tanstack/react-router';
import { ErrorState } from '../components/ErrorState.tsx';
import { loginHref } from './login-href.ts';

/** A page's refused or failed read about `org`: the designed answer, and a retry of its queries. */
export function QueryFailure({ org, error }: { org: string; error: unknown }) {
  const href = useRouterState({ select: (router) => router.location.href });
  const queryClient = useQueryClient();
  return (
    <ErrorState
      error={error}
      org={org}
      signInHref={loginHref(org, href)}
      onRetry={() => queryClient.refetchQueries({ predicate: (query) => query.queryKey[1] === org })}
    />
  );
}
