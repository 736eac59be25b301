import type { Organization } from '@guardian/crds/generated';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/support/fake-clock.ts';
import type { Mail } from '../mail/mailer.ts';
import type { OrgRole } from '../rbac.ts';
import type { Invitation } from '../stores/InvitationStore.ts';
import type { Actor } from './actor.ts';
import { InvitationService } from './InvitationService.ts';

const org: Organization = {
  apiVersion: 'guardian.aiops.dev/v1alpha1',
  kind: 'Organization',
  metadata: { name: 'acme' },
  spec: { displayName: 'Acme', plan: 'starter' },
};

/** A member of acme with `role`. */
const inviter = (role: OrgRole): Actor => ({
  userId: '00000000-0000-4000-8000-000000000001',
  superAdmin: false,
  orgId: 'acme',
  role,
  orgs: { acme: role },
  teamIds: [],
  teams: {},
});

/** The service with in-memory collaborators: what is under test is the link, not storage. */
function setup() {
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const sent: Mail[] = [];
  const service = new InvitationService({
    store: {
      create: async (orgId, input) =>
        ({
          ...input,
          orgId,
          createdAt: new Date(clock.now()),
          acceptedAt: null,
          revokedAt: null,
        }) as Invitation,
      discard: async () => {},
      list: async () => [],
      revoke: async () => 'new@example.com',
      accept: async () => ({ accepted: 'team_member' }),
    },
    directory: { get: () => org, plan: () => undefined },
    mailer: { send: async (mail) => void sent.push(mail) },
    secret: Buffer.alloc(32, 7),
    publicUrl: 'https://guardian.example',
    ttlMs: 3_600_000,
    clock,
  });
  const link = async () => {
    await service.invite(inviter('org_owner'), { email: 'New@Example.com', role: 'team_member' });
    const mail = sent.at(-1);
    const url = /https:\S+/.exec(mail?.text ?? '')?.[0] ?? '';
    return new URL(url).searchParams.get('invitation') ?? '';
  };
  return { service, link, sent, advance: (ms: number) => clock.advance(ms) };
}

describe('InvitationService links', () => {
  it('accepts its own signed link and names the organization', async () => {
    const { service, link, sent } = setup();
    const token = await link();
    expect(service.check(token)).toBe('acme');
    expect(sent[0]?.to).toBe('new@example.com');
  });

  it('refuses altered links: signature, organization, id or expiry changed', async () => {
    const { service, link } = setup();
    const token = await link();
    const [id = '', orgId = '', expiry = '', signature = ''] = token.split('.');
    const flip = (text: string) => `${text.slice(0, -1)}${text.endsWith('A') ? 'B' : 'A'}`;
    for (const altered of [
      [id, orgId, expiry, flip(signature)],
      [id, 'other', expiry, signature],
      [`${id.slice(0, -1)}${id.endsWith('0') ? '1' : '0'}`, orgId, expiry, signature],
      [id, orgId, String(Number(expiry) + 86_400), signature],
    ]) {
      expect(() => service.check(altered.join('.'))).toThrow('The invitation link is not valid');
    }
    expect(() => service.check('garbage')).toThrow('The invitation link is not valid');
  });

  it('refuses an expired link', async () => {
    const { service, link, advance } = setup();
    const token = await link();
    advance(3_600_000);
    expect(() => service.check(token)).toThrow('The invitation has expired');
  });

  it('never lets an inviter grant more than mayGrant allows', async () => {
    const { service } = setup();
    await expect(
      service.invite(inviter('org_admin'), { email: 'x@example.com', role: 'org_owner' }),
    ).rejects.toThrow('may not invite');
  });
});
