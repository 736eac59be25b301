// GET /audit/verify reads a whole chain: only people who manage the audit trail may ask
// (audit:verify; not read_only, never an API key), and an unchanged chain head is answered from
// the cache rather than read again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointKey } from '../../platform/src/audit/hash.ts';
import { verifyChain } from '../../platform/src/audit/index.ts';
import { connect } from '../../platform/src/db.ts';
import { uniqueName } from '../support/kube.ts';
import { call, encryptionKey, organization, plan, setMembership, signedIn } from '../support/platform.ts';
import { platformSuite } from '../support/platform-suite.ts';
import { stackEnv } from '../support/stack.ts';

describe('GET /audit/verify', () => {
  const basicPlan = plan(uniqueName('it-plan'), false);
  const org = organization(uniqueName('it-verify'), {
    plan: basicPlan.metadata.name,
    owners: [{ kind: 'User', name: 'carol@startupco.io' }],
  });
  const orgId = org.metadata.name;
  const api = platformSuite({ plans: [basicPlan], organizations: [org] });
  const admin = connect(stackEnv('DATABASE_ADMIN_URL'), { max: 1 });
  const app = connect(stackEnv('DATABASE_URL'), { max: 1 });
  let carol: string;

  beforeAll(async () => {
    carol = await (await signedIn(api.url, 'carol@startupco.io')).browser.token(orgId);
  });
  afterAll(async () => {
    await admin.destroy();
    await app.destroy();
  });

  const verify = (token: string) => call(api.url, 'GET', '/audit/verify', token);

  it('answers org admins and owners, and refuses read_only and API keys, who still read the trail', async () => {
    const { browser: eve, userId: eveId } = await signedIn(api.url, 'eve@startupco.io');
    await setMembership(orgId, eveId, 'org_admin');
    const asAdmin = await eve.token(orgId);
    expect((await verify(asAdmin)).body).toMatchObject({ org_id: orgId, ok: true });
    expect((await verify(carol)).body).toMatchObject({ org_id: orgId, ok: true });

    await setMembership(orgId, eveId, 'read_only');
    const asReadOnly = await eve.token(orgId);
    expect((await call(api.url, 'GET', '/audit', asReadOnly)).status).toBe(200);
    const refused = await verify(asReadOnly);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ detail: 'Your role (read_only) does not grant audit:verify' });

    const minted = await call(api.url, 'POST', '/tenants/api-keys', carol, { name: 'ci', role: 'org_admin' });
    expect(minted.status, minted.text).toBe(201);
    const { key } = minted.body as { key: string };
    expect((await call(api.url, 'GET', '/audit', key)).status).toBe(200);
    const keyRefused = await verify(key);
    expect(keyRefused.status).toBe(403);
    expect(keyRefused.body).toMatchObject({
      detail: 'Your role (org_admin) does not grant audit:verify to API keys',
    });
  });

  it('answers from the cache while the head is unchanged, and verifies again once it moves', async () => {
    const first = await verify(carol);
    expect(first.body).toMatchObject({ ok: true, problems: [] });
    const edit = (detail: string) =>
      admin.transaction(async (trx) => {
        await trx.raw("select set_config('guardian.org_id', ?, true)", [orgId]);
        await trx.raw('UPDATE audit_log SET detail = ?::jsonb WHERE org_id = ? AND seq = 1', [detail, orgId]);
      });
    const original = await admin.transaction(async (trx) => {
      await trx.raw("select set_config('guardian.org_id', ?, true)", [orgId]);
      return (await trx('audit_log').where({ org_id: orgId, seq: 1 }).first('detail')) as { detail: object };
    });
    try {
      // Someone with the database's owner edits an old entry; the head stays as it was.
      await edit('{"edited": true}');
      const key = checkpointKey(Buffer.from(encryptionKey(), 'base64'));
      // Read again (what `guardian audit verify` does), the edit shows at once.
      expect((await verifyChain(app, key, orgId)).problems).toEqual([{ seq: 1, kind: 'altered' }]);
      // The API answers as it did for this head, without reading the chain again.
      expect((await verify(carol)).body).toEqual(first.body);
      // An append moves the head: the next answer is a new verification, which finds the edit.
      const minted = await call(api.url, 'POST', '/tenants/api-keys', carol, {
        name: 'moves',
        role: 'read_only',
      });
      expect(minted.status).toBe(201);
      const again = await verify(carol);
      expect(again.body).toMatchObject({ ok: false, problems: [{ seq: 1, kind: 'altered' }] });
    } finally {
      await edit(JSON.stringify(original.detail));
    }
    expect((await verifyChain(app, checkpointKey(Buffer.from(encryptionKey(), 'base64')), orgId)).ok).toBe(
      true,
    );
  });
});
