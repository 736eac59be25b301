// The platform API in tests: in-process on a free port (so a test can inject a clock and read
// counters) or as `guardian platform`, always as its own ServiceAccount; test organizations with
// their plans and SSO Secrets; and a browser-less browser that logs in through the dev IdP.

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { API_VERSION } from '@guardian/crds/kinds';
import type { Clock } from '@guardian/kube/clock';
import { loadClusterAccess } from '@guardian/kube/kubeconfig';
import { pino } from 'pino';
import type { Agent } from '../../platform/src/agents/index.ts';
import { parseConfig, platformConfig } from '../../platform/src/config.ts';
import { connect, migrate } from '../../platform/src/db.ts';
import { Platform } from '../../platform/src/platform.ts';
import { withTenant } from '../../platform/src/stores/with-tenant.ts';
import { CookieJar, fetchTrusting, signIn } from '../../scripts/idp/login-client.ts';
import { platformOrgSecretAccess } from '../../scripts/rbac-manifests.ts';
import { platformIdentity } from '../../scripts/service-account-identity.ts';
import { freePort } from '../../scripts/stack/process.ts';
import { eventually, k8s, kubeConfig } from './kube.ts';
import { encryptionKey, stackEnv } from './stack.ts';

export const ca = () => readFileSync(stackEnv('STACK_CA_FILE'), 'utf8');
const guardian = resolve(import.meta.dirname, '../../bin/guardian.ts');
const repo = resolve(import.meta.dirname, '../..');

export { encryptionKey };

/** The platform's RBAC in `namespace`, and a kubeconfig with its ServiceAccount's token. */
export function platformKubeconfig(namespace: string): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'guardian-platform-')), 'kubeconfig');
  return platformIdentity(kubeConfig(), namespace, file, 1);
}

/** The environment `guardian platform` gets in tests: the stack's, plus what the platform needs. */
export function platformEnv(port: number, kubeconfig: string, metricsPort = 0): Record<string, string> {
  return {
    PORT: String(port),
    METRICS_PORT: String(metricsPort),
    DATABASE_URL: stackEnv('DATABASE_URL'),
    REDIS_URL: stackEnv('REDIS_URL'),
    // Each test platform is its own instance: throttles keyed by client address (127.0.0.1 for all)
    // must not be taken by another suite's platform.
    REDIS_KEY_PREFIX: `${randomUUID()}:`,
    OIDC_ISSUER: stackEnv('OIDC_ISSUER'),
    OIDC_CLIENT_ID: stackEnv('OIDC_CLIENT_ID'),
    OIDC_CLIENT_SECRET: stackEnv('OIDC_CLIENT_SECRET'),
    OIDC_CA_FILE: stackEnv('STACK_CA_FILE'),
    // The stack's identity provider listens on loopback: the only private address allowed.
    OUTBOUND_ALLOWED_CIDRS: '127.0.0.1/32',
    GUARDIAN_SUPER_ADMINS: 'root@guardian.local',
    GUARDIAN_ENCRYPTION_KEY: encryptionKey(),
    KUBECONFIG: kubeconfig,
    // Every test platform shares the stack's database, so any would deliver any suite's webhooks
    // with its own settings: only the webhook suites, which set it, run delivery workers.
    WEBHOOK_WORKERS: '0',
    // Platforms of many suites share the stack's database: the analytics rollup (which audits
    // quotas of every organization it sees) runs at midnight only, unless a suite asks for it.
    ANALYTICS_ROLLUP_INTERVAL_SECONDS: '86400',
  };
}

export interface TestPlatform {
  platform: Platform;
  url: string;
  /** Where /metrics is served (METRICS_PORT, a port of its own). */
  metricsUrl: string;
  stop(): Promise<void>;
}

/** Starts the platform in this process, migrated and ready, as the ServiceAccount of `namespace`. */
export async function startPlatform(options: {
  kubeconfig: string;
  clock?: Clock;
  env?: Record<string, string>;
  unknownKidReloadMs?: number;
  /** The agents runs may select, when a test brings its own (e.g. one that fails). */
  agents?: readonly Agent[];
  /** Every log line, at debug level, for tests that search the platform's logs. */
  logs?: string[];
}): Promise<TestPlatform> {
  await migrate(stackEnv('DATABASE_ADMIN_URL'), stackEnv('DATABASE_URL'));
  const port = await freePort();
  const config = parseConfig(platformConfig, { ...platformEnv(port, options.kubeconfig), ...options.env });
  const kube = loadClusterAccess({ KUBECONFIG: options.kubeconfig });
  const lines = options.logs;
  const log = lines
    ? pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) })
    : pino({ level: process.env.PLATFORM_TEST_LOG ?? 'silent' });
  const platform = await Platform.create({
    config,
    kube,
    log,
    clock: options.clock,
    unknownKidReloadMs: options.unknownKidReloadMs,
    agents: options.agents,
  });
  await platform.start();
  const url = `http://127.0.0.1:${port}`;
  await eventually('the platform to be ready', async () => (await fetch(`${url}/readyz`)).status === 200);
  const metricsUrl = `http://127.0.0.1:${platform.metricsPort}`;
  return { platform, url, metricsUrl, stop: () => platform.stop() };
}

export interface PlatformProcess {
  process: ChildProcess;
  url: string;
  /** Where /metrics is served (METRICS_PORT, a port of its own). */
  metricsUrl: string;
  logs: string[];
  stop(): Promise<number | null>;
}

/** Starts `guardian platform` as a user would run it. */
export async function startPlatformProcess(
  kubeconfig: string,
  env: Record<string, string> = {},
): Promise<PlatformProcess> {
  const port = await freePort();
  const metricsPort = await freePort();
  const child = spawn(process.execPath, [guardian, 'platform'], {
    cwd: repo,
    env: { PATH: process.env.PATH, ...platformEnv(port, kubeconfig, metricsPort), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  for (const stream of [child.stdout, child.stderr])
    stream?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return {
    process: child,
    url: `http://127.0.0.1:${port}`,
    metricsUrl: `http://127.0.0.1:${metricsPort}`,
    logs,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
  };
}

// --- Test tenants --------------------------------------------------------------------------------

const admin = () => k8s.KubernetesObjectApi.makeApiClient(kubeConfig());
const apply = (object: k8s.KubernetesObject) =>
  admin().patch(object, undefined, undefined, 'guardian-test', true, k8s.PatchStrategy.ServerSideApply);
const apiVersion = API_VERSION;

export const quotaPolicy = (name: string, spec: Record<string, unknown>) => ({
  apiVersion,
  kind: 'QuotaPolicy',
  metadata: { name },
  spec,
});

export const plan = (name: string, sso: boolean) =>
  quotaPolicy(name, { displayName: name, features: { sso } });

// Labelled so that no operator of the test suites reconciles them (each selects its own suite's
// organizations; the platform suites make what they need of the operator's work themselves).
export const organization = (name: string, spec: Record<string, unknown>) => ({
  apiVersion,
  kind: 'Organization',
  metadata: { name, labels: { 'guardian.aiops.dev/test-suite': 'platform' } },
  spec: { displayName: name, ...spec },
});

/** Creates or updates test objects (plans, organizations) as the admin. */
export async function applyAll(...objects: object[]): Promise<void> {
  for (const object of objects) await apply(object as k8s.KubernetesObject);
}

export async function deleteAll(...objects: object[]): Promise<void> {
  for (const object of objects)
    await admin()
      .delete(object as k8s.KubernetesObject)
      .catch(() => undefined);
}

/**
 * The SSO client secret of an organization in `org-<org>`, and the Role + RoleBinding that let the
 * platform's ServiceAccount read it (which the operator is to create; the test does for now). The
 * namespace is made as the operator would make it (its labels, owned by the Organization), so an
 * operator running for other tests adopts it rather than reporting a conflict.
 */
export async function createSsoSecret(
  orgId: string,
  secretName: string,
  platformNamespace: string,
): Promise<void> {
  const core = kubeConfig().makeApiClient(k8s.CoreV1Api);
  const org = await admin().read({ apiVersion, kind: 'Organization', metadata: { name: orgId } });
  const owner = {
    apiVersion,
    kind: 'Organization',
    name: orgId,
    uid: org.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
  const labels = {
    'app.kubernetes.io/managed-by': 'guardian-operator',
    'guardian.aiops.dev/organization': orgId,
  };
  await core
    .createNamespace({ body: { metadata: { name: `org-${orgId}`, labels, ownerReferences: [owner] } } })
    .catch((error: { code?: number }) => {
      if (error.code !== 409) throw error;
    });
  await apply({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: secretName, namespace: `org-${orgId}` },
    stringData: { 'client-secret': stackEnv('OIDC_CLIENT_SECRET') },
  } as k8s.KubernetesObject);
  for (const object of platformOrgSecretAccess(orgId, secretName, platformNamespace)) {
    await apply(object as k8s.KubernetesObject);
  }
}

export async function deleteNamespace(name: string): Promise<void> {
  await kubeConfig()
    .makeApiClient(k8s.CoreV1Api)
    .deleteNamespace({ name })
    .catch(() => undefined);
}

// --- A browser -----------------------------------------------------------------------------------

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/** Cookies and redirects like a browser, over plain HTTP to the platform and HTTPS to the IdP. */
export class Browser {
  readonly jar = new CookieJar();
  readonly fetch = fetchTrusting(ca());
  readonly base: string;

  constructor(base: string) {
    this.base = base;
  }

  /** Logs in; answers /auth/me, or the callback's refusal. */
  async login(email: string, org?: string): Promise<Answer> {
    return this.finish(await this.authorize(email, org));
  }

  /** Logs in through a link the platform handed out (an invitation), as a browser would follow it. */
  async loginVia(link: string, email: string): Promise<Answer> {
    return this.finish(await this.authorize(email, undefined, new URL(link, this.base)));
  }

  /** Requests the callback the IdP redirected to, as a browser would, without following its redirect. */
  async land(callback: URL): Promise<Answer> {
    const cookie = this.jar.header(callback);
    const response = await this.fetch(callback, { headers: cookie ? { cookie } : {} });
    this.jar.store(callback, response.headers);
    return answer(response);
  }

  /**
   * Lands on the callback: a refusal is the answer; a login redirects to its return path in the
   * console (not followed: the page is the console's), and then /auth/me answers who signed in.
   */
  async finish(callback: URL): Promise<Answer> {
    const landed = await this.land(callback);
    return landed.status === 302 ? this.get('/auth/me') : landed;
  }

  /** Logs in at the IdP, stopping at the redirect to our callback (not yet requested). */
  async authorize(email: string, org?: string, startUrl?: URL): Promise<URL> {
    const start = startUrl ?? new URL('/auth/login', this.base);
    if (org) start.searchParams.set('org', org);
    const platform = new URL(this.base);
    const { url } = await signIn({
      startUrl: start,
      email,
      password: 'demo',
      fetch: this.fetch,
      jar: this.jar,
      stopAt: (target) => target.origin === platform.origin && target.pathname === '/auth/callback',
    });
    if (url.pathname !== '/auth/callback')
      throw new Error(`the login of ${email} did not reach the callback: ${url.href}`);
    return url;
  }

  /** GET (or another method) with the jar's cookies; follows redirects within the platform. */
  async request(
    path: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ): Promise<Answer> {
    let url = new URL(path, this.base);
    for (let hop = 0; hop < 5; hop++) {
      const cookie = this.jar.header(url);
      const response = await this.fetch(url, {
        ...init,
        headers: { ...init.headers, ...(cookie ? { cookie } : {}) },
      });
      this.jar.store(url, response.headers);
      const location = response.headers.get('location');
      const next = location ? new URL(location, url) : undefined;
      if (
        response.status >= 300 &&
        response.status < 400 &&
        next &&
        next.origin === new URL(this.base).origin
      ) {
        url = next;
        init = {};
        continue;
      }
      return answer(response);
    }
    throw new Error('too many redirects');
  }

  get(path: string): Promise<Answer> {
    return this.request(path);
  }

  post(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    return this.request(path, {
      method: 'POST',
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /** A platform token for this browser's session. */
  async token(orgId?: string): Promise<string> {
    const response = await this.post('/auth/token', orgId === undefined ? {} : { org_id: orgId });
    if (response.status !== 200) throw new Error(`POST /auth/token: ${response.status} ${response.text}`);
    return (response.body as { access_token: string }).access_token;
  }

  /** The session cookie's value, e.g. to tamper with the server-side rows it names. */
  cookie(name: string, path = '/'): string | undefined {
    const header = this.jar.header(new URL(path, this.base)) ?? '';
    return header
      .split('; ')
      .find((pair) => pair.startsWith(`${name}=`))
      ?.slice(name.length + 1);
  }
}

export async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** A request with a bearer token, as curl would send it. */
export async function withToken(
  base: string,
  path: string,
  token: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return answer(
    await fetch(new URL(path, base), { headers: { authorization: `Bearer ${token}`, ...headers } }),
  );
}

/** Waits until a condition on what the platform's informers hold is true. */
export function until(what: string, check: () => boolean): Promise<true> {
  return eventually(what, async () => check() || undefined, 30_000);
}

// --- Tenant data -----------------------------------------------------------------------------------

/** A request with a bearer token and any method and JSON body. */
export async function call(
  base: string,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return answer(
    await fetch(new URL(path, base), {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
}

/** Gives a user a membership row (or changes its role), as the app role does, inside row level security. */
export async function setMembership(orgId: string, userId: string, role: string): Promise<void> {
  const db = connect(stackEnv('DATABASE_URL'), { max: 1 });
  try {
    await withTenant(db, { orgId }, (trx) =>
      trx('memberships')
        .insert({ org_id: orgId, user_id: userId, role, source: 'manual' })
        .onConflict(['org_id', 'user_id'])
        .merge({ role }),
    );
  } finally {
    await db.destroy();
  }
}

/** A browser signed in at the default identity provider, with its user id. */
export async function signedIn(base: string, email: string): Promise<{ browser: Browser; userId: string }> {
  const browser = new Browser(base);
  const me = await browser.login(email);
  if (me.status !== 200) throw new Error(`login of ${email}: ${me.status} ${me.text}`);
  return { browser, userId: (me.body as { user: { id: string } }).user.id };
}

/** An organization's control namespace as the operator makes it, so tests can hold Teams without one. */
export async function ensureControlNamespace(orgId: string): Promise<void> {
  const labels = {
    'app.kubernetes.io/managed-by': 'guardian-operator',
    'guardian.aiops.dev/organization': orgId,
  };
  await kubeConfig()
    .makeApiClient(k8s.CoreV1Api)
    .createNamespace({ body: { metadata: { name: `org-${orgId}`, labels } } })
    .catch((error: { code?: number }) => {
      if (error.code !== 409) throw error;
    });
}

/** A user who never logged in (a row only), e.g. a member to remove. */
export async function createUser(): Promise<string> {
  const db = connect(stackEnv('DATABASE_URL'), { max: 1 });
  try {
    const [row] = await db('users')
      .insert({ issuer: 'https://it.invalid', subject: randomBytes(12).toString('hex'), email: null })
      .returning('id');
    return (row as { id: string }).id;
  } finally {
    await db.destroy();
  }
}
