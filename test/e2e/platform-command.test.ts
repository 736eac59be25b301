import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../platform/src/db.ts';
import { eventually, uniqueName } from '../support/kube.ts';
import {
  applyAll,
  Browser,
  deleteAll,
  deleteNamespace,
  organization,
  type PlatformProcess,
  plan,
  platformEnv,
  platformKubeconfig,
  startPlatformProcess,
  withToken,
} from '../support/platform.ts';
import { stackEnv } from '../support/stack.ts';

const guardian = resolve(import.meta.dirname, '../../bin/guardian.ts');
const exec = promisify(execFile);

function run(args: string[], env: Record<string, string>) {
  return exec(process.execPath, [guardian, ...args], { env: { PATH: process.env.PATH ?? '', ...env } }).then(
    ({ stdout }) => ({ code: 0, out: stdout }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      out: `${error.stdout}${error.stderr}`,
    }),
  );
}

describe('guardian platform', () => {
  const namespace = uniqueName('e2e-platform');
  const basicPlan = plan(uniqueName('e2e-plan'), false);
  const org = organization(uniqueName('e2e-org'), {
    plan: basicPlan.metadata.name,
    owners: [{ kind: 'User', name: 'carol@startupco.io' }],
  });
  let kubeconfig: string;
  let platform: PlatformProcess;

  beforeAll(async () => {
    await migrate(stackEnv('DATABASE_ADMIN_URL'), stackEnv('DATABASE_URL'));
    await applyAll(basicPlan, org);
    kubeconfig = await platformKubeconfig(namespace);
    platform = await startPlatformProcess(kubeconfig);
    await eventually(
      'the platform to be ready',
      async () => (await fetch(`${platform.url}/readyz`)).status === 200,
    );
  });
  afterAll(async () => {
    await platform?.stop();
    await deleteAll(org, basicPlan);
    await deleteNamespace(namespace);
  });

  it('stops at once naming missing or bad settings, without echoing a secret', async () => {
    const env = platformEnv(1, kubeconfig);
    const { GUARDIAN_ENCRYPTION_KEY: _, ...withoutKey } = env;
    const missing = await run(['platform'], { ...withoutKey, OIDC_CLIENT_SECRET: 'hunter2-secret' });
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('GUARDIAN_ENCRYPTION_KEY: is required');
    expect(missing.out).not.toContain('hunter2');
    const short = await run(['platform'], { ...env, GUARDIAN_ENCRYPTION_KEY: 'dG9vIHNob3J0' });
    expect(short.code).toBe(1);
    expect(short.out).toContain('GUARDIAN_ENCRYPTION_KEY: must be 32 random bytes in base64');
    expect(short.out).not.toContain('dG9vIHNob3J0');
  });

  it('answers probes, metrics and its OpenAPI 3.1 description', async () => {
    const health = await fetch(`${platform.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = (await (await fetch(`${platform.url}/readyz`)).json()) as {
      checks: Record<string, boolean>;
    };
    expect(ready.checks).toEqual({ database: true, organizations: true, teams: true, redis: true });
    // `/` is the console's (built by `make test` before this suite), for browsers; not an API route.
    const root = await fetch(`${platform.url}/`, { headers: { accept: 'text/html' } });
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(root.headers.get('content-security-policy')).toContain("script-src 'self'");
    const notForJson = await fetch(`${platform.url}/`, { headers: { accept: 'application/json' } });
    expect(notForJson.status).toBe(404);
    expect(notForJson.headers.get('content-type')).toBe('application/problem+json');

    const document = (await (await fetch(`${platform.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown; security?: unknown }>>;
      components: { schemas: Record<string, { additionalProperties?: boolean }> };
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/auth/login',
        '/auth/callback',
        '/auth/logout',
        '/auth/me',
        '/auth/token',
        '/whoami',
        '/.well-known/jwks.json',
        '/admin/backups',
        '/admin/backups/{backup_id}/restore',
      ]),
    );
    expect(document.paths['/auth/token']?.post?.requestBody).toEqual({
      required: false,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/TokenRequest' } } },
    });
    expect(document.components.schemas.TokenRequest?.additionalProperties).toBe(false);
    expect(document.components.schemas.Problem).toBeDefined();

    // Metrics on a port of their own; the public port does not serve them.
    const hidden = await fetch(`${platform.url}/metrics`);
    expect(hidden.status).toBe(404);
    expect(hidden.headers.get('content-type')).toBe('application/problem+json');
    const metrics = await (await fetch(`${platform.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(/guardian_http_requests_total\{method="GET",route="\/healthz",status="200"\} 1/);
    expect(metrics).toMatch(
      /guardian_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/readyz"/,
    );
  });

  it('answers errors as problem+json with a request id it honours only when sane', async () => {
    const missing = await fetch(`${platform.url}/no/such/route`, { headers: { 'x-request-id': 'req-123' } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(missing.headers.get('x-request-id')).toBe('req-123');
    expect(await missing.json()).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No route for GET /no/such/route',
      instance: 'urn:guardian:request:req-123',
    });
    const insane = await fetch(`${platform.url}/healthz`, {
      headers: { 'x-request-id': 'a b\tc'.repeat(50) },
    });
    expect(insane.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const wrongMethod = await fetch(`${platform.url}/auth/token`, { method: 'PUT' });
    expect(wrongMethod.status).toBe(405);
  });

  it('logs a user in, mints a token, and serves it to curl-like clients; logs stay free of secrets', async () => {
    const browser = new Browser(platform.url);
    const me = await browser.login('carol@startupco.io', org.metadata.name);
    expect(me.status).toBe(200);
    const token = await browser.token();
    const whoami = await withToken(platform.url, '/whoami', token);
    expect(whoami.status).toBe(200);
    expect(whoami.body).toMatchObject({ org_id: org.metadata.name, role: 'org_owner' });

    // A refused callback is logged (at info) without its authorization code.
    const refusedLogin = new Browser(platform.url);
    const callback = await refusedLogin.authorize('carol@startupco.io');
    const code = callback.searchParams.get('code') ?? '';
    callback.searchParams.set('state', 'forged');
    expect((await refusedLogin.get(callback.href)).status).toBe(401);
    await eventually('the refusal to be logged', async () =>
      platform.logs.join('').includes('Refused an authorization response'),
    );

    const lines = platform.logs.join('').split('\n').filter(Boolean);
    const records = lines.map((line) => JSON.parse(line) as { msg?: string; requestId?: string });
    expect(records.some((record) => record.msg === 'Signed in')).toBe(true);
    expect(
      records.filter((record) => record.msg === 'Handled request').every((record) => record.requestId),
    ).toBe(true);
    const text = lines.join('\n');
    expect(text).not.toContain(stackEnv('OIDC_CLIENT_SECRET'));
    expect(text).not.toContain(token);
    expect(text).not.toMatch(/code=/);
    expect(code.length).toBeGreaterThan(10);
    expect(text).not.toContain(code);
  });

  it('rotates signing keys from the command line', async () => {
    const result = await run(['platform', 'rotate-keys'], platformEnv(1, kubeconfig));
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Published signing key [\w-]+; it signs from \d{4}-/);
  });
});
