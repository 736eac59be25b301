import { isApiError } from '../api/errors.ts';

/** What the platform said when it refused an action (its problem's detail), announced politely. */
export function ProblemMessage({ error }: { error: unknown }) {
  if (!error) return null;
  const text = isApiError(error) ? error.message : 'Something went wrong';
  return (
    <p className="problem-message" role="alert">
      {text}
    </p>
  );
}

/** The problem's message for `field`, to show beside it. */
export function fieldError(error: unknown, field: string): string | undefined {
  if (!isApiError(error)) return undefined;
  return error.problem?.errors?.find((entry) => entry.field === field)?.message;
}
