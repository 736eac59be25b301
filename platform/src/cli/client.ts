// The CLI's one way to call the platform API: the base URL, a bearer credential and the
// organization (x-org-id), with refusals turned into CliErrors that show the problem+json details.
import type { Problem } from '../contract/problem.ts';
import { CliError, EXIT, exitForStatus } from './exit-codes.ts';

export interface Connection {
  url: string;
  credential: string;
  org?: string;
}

/** Where and as whom the CLI calls: flags first, then GUARDIAN_URL, GUARDIAN_API_KEY, GUARDIAN_ORG. */
export function connectionFrom(
  flags: { url?: string; org?: string },
  env: NodeJS.ProcessEnv = process.env,
): Connection {
  const url = flags.url ?? env.GUARDIAN_URL;
  if (!url) throw new CliError('No platform URL: pass --url or set GUARDIAN_URL', EXIT.usage);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new CliError(`Not a URL: ${url}`, EXIT.usage, [], { cause: error });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new CliError(`The platform URL must be http(s): ${url}`, EXIT.usage);
  }
  const credential = env.GUARDIAN_API_KEY;
  if (!credential) throw new CliError('No credential: set GUARDIAN_API_KEY', EXIT.auth);
  const org = flags.org ?? env.GUARDIAN_ORG;
  return { url: parsed.href.replace(/\/$/, ''), credential, ...(org ? { org } : {}) };
}

/** Calls the API and answers the parsed JSON body; any refusal is a CliError with its problem. */
export async function request<T>(
  connection: Connection,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${connection.credential}`,
    accept: 'application/json, application/problem+json',
  };
  if (connection.org) headers['x-org-id'] = connection.org;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${connection.url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (error) {
    // fetch's own error says only "fetch failed"; why is in its cause (ECONNREFUSED, a TLS error).
    const cause =
      error instanceof Error ? (error.cause as (Error & { code?: string }) | undefined) : undefined;
    const why = cause?.code ?? cause?.message;
    throw new CliError(`Could not reach the platform at ${connection.url}`, EXIT.server, why ? [why] : [], {
      cause: error,
    });
  }
  const text = await response.text();
  if (!response.ok) throw refusal(method, path, response.status, text);
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new CliError(`${method} ${path} answered with something other than JSON`, EXIT.server, [], {
      cause: error,
    });
  }
}

function refusal(method: string, path: string, status: number, text: string): CliError {
  let problem: Partial<Problem> = {};
  try {
    problem = JSON.parse(text) as Partial<Problem>;
  } catch {
    // Not problem+json (a proxy's page): the status says enough.
  }
  const title = problem.title ?? `HTTP ${status}`;
  const details = [
    ...(problem.errors ?? []).map((error) => `${error.field}: ${error.message}`),
    ...(problem.quota
      ? [
          `${problem.quota.kind}: ${problem.quota.used} used of ${problem.quota.limit ?? 'unlimited'}, resets ${problem.quota.resets_at}`,
        ]
      : []),
  ];
  const detail = problem.detail && problem.detail !== title ? `: ${problem.detail}` : '';
  return new CliError(
    `${method} ${path} refused (${status} ${title})${detail}`,
    exitForStatus(status),
    details,
  );
}
