/**
 * An error as logged: its type and message, and those of its causes. Not the stack or the other
 * properties: client libraries hang request parameters (authorization codes, headers) on errors.
 */
export interface LoggedError {
  type: string;
  message: string;
  cause?: LoggedError;
}

export function logError(error: unknown, depth = 0): LoggedError {
  if (!(error instanceof Error)) return { type: typeof error, message: 'non-Error thrown' };
  const logged: LoggedError = { type: error.name, message: error.message };
  if (error.cause !== undefined && depth < 5) logged.cause = logError(error.cause, depth + 1);
  return logged;
}
