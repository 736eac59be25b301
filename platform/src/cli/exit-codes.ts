// The CLI's exit codes, documented in docs/guide/cli.md: pipelines branch on them.
export const EXIT = {
  ok: 0,
  /** Findings at or above --fail-on, or a waited workflow run that did not succeed. */
  failed: 1,
  /** Bad arguments, or input the API refused (400, 404, 409). */
  usage: 2,
  /** No credential, an invalid one, or a role that does not allow the request (401, 403). */
  auth: 3,
  /** A plan's monthly limit or the hourly API limit (429). */
  quota: 4,
  /** The platform failed or could not be reached (5xx, network). */
  server: 5,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI reports and exits with: the message on stderr, the code for the pipeline. */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  readonly details: readonly string[];
  constructor(message: string, exitCode: ExitCode, details: readonly string[] = [], options?: ErrorOptions) {
    super(message, options);
    this.exitCode = exitCode;
    this.details = details;
  }
}

/** The exit code for an HTTP status the API answered with. */
export function exitForStatus(status: number): ExitCode {
  if (status === 401 || status === 403) return EXIT.auth;
  if (status === 429) return EXIT.quota;
  if (status >= 500) return EXIT.server;
  return EXIT.usage;
}
