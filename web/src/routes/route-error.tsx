import { type ErrorComponentProps, useRouter } from '@tanstack/react-router';
import { ErrorState } from '../components/ErrorState.tsx';

/** A page that could not load (its session check or its data): the designed message, and a retry. */
export function RouteError({ error }: ErrorComponentProps) {
  const router = useRouter();
  return (
    <main className="page page--centered">
      <ErrorState error={error} onRetry={() => router.invalidate()} />
    </main>
  );
}
