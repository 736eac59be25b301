import { type ErrorComponentProps, useRouter } from '@tanstack/react-router';
import { useEffect } from 'react';
import { ApiError } from '../api/errors.ts';
import { ErrorState } from '../components/ErrorState.tsx';

/** A page that could not load (its session check or its data): the designed message, and a retry. */
export function RouteError({ error }: ErrorComponentProps) {
  const router = useRouter();
  // What is no answer of the API is a fault of the console: the browser's console keeps its trace.
  useEffect(() => {
    if (!(error instanceof ApiError)) console.error(error);
  }, [error]);
  return (
    <main className="page page--centered">
      <ErrorState error={error} onRetry={() => router.invalidate()} />
    </main>
  );
}
