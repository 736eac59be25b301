import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../platform/src/db.ts';
import { SigningKeyStore } from '../../platform/src/stores/SigningKeyStore.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { uniqueName } from '../support/kube.ts';
import {
  Browser,
  organization,
  plan,
  platformKubeconfig,
  startPlatform,
  type TestPlatform,
  until,
  withToken,
} from '../support/platform.ts';
import { platformSuite } from '../support/platform-suite.ts';
import { stackEnv } from '../support/stack.ts';

const TTL_MS = 900_000;
const kidOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { kid: string }).kid;

describe('platform signing key rotation', () => {
  const basicPlan = plan(uniqueName('it-plan'), false);
  const org = organization(uniqueName('it-keys'), {
    plan: basicPlan.metadata.name,
    owners: [{ kind: 'User', name: 'carol@startupco.io' }],
  });
  // Two replicas sharing the database, a decade ahead: keys this test creates are never
  // published or active for the other tests' platforms, which run on the real clock.
  const start = Date.now() + 10 * 365 * 86_400_000;
  const clockA = new FakeClock(start);
  const clockB = new FakeClock(start);
  const created: string[] = [];
  const db = connect(stackEnv('DATABASE_URL'), { max: 1 });
  const a = platformSuite({ plans: [basicPlan], organizations: [org], clock: clockA });
  let b: TestPlatform;
  let browser: Browser;

  const advance = (ms: number) => {
    clockA.advance(ms);
    clockB.advance(ms);
  };
  const jwksKids = async (api: { url: string }) =>
    (
      (await (await fetch(`${api.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }
    ).keys.map((key) => key.kid);

  beforeAll(async () => {
    // Replicas behind one Service share PUBLIC_URL, the tokens' issuer.
    b = await startPlatform({
      kubeconfig: await platformKubeconfig(a.namespace),
      clock: clockB,
      env: { PUBLIC_URL: a.url },
    });
    await until(
      'replica B to see the organization',
      () => b.platform.directory.get(org.metadata.name) !== undefined,
    );
    browser = new Browser(a.url);
    expect((await browser.login('carol@startupco.io', org.metadata.name)).status).toBe(200);
  });
  afterAll(async () => {
    await b?.stop();
    await new SigningKeyStore(db).delete(created);
    await db.destroy();
  });

  it('publishes a new key a token lifetime before it signs, and logs nobody out', async () => {
    const beforeRotation = await browser.token();
    const oldKid = kidOf(beforeRotation);

    const { kid: newKid, activateAt } = await a.platform.keys.rotate();
    created.push(newKid);
    expect(activateAt.getTime()).toBe(clockA.now() + TTL_MS);
    // Published at once, but not signing yet.
    expect(await jwksKids(a)).toEqual(expect.arrayContaining([oldKid, newKid]));
    expect(kidOf(await browser.token())).toBe(oldKid);

    // Just before the new key takes over: the first token still works; a last one is signed by the old key.
    advance(TTL_MS - 10_000);
    expect((await withToken(a.url, '/whoami', beforeRotation)).status).toBe(200);
    const lastOld = await browser.token();
    expect(kidOf(lastOld)).toBe(oldKid);

    // The new key signs; the first token has expired (beyond the 5 s clock tolerance); the last old
    // one still works on both replicas.
    advance(16_000);
    const fresh = await browser.token();
    expect(kidOf(fresh)).toBe(newKid);
    const expired = await withToken(a.url, '/whoami', beforeRotation);
    expect(expired.status).toBe(401);
    expect((expired.body as { detail: string }).detail).toBe('The access token has expired');
    expect((await withToken(a.url, '/whoami', lastOld)).status).toBe(200);
    expect(await jwksKids(a)).toEqual(expect.arrayContaining([oldKid, newKid]));

    // Replica B never heard of the rotation: the unknown kid makes it reload (once) and accept.
    const reloads = b.platform.keys.unknownKidReloads;
    expect((await withToken(b.url, '/whoami', fresh)).status).toBe(200);
    expect(b.platform.keys.unknownKidReloads).toBe(reloads + 1);
    expect((await withToken(b.url, '/whoami', lastOld)).status).toBe(200);

    // Once every token of the old key has expired, it leaves the JWKS.
    advance(TTL_MS + 5_000);
    expect((await withToken(a.url, '/whoami', lastOld)).status).toBe(401);
    expect(await jwksKids(a)).not.toContain(oldKid);
    expect(await jwksKids(a)).toContain(newKid);
    expect((await withToken(a.url, '/whoami', await browser.token())).status).toBe(200);
  });
});
