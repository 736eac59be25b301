import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { ApiError } from './errors.ts';
import type { paths } from './generated/schema.ts';
import type { IssuedToken, TokenSource } from './token.ts';

export type Api = Client<paths>;

export interface ClientOptions {
  /** Default: the page's origin (the platform serves the console and the API together). */
  baseUrl?: string;
  fetch?: (request: Request) => Promise<Response>;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

// Looked up per call, not when the client is made, so that tests can stand in for the network.
const networkFetch = (request: Request) => globalThis.fetch(request);

/**
 * The answer of an API call, or an ApiError: the platform's problem+json (with its kind, status,
 * detail and Retry-After), or `network` when no answer came at all.
 */
export async function call<D>(
  request: Promise<{ data?: D; error?: unknown; response: Response }>,
): Promise<D> {
  let result: { data?: D; error?: unknown; response: Response };
  try {
    result = await request;
  } catch (error) {
    throw error instanceof ApiError ? error : ApiError.network(error);
  }
  if (!result.response.ok) throw ApiError.fromResponse(result.response, result.error);
  return result.data as D;
}

/** The calls the browser session makes itself: the HttpOnly cookie authenticates them, never a token. */
export function sessionClient(options: ClientOptions = {}): Api {
  return createClient<paths>({
    baseUrl: options.baseUrl ?? '',
    fetch: options.fetch ?? networkFetch,
    credentials: 'same-origin',
  });
}

/** POST /auth/token: the session cookie, exchanged for a short-lived access token. */
export async function exchangeSession(session: Api): Promise<IssuedToken> {
  const token = await call(session.POST('/auth/token', { body: {} }));
  return { accessToken: token.access_token, expiresIn: token.expires_in };
}

/**
 * Every other call: the bearer token of `tokens`. A read the platform refuses with 401 (the token
 * expired or its key was rotated out) renews the token once and is sent again.
 */
export function apiClient(tokens: TokenSource, options: ClientOptions = {}): Api {
  const send = options.fetch ?? networkFetch;
  const client = createClient<paths>({ baseUrl: options.baseUrl ?? '', fetch: send, credentials: 'omit' });
  const bearer: Middleware = {
    async onRequest({ request }) {
      request.headers.set('authorization', `Bearer ${await tokens.get()}`);
      return request;
    },
    async onResponse({ request, response }) {
      if (response.status !== 401 || !SAFE_METHODS.has(request.method)) return response;
      tokens.invalidate(request.headers.get('authorization')?.replace(/^Bearer /, '') ?? '');
      const again = new Request(request);
      again.headers.set('authorization', `Bearer ${await tokens.renew()}`);
      return send(again);
    },
  };
  client.use(bearer);
  return client;
}
