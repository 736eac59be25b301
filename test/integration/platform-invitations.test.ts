import { beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../platform/src/db.ts';
import { withTenant } from '../../platform/src/stores/with-tenant.ts';
import { uniqueName } from '../support/kube.ts';
import {
  Browser,
  call,
  deleteAll,
  organization,
  plan,
  quotaPolicy,
  setMembership,
  signedIn,
} from '../support/platform.ts';
import { platformSuite } from '../support/platform-suite.ts';
import { invitationLink } from '../support/smtp.ts';
import { stackEnv } from '../support/stack.ts';

interface Member {
  user_id: string | null;
  role: string;
  source: string;
}

describe('platform invitations by email', () => {
  const basicPlan = plan(uniqueName('it-plan'), false);
  const carolsOrg = organization(uniqueName('it-invite'), {
    plan: basicPlan.metadata.name,
    owners: [{ kind: 'User', name: 'carol@startupco.io' }],
  });
  const org = carolsOrg.metadata.name;
  const api = platformSuite({
    plans: [basicPlan],
    organizations: [carolsOrg],
    smtp: true,
    env: { MAIL_FROM: 'Guardian <invites@guardian.test>' },
  });
  let carol: Browser;
  let owner: string;

  beforeAll(async () => {
    carol = (await signedIn(api.url, 'carol@startupco.io')).browser;
    owner = await carol.token(org);
  });

  /** Invites `email` and returns the link from the delivered mail. */
  const invite = async (email: string, role: string, token = owner) => {
    const since = api.smtp.messages.length;
    const response = await call(api.url, 'POST', '/tenants/invitations', token, { email, role });
    expect(response.status, response.text).toBe(201);
    const mail = await api.smtp.waitFor(email, since);
    expect(mail.raw).toContain('invites@guardian.test');
    return { id: (response.body as { id: string }).id, link: invitationLink(mail) };
  };

  it('mails a link that the invitee accepts by logging in, once', async () => {
    const { link } = await invite('root@guardian.local', 'team_lead');
    expect(link.startsWith(`${api.url}/auth/login?invitation=`)).toBe(true);
    const root = new Browser(api.url);
    const accepted = await root.loginVia(link, 'root@guardian.local');
    expect(accepted.status, accepted.text).toBe(200);
    const rootId = (accepted.body as { user: { id: string } }).user.id;
    const members = (await call(api.url, 'GET', '/tenants/members', owner)).body as { members: Member[] };
    expect(members.members).toContainEqual(
      expect.objectContaining({ user_id: rootId, role: 'team_lead', source: 'invitation' }),
    );
    // Single use: the same link again is refused at the callback.
    const again = await new Browser(api.url).loginVia(link, 'root@guardian.local');
    expect(again.status).toBe(403);
    expect((again.body as { detail: string }).detail).toBe('The invitation was already used');
  });

  it('refuses the link to another email, and to an unverified one', async () => {
    const { link } = await invite('someone-else@startupco.io', 'read_only');
    const other = await new Browser(api.url).loginVia(link, 'carol@startupco.io');
    expect(other.status).toBe(403);
    expect((other.body as { detail: string }).detail).toBe('The invitation is for another email address');
    const forEve = await invite('eve@startupco.io', 'read_only');
    const unverified = await new Browser(api.url).loginVia(forEve.link, 'eve@startupco.io');
    expect(unverified.status).toBe(403);
    expect((unverified.body as { detail: string }).detail).toBe(
      'Only a verified email address may accept an invitation',
    );
  });

  it('refuses a tampered link before the login starts, and an expired invitation at the callback', async () => {
    const { id, link } = await invite('root@guardian.local', 'read_only');
    const token = new URL(link).searchParams.get('invitation') ?? '';
    const tampered = `${token.slice(0, -1)}${token.at(-1) === 'A' ? 'B' : 'A'}`;
    const forged = await new Browser(api.url).get(`/auth/login?invitation=${tampered}`);
    expect(forged.status).toBe(403);
    // Another organization's id in a link signed for this one breaks the signature too.
    const moved = token.replace(`.${org}.`, '.it-elsewhere.');
    expect((await new Browser(api.url).get(`/auth/login?invitation=${moved}`)).status).toBe(403);
    const db = connect(stackEnv('DATABASE_URL'), { max: 1 });
    try {
      await withTenant(db, { orgId: org }, (trx) =>
        trx('invitations')
          .where({ id })
          .update({ expires_at: new Date(Date.now() - 1000) }),
      );
    } finally {
      await db.destroy();
    }
    const expired = await new Browser(api.url).loginVia(link, 'root@guardian.local');
    expect(expired.status).toBe(403);
    expect((expired.body as { detail: string }).detail).toBe('The invitation has expired');
    const list = await call(api.url, 'GET', '/tenants/invitations', owner);
    expect((list.body as { invitations: { id: string; status: string }[] }).invitations).toContainEqual(
      expect.objectContaining({ id, status: 'expired' }),
    );
  });

  it('holds a seat per pending invitation, up to the plan’s teamMembers', async () => {
    const seatPlan = quotaPolicy(uniqueName('it-seats'), { displayName: 'Two seats', teamMembers: 2 });
    const small = organization(uniqueName('it-small'), {
      plan: seatPlan.metadata.name,
      owners: [{ kind: 'User', name: 'carol@startupco.io' }],
    });
    try {
      await api.apply(seatPlan, small);
      const token = await carol.token(small.metadata.name);
      const post = (email: string) =>
        call(api.url, 'POST', '/tenants/invitations', token, { email, role: 'read_only' });
      expect((await post('one@startupco.io')).status).toBe(201);
      expect((await post('two@startupco.io')).status).toBe(201);
      const third = await post('three@startupco.io');
      expect(third.status).toBe(409);
      expect((third.body as { detail: string }).detail).toContain('2 seats');
    } finally {
      await deleteAll(small, seatPlan);
    }
  });

  it('invites only up to what the inviter may grant, and revokes', async () => {
    const { userId: eveId, browser: eve } = await signedIn(api.url, 'eve@startupco.io');
    await setMembership(org, eveId, 'org_admin');
    const admin = await eve.token(org);
    const tooHigh = await call(api.url, 'POST', '/tenants/invitations', admin, {
      email: 'x@startupco.io',
      role: 'org_owner',
    });
    expect(tooHigh.status).toBe(403);
    const { id, link } = await invite('root@guardian.local', 'org_admin', admin);
    expect((await call(api.url, 'DELETE', `/tenants/invitations/${id}`, owner)).status).toBe(204);
    const revoked = await new Browser(api.url).loginVia(link, 'root@guardian.local');
    expect(revoked.status).toBe(403);
    await setMembership(org, eveId, 'team_lead');
    const lead = await eve.token(org);
    expect(
      (
        await call(api.url, 'POST', '/tenants/invitations', lead, {
          email: 'y@startupco.io',
          role: 'read_only',
        })
      ).status,
    ).toBe(403);
  });

  it('refuses an address the mail server refuses, and keeps no invitation (nor its seat) for it', async () => {
    // Valid by the document, refused by the SMTP server: 254 characters with a numeric first label.
    const email = `0@${'0'.repeat(63)}.${'a'.repeat(63)}.${'a'.repeat(63)}.${'a'.repeat(60)}`;
    const refused = await call(api.url, 'POST', '/tenants/invitations', owner, { email, role: 'read_only' });
    expect(refused.status, refused.text).toBe(400);
    expect(refused.body).toMatchObject({
      errors: [{ field: 'email', message: 'the mail server refused this address' }],
    });
    const list = (await call(api.url, 'GET', '/tenants/invitations', owner)).body as {
      invitations: { email: string }[];
    };
    expect(list.invitations.map((invitation) => invitation.email)).not.toContain(email);
  });
});
