import { systemClock } from '@guardian/kube/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../platform/src/db.ts';
import { ApiKeyService } from '../../platform/src/services/ApiKeyService.ts';
import { ApiKeyStore } from '../../platform/src/stores/ApiKeyStore.ts';
import { MembershipStore } from '../../platform/src/stores/MembershipStore.ts';
import { withTenant } from '../../platform/src/stores/with-tenant.ts';
import { eventually, uniqueName } from '../support/kube.ts';
import {
  call,
  createUser,
  organization,
  type PlatformProcess,
  platformKubeconfig,
  quotaPolicy,
  setMembership,
  signedIn,
  startPlatformProcess,
} from '../support/platform.ts';
import { platformSuite } from '../support/platform-suite.ts';
import { stackEnv } from '../support/stack.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';

interface Created {
  id: string;
  url: string;
  secret: string;
  enabled: boolean;
}
interface Delivery {
  id: string;
  event_id: string;
  event_type: string;
  status: string;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
}

const planWith = (customIntegrations: string) =>
  quotaPolicy(uniqueName(`it-plan-wh-${customIntegrations}`), {
    displayName: customIntegrations,
    features: { sso: false, customIntegrations },
  });

// Both parts of this file run delivery workers on the stack's one database, each of which would
// deliver the other's queues: they run one after the other, each with its endpoints deleted after.
describe('webhooks: endpoints, signed delivery in order, the delivery log', () => {
  const limited = planWith('limited');
  const none = planWith('none');
  const owners = { owners: [{ kind: 'User', name: 'carol@startupco.io' }] };
  const org = organization(uniqueName('it-wh'), { plan: limited.metadata.name, ...owners });
  const other = organization(uniqueName('it-wh-other'), { plan: limited.metadata.name, ...owners });
  const without = organization(uniqueName('it-wh-none'), { plan: none.metadata.name, ...owners });
  const orgId = org.metadata.name;
  const api = platformSuite({
    plans: [limited, none],
    organizations: [org, other, without],
    env: {
      WEBHOOK_WORKERS: '2',
      WEBHOOK_POLL_MS: '100',
      WEBHOOK_RETRY_BASE_MS: '200',
      WEBHOOK_TIMEOUT_MS: '2000',
    },
  });
  const db = connect(stackEnv('DATABASE_URL'), { max: 2 });
  const memberships = new MembershipStore(db);
  const receiver = new WebhookReceiver();
  let owner: string;
  let carol: Awaited<ReturnType<typeof signedIn>>['browser'];

  beforeAll(async () => {
    await receiver.start();
    carol = (await signedIn(api.url, 'carol@startupco.io')).browser;
    owner = await carol.token(orgId);
  });
  afterAll(async () => {
    for (const id of [orgId, other.metadata.name])
      await withTenant(db, { orgId: id }, (trx) => trx('webhook_endpoints').where({ org_id: id }).delete());
    await receiver.stop();
    await db.destroy();
  });

  const create = (token: string, body: unknown) => call(api.url, 'POST', '/webhooks', token, body);
  const deliveries = async (id: string) =>
    ((await call(api.url, 'GET', `/webhooks/${id}/deliveries`, owner)).body as { deliveries: Delivery[] })
      .deliveries;
  /** A user joins the organization through the store login and invitations use: the real emitter. */
  const join = async () => {
    const userId = await createUser();
    expect(await memberships.addIfAbsent(orgId, userId, 'team_member', 'manual', null)).toBe('added');
    return userId;
  };

  it('shows the secret once, lists endpoints without it, and deletes them', async () => {
    const created = await create(owner, { url: receiver.url, events: ['member.joined'], description: 'ops' });
    expect(created.status, created.text).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const { id, secret } = created.body as Created;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = await call(api.url, 'GET', '/webhooks', owner);
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({
      webhooks: [{ id, url: receiver.url, events: ['member.joined'], enabled: true }],
    });
    expect(listed.text).not.toContain(secret.slice(6));
    // Stored sealed, never as the secret itself.
    const row = await withTenant(db, { orgId }, (trx) => trx('webhook_endpoints').where({ id }).first());
    expect(JSON.stringify(row)).not.toContain(secret.slice(6));
    // Another organization of the same owner sees none of it.
    const elsewhere = await call(api.url, 'GET', '/webhooks', await carol.token(other.metadata.name));
    expect(elsewhere.body).toEqual({ webhooks: [] });
    expect(
      (await call(api.url, 'DELETE', `/webhooks/${id}`, await carol.token(other.metadata.name))).status,
    ).toBe(404);
    expect((await call(api.url, 'DELETE', `/webhooks/${id}`, owner)).status).toBe(204);
    expect((await call(api.url, 'DELETE', `/webhooks/${id}`, owner)).status).toBe(404);
    expect((await call(api.url, 'GET', '/webhooks', owner)).body).toEqual({ webhooks: [] });
  });

  it('refuses every kind of invalid input with the failing field', async () => {
    const valid = { url: receiver.url, events: ['member.joined'] };
    const cases: Array<[unknown, string]> = [
      [{ events: ['member.joined'] }, 'url'],
      [{ ...valid, url: 'not a url' }, 'url'],
      [{ ...valid, url: 'http://hooks.example.com/' }, 'url'],
      [{ ...valid, url: 'ftp://hooks.example.com/' }, 'url'],
      [{ ...valid, url: 'https://169.254.169.254/latest/meta-data/' }, 'url'],
      [{ ...valid, url: 'https://10.1.2.3/' }, 'url'],
      [{ ...valid, url: 'https://user:pw@hooks.example.com/' }, 'url'],
      [{ ...valid, url: `https://hooks.example.com/${'a'.repeat(2048)}` }, 'url'],
      [{ ...valid, url: 'https://hooks.example.com/\u0000' }, 'url'],
      [{ url: receiver.url }, 'events'],
      [{ ...valid, events: [] }, 'events'],
      [{ ...valid, events: ['quota.threshold'] }, 'events.0'],
      [{ ...valid, events: ['member.joined', 'member.joined'] }, 'events'],
      [{ ...valid, events: 'member.joined' }, 'events'],
      [{ ...valid, description: 'x'.repeat(501) }, 'description'],
      [{ ...valid, secret: 'whsec_mine' }, 'secret'],
    ];
    for (const [body, field] of cases) {
      const refused = await create(owner, body);
      expect(refused.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect((refused.body as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toContain(
        field,
      );
    }
    const query = await call(
      api.url,
      'GET',
      '/webhooks/00000000-0000-4000-8000-000000000000/deliveries?limit=0',
      owner,
    );
    expect(query.status).toBe(400);
    for (const path of [
      '/webhooks/not-a-uuid/deliveries',
      '/webhooks/00000000-0000-4000-8000-000000000000/deliveries',
    ])
      expect((await call(api.url, 'GET', path, owner)).status).toBe(404);
    // Positive control: the same body, valid, is accepted.
    const accepted = await create(owner, valid);
    expect(accepted.status, accepted.text).toBe(201);
    const { id } = accepted.body as Created;
    expect((await call(api.url, 'POST', `/webhooks/${id}/deliveries/x/redeliver`, owner)).status).toBe(404);
    expect((await call(api.url, 'POST', `/webhooks/${id}/deliveries/999999/redeliver`, owner)).status).toBe(
      404,
    );
    expect((await call(api.url, 'DELETE', `/webhooks/${id}`, owner)).status).toBe(204);
  });

  it('is for org admins, within the plan’s customIntegrations', async () => {
    const { browser: eve, userId: eveId } = await signedIn(api.url, 'eve@startupco.io');
    const body = { url: receiver.url, events: ['member.joined'] };
    await setMembership(orgId, eveId, 'team_lead');
    expect((await create(await eve.token(orgId), body)).status).toBe(403);
    expect((await call(api.url, 'GET', '/webhooks', await eve.token(orgId))).status).toBe(403);
    await setMembership(orgId, eveId, 'org_admin');
    const admin = await eve.token(orgId);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const created = await create(admin, body);
      expect(created.status, created.text).toBe(201);
      ids.push((created.body as Created).id);
    }
    // limited: three endpoints, all taken.
    const over = await create(admin, body);
    expect(over.status).toBe(409);
    expect((over.body as { detail: string }).detail).toMatch(/allows 3 webhook endpoints/);
    for (const id of ids) expect((await call(api.url, 'DELETE', `/webhooks/${id}`, admin)).status).toBe(204);
    // none: not one.
    const refused = await create(await carol.token(without.metadata.name), body);
    expect(refused.status).toBe(403);
    expect((refused.body as { detail: string }).detail).toMatch(/no custom integrations/);
  });

  it('delivers member.joined signed, logs it, and redelivers it with the same webhook-id', async () => {
    const created = await create(owner, { url: receiver.url, events: ['member.joined'] });
    const { id, secret } = created.body as Created;
    receiver.secret = secret;
    const userId = await join();
    const message = await eventually('the receiver to get member.joined', async () =>
      receiver.accepted.find((m) => m.data.user_id === userId),
    );
    expect(message).toMatchObject({
      type: 'member.joined',
      data: { org_id: orgId, role: 'team_member', source: 'manual' },
    });
    expect(message.id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(receiver.rejected).toBe(0);
    const logged = await eventually('the delivery to be logged', async () =>
      (await deliveries(id)).find((d) => d.event_id === message.id && d.status === 'delivered'),
    );
    expect(logged).toMatchObject({
      event_type: 'member.joined',
      attempts: 1,
      last_status: 204,
      last_error: null,
    });

    const again = await call(api.url, 'POST', `/webhooks/${id}/deliveries/${logged.id}/redeliver`, owner);
    expect(again.status, again.text).toBe(202);
    await eventually(
      'the redelivery',
      async () => receiver.accepted.filter((m) => m.id === message.id).length === 2,
    );
    // A wrong secret fails the receiver's verification: the verifier is not a rubber stamp.
    receiver.secret = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    expect(
      (await call(api.url, 'POST', `/webhooks/${id}/deliveries/${logged.id}/redeliver`, owner)).status,
    ).toBe(202);
    const refused = await eventually('the receiver to refuse it', async () =>
      (await deliveries(id)).find((d) => d.id === logged.id && d.last_status === 400),
    );
    expect(refused).toMatchObject({ status: 'pending', last_error: 'the receiver answered 400' });
    receiver.secret = secret;
    await eventually(
      'the retry to be accepted',
      async () => receiver.accepted.filter((m) => m.id === message.id).length === 3,
    );
    expect((await call(api.url, 'DELETE', `/webhooks/${id}`, owner)).status).toBe(204);
  });

  it('delivers every event, in order, after the receiver was down for a while', async () => {
    const { id, secret } = (await create(owner, { url: receiver.url, events: ['member.joined'] }))
      .body as Created;
    receiver.secret = secret;
    await receiver.stop();
    const joined: string[] = [];
    for (let i = 0; i < 6; i++) joined.push(await join());
    const failing = await eventually('attempts to fail while the receiver is down', async () => {
      const log = await deliveries(id);
      return log.length === 6 && log.some((d) => d.attempts >= 2) ? log : undefined;
    });
    // In order: only the oldest is tried while it fails; the others wait behind it.
    expect(failing.filter((d) => d.attempts > 0)).toHaveLength(1);
    expect(failing.every((d) => d.status === 'pending')).toBe(true);
    expect(failing.find((d) => d.attempts > 0)?.last_error).toMatch(/ECONNREFUSED|connect/);
    const before = receiver.accepted.length;
    await receiver.start();
    await eventually('all six to arrive', async () => receiver.accepted.length - before >= 6);
    const arrived = receiver.accepted.slice(before).map((m) => m.data.user_id);
    expect(arrived).toEqual(joined);
    const log = await deliveries(id);
    expect(log.map((d) => d.status)).toEqual(Array(6).fill('delivered'));
    expect((await call(api.url, 'DELETE', `/webhooks/${id}`, owner)).status).toBe(204);
  });

  it('keeps each change one event, and an event no one subscribed to in no queue', async () => {
    const { id, secret } = (await create(owner, { url: receiver.url, events: ['finding.opened'] }))
      .body as Created;
    receiver.secret = secret;
    const userId = await join();
    // The same membership again is no join and no event.
    expect(await memberships.addIfAbsent(orgId, userId, 'team_member', 'manual', null)).toBe('member');
    const events = await withTenant(db, { orgId }, (trx) =>
      trx('webhook_events').where({ org_id: orgId }).whereRaw("payload->'data'->>'user_id' = ?", [userId]),
    );
    expect(events).toHaveLength(1);
    expect(await deliveries(id)).toEqual([]);
    expect((await call(api.url, 'DELETE', `/webhooks/${id}`, owner)).status).toBe(204);
  });
});

describe('webhooks in production mode: the outbound guard, and disabling a failing endpoint', () => {
  const full = planWith('full');
  const org = organization(uniqueName('it-wh-prod'), { plan: full.metadata.name });
  const orgId = org.metadata.name;
  // No private address allowed, as in production; a day's retry window shrunk to two seconds.
  const api = platformSuite({
    plans: [full],
    organizations: [org],
    env: {
      OUTBOUND_ALLOWED_CIDRS: '',
      WEBHOOK_WORKERS: '2',
      WEBHOOK_POLL_MS: '100',
      WEBHOOK_RETRY_BASE_MS: '200',
      WEBHOOK_RETRY_WINDOW_SECONDS: '2',
    },
  });
  const db = connect(stackEnv('DATABASE_URL'), { max: 2 });
  const receiver = new WebhookReceiver();
  let key: string;

  beforeAll(async () => {
    await receiver.start();
    // An API key, so no login (whose identity provider is on loopback) is needed.
    const userId = await createUser();
    await setMembership(orgId, userId, 'org_admin');
    const keys = new ApiKeyService({ store: new ApiKeyStore(db), clock: systemClock });
    const actor = {
      userId,
      superAdmin: false,
      orgId,
      role: 'org_admin' as const,
      orgs: { [orgId]: 'org_admin' as const },
      teamIds: [],
      teams: {},
    };
    key = (await keys.create(actor, { name: 'webhooks', role: 'org_admin' })).secret;
  });
  afterAll(async () => {
    await withTenant(db, { orgId }, (trx) => trx('webhook_endpoints').where({ org_id: orgId }).delete());
    await receiver.stop();
    await db.destroy();
  });

  it('refuses loopback and metadata addresses, and a name that resolves to loopback never connects', async () => {
    const port = new URL(receiver.url).port;
    for (const url of [
      `http://127.0.0.1:${port}/`,
      `https://127.0.0.1:${port}/`,
      'https://169.254.169.254/',
      'https://[::1]/',
    ]) {
      const refused = await call(api.url, 'POST', '/webhooks', key, { url, events: ['member.joined'] });
      expect(refused.status, url).toBe(400);
    }
    // Positive control: a public name is accepted.
    const publicName = await call(api.url, 'POST', '/webhooks', key, {
      url: 'https://hooks.example.com/',
      events: ['workflow.finished'],
    });
    expect(publicName.status, publicName.text).toBe(201);
    expect((await call(api.url, 'DELETE', `/webhooks/${(publicName.body as Created).id}`, key)).status).toBe(
      204,
    );

    // `localhost` is a name: stored, then refused by the guard after DNS at every attempt.
    const created = await call(api.url, 'POST', '/webhooks', key, {
      url: `https://localhost:${port}/hooks`,
      events: ['member.joined'],
    });
    expect(created.status, created.text).toBe(201);
    const { id } = created.body as Created;
    const userId = await createUser();
    expect(await new MembershipStore(db).addIfAbsent(orgId, userId, 'read_only', 'manual', null)).toBe(
      'added',
    );
    const failed = await eventually('the delivery to fail for good', async () => {
      const log = (await call(api.url, 'GET', `/webhooks/${id}/deliveries`, key)).body as {
        deliveries: Delivery[];
      };
      return log.deliveries.find((d) => d.status === 'failed');
    });
    expect(failed.last_error).toMatch(/refused by the outbound guard/);
    expect(failed.attempts).toBeGreaterThanOrEqual(2);
    expect(receiver.connections).toBe(0);

    // Failing for the whole window disabled the endpoint, with an audit entry.
    const listed = (await call(api.url, 'GET', '/webhooks', key)).body as {
      webhooks: Array<Created & { disabled_reason: string }>;
    };
    expect(listed.webhooks.find((w) => w.id === id)).toMatchObject({
      enabled: false,
      disabled_reason: expect.stringMatching(/retry window/),
    });
    const audit = await api.platform.governance.audit.list(orgId, { action: 'webhook.disabled', limit: 10 });
    expect(audit.entries.map((e) => [e.actor, e.target])).toEqual([['system', id]]);
    const redeliver = await call(api.url, 'POST', `/webhooks/${id}/deliveries/${failed.id}/redeliver`, key);
    expect(redeliver.status).toBe(409);
  });
});

describe('webhooks: a platform killed mid-delivery', () => {
  const full = planWith('full');
  const owners = { owners: [{ kind: 'User', name: 'carol@startupco.io' }] };
  const org = organization(uniqueName('it-wh-kill'), { plan: full.metadata.name, ...owners });
  const orgId = org.metadata.name;
  // The suite's platform serves the API and delivers nothing; `guardian platform` processes deliver.
  const api = platformSuite({ plans: [full], organizations: [org] });
  const db = connect(stackEnv('DATABASE_URL'), { max: 2 });
  const receiver = new WebhookReceiver();
  const delivering = { WEBHOOK_WORKERS: '2', WEBHOOK_POLL_MS: '100', WEBHOOK_TIMEOUT_MS: '1000' };
  const processes: PlatformProcess[] = [];

  beforeAll(() => receiver.start());
  afterAll(async () => {
    for (const process of processes) await process.stop();
    await withTenant(db, { orgId }, (trx) => trx('webhook_endpoints').where({ org_id: orgId }).delete());
    await receiver.stop();
    await db.destroy();
  });

  it('loses nothing: the delivery in flight is sent again by another, then the rest in order', async () => {
    const owner = await (await signedIn(api.url, 'carol@startupco.io')).browser.token(orgId);
    const { id, secret } = (
      await call(api.url, 'POST', '/webhooks', owner, { url: receiver.url, events: ['member.joined'] })
    ).body as Created;
    receiver.secret = secret;
    receiver.hang = true;
    const memberships = new MembershipStore(db);
    const joined: string[] = [];
    for (let i = 0; i < 3; i++) {
      const userId = await createUser();
      await memberships.addIfAbsent(orgId, userId, 'read_only', 'manual', null);
      joined.push(userId);
    }
    const kubeconfig = await platformKubeconfig(api.namespace);
    const first = await startPlatformProcess(kubeconfig, delivering);
    processes.push(first);
    await eventually(
      'the first delivery to be in flight',
      async () => receiver.accepted.length === 1,
      30_000,
    ).catch(async (error: unknown) => {
      const log = await call(api.url, 'GET', `/webhooks/${id}/deliveries`, owner);
      throw new Error(
        `${String(error)} rejected=${receiver.rejected} connections=${receiver.connections} ${log.text}\n${first.logs.join('').slice(-3000)}`,
      );
    });
    first.process.kill('SIGKILL');
    await eventually(
      'the killed platform to exit',
      async () => first.process.exitCode !== null || first.process.signalCode !== null,
    );
    receiver.hang = false;
    processes.push(await startPlatformProcess(kubeconfig, delivering));
    await eventually(
      'every event to arrive',
      async () => new Set(receiver.accepted.map((m) => m.id)).size === 3,
    );
    // The one in flight arrived twice (at least once), with the same webhook-id; the order held.
    const ids = receiver.accepted.map((m) => m.id);
    expect(ids[0]).toBe(ids[1]);
    expect(receiver.accepted.slice(1).map((m) => m.data.user_id)).toEqual(joined);
    const log = (await call(api.url, 'GET', `/webhooks/${id}/deliveries`, owner)).body as {
      deliveries: Delivery[];
    };
    expect(log.deliveries.map((d) => [d.status, d.attempts])).toEqual(Array(3).fill(['delivered', 1]));
  });
});
