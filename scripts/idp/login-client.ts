// Browser-less OpenID Connect sign-in for tests: authorization code + PKCE with openid-client,
// the identity provider's HTML login form driven with plain HTTP and a hand-kept cookie jar.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import * as client from 'openid-client';

export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | URLSearchParams | Uint8Array | ArrayBuffer | ReadableStream | null;
  signal?: AbortSignal | undefined;
}
export type TrustingFetch = (url: string | URL, init?: FetchInit) => Promise<Response>;

function bodyBytes(body: FetchInit['body']): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof URLSearchParams) return Buffer.from(body.toString());
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(new Uint8Array(body));
  throw new Error('streamed request bodies are not supported');
}

/**
 * A fetch that trusts `caPem` for HTTPS (the stack CA) and never follows redirects. Node's own
 * fetch only learns a CA from NODE_EXTRA_CA_CERTS at start-up, which a test cannot rely on; this
 * goes through node:https with an explicit `ca` instead. Usable as openid-client's customFetch.
 */
export function fetchTrusting(caPem: string): TrustingFetch {
  const agent = new Agent({ ca: caPem });
  return (url, init = {}) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const body = bodyBytes(init.body);
      const headers: Record<string, string> = { ...init.headers };
      if (
        init.body instanceof URLSearchParams &&
        !Object.keys(headers).some((h) => /^content-type$/i.test(h))
      ) {
        headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
      }
      const method = init.method ?? 'GET';
      const options = { method, headers, signal: init.signal };
      const onResponse = (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 500;
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
              responseHeaders.append(name, item);
            }
          }
          // A Response refuses a body with these statuses, even an empty one.
          const noBody = method === 'HEAD' || [101, 204, 205, 304].includes(status);
          resolve(new Response(noBody ? null : Buffer.concat(chunks), { status, headers: responseHeaders }));
        });
      };
      const req =
        target.protocol === 'https:'
          ? httpsRequest(target, { ...options, agent }, onResponse)
          : httpRequest(target, options, onResponse);
      req.on('error', reject);
      req.end(body);
    });
}

interface Cookie {
  host: string;
  path: string;
  name: string;
  value: string;
  secure: boolean;
}

/**
 * Enough of a browser's cookie store for sign-in flows: host-only cookies (the Domain attribute is
 * ignored), path-scoped, Secure ones only over HTTPS and, as in a browser, not scoped by port.
 */
export class CookieJar {
  private readonly cookies = new Map<string, Cookie>();

  store(url: URL, headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const cookie: Cookie = {
        host: url.hostname,
        path: url.pathname.replace(/\/[^/]*$/, '') || '/',
        name: pair.slice(0, eq),
        value: pair.slice(eq + 1),
        secure: false,
      };
      let expired = false;
      for (const attribute of attributes) {
        const [key = '', value = ''] = attribute.split('=', 2);
        const name = key.toLowerCase();
        if (name === 'path' && value.startsWith('/')) cookie.path = value;
        else if (name === 'secure') cookie.secure = true;
        else if (name === 'max-age') expired ||= Number(value) <= 0;
        else if (name === 'expires') expired ||= Date.parse(value) <= Date.now();
      }
      const key = `${cookie.host} ${cookie.path} ${cookie.name}`;
      if (expired) this.cookies.delete(key);
      else this.cookies.set(key, cookie);
    }
  }

  header(url: URL): string | undefined {
    const matches = [...this.cookies.values()].filter(
      (c) =>
        c.host === url.hostname &&
        (url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)) &&
        (!c.secure || url.protocol === 'https:'),
    );
    return matches.length > 0 ? matches.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }
}

/** The identity provider (or an app on the way) refused or broke off the sign-in. */
export class LoginRefused extends Error {
  readonly status: number;
  readonly url: string;

  constructor(message: string, status: number, url: string) {
    super(message);
    this.name = 'LoginRefused';
    this.status = status;
    this.url = url;
  }
}

const text = (html: string) =>
  html
    .replace(/<(style|script)[\s\S]*?<\/\1>/gi, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);

/** The action of a page's form when it asks for a password, i.e. a login form. */
function loginFormAction(html: string): string | undefined {
  const form = /<form\b[^>]*>[\s\S]*?<\/form>/i.exec(html)?.[0];
  if (!form || !/name="password"/i.test(form)) return undefined;
  const action = /\baction="([^"]*)"/i.exec(form)?.[1] ?? '';
  return action.replaceAll('&amp;', '&').replaceAll('&quot;', '"');
}

export interface SignInOptions {
  /** Where the browser starts: an authorization URL, or an app's own login route. */
  startUrl: string | URL;
  email: string;
  password: string;
  fetch: TrustingFetch;
  jar?: CookieJar;
  /** Stop (without requesting it) at the first redirect to a URL this accepts, e.g. the callback. */
  stopAt?: (url: URL) => boolean;
}

export interface SignInResult {
  url: URL;
  /** The last page, when the flow ran to one instead of stopping at a redirect. */
  page?: { status: number; html: string };
  jar: CookieJar;
}

/**
 * Follows redirects from `startUrl` like a browser, fills in the first login form with the
 * credentials, and goes on until `stopAt` accepts a redirect target or a page without a form ends
 * the flow. A login form shown again after the credentials went in, or an error page, throws.
 */
export async function signIn(options: SignInOptions): Promise<SignInResult> {
  const jar = options.jar ?? new CookieJar();
  let url = new URL(options.startUrl);
  let form: URLSearchParams | undefined;
  let submitted = false;
  for (let step = 0; step < 20; step++) {
    const cookie = jar.header(url);
    const response = await options.fetch(url, {
      method: form ? 'POST' : 'GET',
      headers: cookie ? { cookie } : {},
      body: form,
    });
    jar.store(url, response.headers);
    form = undefined;
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url);
      if (options.stopAt?.(url)) return { url, jar };
      continue;
    }
    const html = await response.text();
    const action = loginFormAction(html);
    if (action !== undefined && !submitted && response.ok) {
      url = new URL(action || url.href, url);
      form = new URLSearchParams({ email: options.email, password: options.password });
      submitted = true;
      continue;
    }
    if (action !== undefined || !response.ok) {
      const where = `${url.origin}${url.pathname}`;
      throw new LoginRefused(
        `sign-in as ${options.email} refused at ${where} (HTTP ${response.status}): ${text(html)}`,
        response.status,
        url.href,
      );
    }
    return { url, page: { status: response.status, html }, jar };
  }
  throw new LoginRefused(`sign-in as ${options.email}: too many redirects`, 0, url.href);
}

export interface LoginOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  email: string;
  password: string;
  /** PEM of the CA that signed the issuer's certificate (the stack CA, `STACK_CA_FILE`). */
  ca: string;
  scope?: string;
  /** Extra authorization request parameters, e.g. `{ prompt: 'consent' }`. */
  parameters?: Record<string, string>;
  /** How the client authenticates at the token endpoint; default `client_secret_basic`. */
  authMethod?: 'client_secret_basic' | 'client_secret_post';
}

/** openid-client's view of an issuer, with the CA trusted for every later request. */
export function discover(options: Omit<LoginOptions, 'redirectUri' | 'email' | 'password'>) {
  const auth =
    options.authMethod === 'client_secret_post'
      ? client.ClientSecretPost(options.clientSecret)
      : client.ClientSecretBasic(options.clientSecret);
  return client.discovery(new URL(options.issuer), options.clientId, undefined, auth, {
    [client.customFetch]: fetchTrusting(options.ca),
  });
}

export interface Authorization {
  config: client.Configuration;
  /** Where the identity provider sent the browser back: the redirect URI with `code` and `state`. */
  callbackUrl: URL;
  codeVerifier: string;
  state: string;
  nonce: string;
  jar: CookieJar;
}

/** Signs in up to the redirect back to the client, without redeeming the code. */
export async function authorize(options: LoginOptions): Promise<Authorization> {
  const config = await discover(options);
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const startUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: options.redirectUri,
    scope: options.scope ?? 'openid email profile groups',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...options.parameters,
  });
  const callback = new URL(options.redirectUri);
  const { url, jar } = await signIn({
    startUrl,
    email: options.email,
    password: options.password,
    fetch: fetchTrusting(options.ca),
    stopAt: (target) => target.origin === callback.origin && target.pathname === callback.pathname,
  });
  const error = url.searchParams.get('error');
  if (error !== null) {
    const description = url.searchParams.get('error_description') ?? '';
    throw new LoginRefused(`authorization refused: ${error} ${description}`.trim(), 0, url.href);
  }
  return { config, callbackUrl: url, codeVerifier, state, nonce, jar };
}

export type LoginResult = client.TokenEndpointResponse & { claims: client.IDToken };

/**
 * A complete sign-in: authorization code + PKCE, then the code redeemed for tokens. Follow-up
 * grants need a Configuration: `client.refreshTokenGrant(await discover(options), refresh_token)`.
 */
export async function login(options: LoginOptions): Promise<LoginResult> {
  const { config, callbackUrl, codeVerifier, state, nonce } = await authorize(options);
  const tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers =
    await client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: codeVerifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
  const claims = tokens.claims();
  if (!claims) throw new Error(`${options.issuer} returned no ID token`);
  const response: client.TokenEndpointResponse = tokens;
  return { ...response, claims };
}
