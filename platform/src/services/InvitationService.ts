import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '@guardian/kube/clock';
import type { InvitationView } from '../contract/invitations.ts';
import { type Mailer, RecipientRefused } from '../mail/mailer.ts';
import { mayGrant, type OrgRole } from '../rbac.ts';
import type { Invitation, InvitationStore } from '../stores/InvitationStore.ts';
import type { Identity, Join } from './AccessService.ts';
import { type Actor, currentOrg, currentRole } from './actor.ts';
import { ConflictError, ForbiddenError, NotFoundError, UnavailableError, ValidationError } from './errors.ts';
import type { OrganizationDirectory } from './OrganizationDirectory.ts';

const LINK = /^([0-9a-f]{32})\.([a-z0-9-]{1,30})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

export interface InvitationServiceOptions {
  store: Pick<InvitationStore, 'create' | 'discard' | 'list' | 'revoke' | 'accept'>;
  directory: Pick<OrganizationDirectory, 'get' | 'plan'>;
  mailer: Pick<Mailer, 'send'> | undefined;
  /** Derives the key that signs links (a key of its own, never the encryption key itself). */
  secret: Buffer;
  publicUrl: string;
  ttlMs: number;
  clock: Clock;
}

/**
 * Invitations by email. The link (`/auth/login?invitation=<id>.<org>.<expiry>.<signature>`) is
 * signed, so a forged or altered one is refused before any login starts; the row makes it
 * single-use; the invitee accepts by logging in, with a verified email equal to the invited one.
 */
export class InvitationService {
  private readonly o: InvitationServiceOptions;
  private readonly key: Buffer;

  constructor(options: InvitationServiceOptions) {
    this.o = options;
    this.key = Buffer.from(
      hkdfSync('sha256', options.secret, Buffer.alloc(0), 'guardian invitation links', 32),
    );
  }

  /** Invites to the organization the actor acts in, as a role it may grant. */
  async invite(actor: Actor, input: { email: string; role: OrgRole }): Promise<Invitation> {
    const orgId = currentOrg(actor);
    const role = currentRole(actor);
    if (!mayGrant(role, input.role)) {
      throw new ForbiddenError(`Your role (${role}) may not invite someone as ${input.role}`);
    }
    const mailer = this.o.mailer;
    if (!mailer) throw new UnavailableError('No SMTP server is configured (SMTP_URL)');
    const org = this.o.directory.get(orgId);
    if (!org) throw new NotFoundError('No such organization');
    // A pending invitation holds a seat, so the plan's teamMembers is enforced here, when it is
    // taken; accepting it later takes no new one.
    const seatLimit = this.seatLimit(orgId);
    const expiresAt = new Date(this.o.clock.now() + this.o.ttlMs);
    const invitation = await this.o.store.create(
      orgId,
      {
        id: randomBytes(16).toString('hex'),
        email: input.email.toLowerCase(),
        role: input.role,
        invitedBy: actor.userId,
        expiresAt,
      },
      seatLimit,
    );
    if (invitation === 'no-seat') {
      throw new ConflictError(
        `All ${seatLimit} seats of the plan are taken (members and pending invitations)`,
      );
    }
    const link = new URL('/auth/login', this.o.publicUrl);
    link.searchParams.set('invitation', this.sign(invitation.id, orgId, expiresAt));
    const product = org.spec.branding?.productName ?? 'Guardian';
    try {
      await mailer.send({
        to: invitation.email,
        subject: `You are invited to ${org.spec.displayName} on ${product}`,
        text: [
          `You are invited to join ${org.spec.displayName} as ${input.role.replace('_', ' ')}.`,
          '',
          `Accept by signing in with this email address (${invitation.email}) here:`,
          link.href,
          '',
          `The link works once and expires at ${expiresAt.toISOString()}.`,
        ].join('\n'),
      });
    } catch (error) {
      // An invitation nobody received holds no seat and lists as nothing.
      await this.o.store.discard(orgId, invitation.id);
      if (error instanceof RecipientRefused) {
        throw new ValidationError([{ field: 'email', message: 'the mail server refused this address' }]);
      }
      throw new UnavailableError('The invitation mail could not be sent; nothing was stored, try again', {
        cause: error,
      });
    }
    return invitation;
  }

  list(actor: Actor): Promise<Invitation[]> {
    return this.o.store.list(currentOrg(actor));
  }

  /** What an invitation is now: pending until it is accepted, revoked or expired. */
  status(invitation: Invitation): InvitationView['status'] {
    if (invitation.acceptedAt) return 'accepted';
    if (invitation.revokedAt) return 'revoked';
    return invitation.expiresAt.getTime() <= this.o.clock.now() ? 'expired' : 'pending';
  }

  /** Revokes a pending invitation; returns the email it was for. */
  async revoke(actor: Actor, id: string): Promise<string> {
    const orgId = currentOrg(actor);
    const email = /^[0-9a-f]{32}$/.test(id) ? await this.o.store.revoke(orgId, id) : undefined;
    if (email === undefined) throw new NotFoundError('No such pending invitation');
    return email;
  }

  /** The organization a link invites to, if its signature holds and it has not expired. */
  check(link: string): string {
    const match = LINK.exec(link);
    const [, id, orgId, expiry, signature] = match ?? [];
    if (!id || !orgId || !expiry || !signature) throw new ForbiddenError('The invitation link is not valid');
    const expected = this.signature(id, orgId, expiry);
    if (!timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) {
      throw new ForbiddenError('The invitation link is not valid');
    }
    if (Number(expiry) * 1000 <= this.o.clock.now()) throw new ForbiddenError('The invitation has expired');
    return orgId;
  }

  /**
   * Accepts at the login callback, once the identity provider has said who the invitee is. A join
   * refused for want of a seat is returned (not admitted), for the caller to report; other
   * refusals throw.
   */
  async accept(link: string, identity: Identity): Promise<Join> {
    const orgId = this.check(link);
    const id = link.slice(0, 32);
    if (!identity.emailVerified || identity.email === null) {
      throw new ForbiddenError('Only a verified email address may accept an invitation');
    }
    const seatLimit = this.seatLimit(orgId);
    const outcome = await this.o.store.accept(
      orgId,
      id,
      { userId: identity.userId, email: identity.email },
      new Date(this.o.clock.now()),
      seatLimit,
    );
    if (typeof outcome === 'object' || outcome === 'no-seat') {
      return {
        orgId,
        userId: identity.userId,
        email: identity.email,
        role: typeof outcome === 'object' ? outcome.accepted : null,
        via: 'invitation',
        invitationId: id,
        admitted: outcome !== 'no-seat',
        seatLimit,
      };
    }
    const refusals: Record<typeof outcome, string> = {
      unknown: 'The invitation was revoked or does not exist',
      used: 'The invitation was already used',
      expired: 'The invitation has expired',
      'other-email': 'The invitation is for another email address',
    };
    throw new ForbiddenError(refusals[outcome]);
  }

  /** The plan's teamMembers (null: unlimited, or a plan that does not exist). */
  private seatLimit(orgId: string): number | null {
    const org = this.o.directory.get(orgId);
    return (org && this.o.directory.plan(org)?.spec.teamMembers) ?? null;
  }

  private sign(id: string, orgId: string, expiresAt: Date): string {
    const expiry = String(Math.floor(expiresAt.getTime() / 1000));
    return `${id}.${orgId}.${expiry}.${this.signature(id, orgId, expiry)}`;
  }

  private signature(id: string, orgId: string, expiry: string): string {
    return createHmac('sha256', this.key).update(`${id}.${orgId}.${expiry}`).digest('base64url');
  }
}
