import type { Organization } from '@guardian/crds/generated';
import type { Clock } from '@guardian/kube/clock';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import { randomId, sha256 } from '../crypto/random.ts';
import { logError } from '../http/log-error.ts';
import type { PendingLoginStore } from '../stores/PendingLoginStore.ts';
import type { UserStore } from '../stores/UserStore.ts';
import type { AccessService, Identity, Join } from './AccessService.ts';
import { ForbiddenError, NotFoundError, UnauthenticatedError, UnavailableError } from './errors.ts';
import type { InvitationService } from './InvitationService.ts';
import type { OidcClientSettings, OidcClients } from './OidcClients.ts';
import type { OrganizationDirectory } from './OrganizationDirectory.ts';
import type { SessionService } from './SessionService.ts';

const PENDING_LOGIN_MS = 10 * 60_000;

export interface LoginServiceOptions {
  directory: OrganizationDirectory;
  access: AccessService;
  oidcClients: OidcClients;
  pendingLogins: PendingLoginStore;
  users: UserStore;
  sessions: SessionService;
  invitations: Pick<InvitationService, 'accept'>;
  defaultIdp: OidcClientSettings;
  redirectUri: string;
  scope: string;
  clock: Clock;
  log: Logger;
}

/** A login that failed validation (state, nonce, issuer, code) or expired: 401. */
class LoginFailed extends UnauthenticatedError {
  constructor(detail: string, cause?: unknown) {
    super(detail, { cause });
  }
}

/**
 * OpenID Connect sign-in: authorization code with PKCE (S256), `state`, `nonce` and the
 * authorization response's `iss` checked by openid-client; the pending login lives server-side
 * and is consumed by the first callback that names it.
 */
export class LoginService {
  private readonly o: LoginServiceOptions;

  constructor(options: LoginServiceOptions) {
    this.o = options;
  }

  /** Starts a login; returns where to send the browser and the pending login's id (for a cookie). */
  async begin(
    orgId: string | undefined,
    returnTo: string,
    invitation?: string,
  ): Promise<{ url: URL; pendingId: string; maxAgeMs: number }> {
    const org = orgId === undefined ? undefined : this.loginOrganization(orgId);
    const settings = await this.idpFor(org);
    const config = await this.o.oidcClients.configuration(settings);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const pendingId = randomId();
    await this.o.pendingLogins.create(sha256(pendingId), {
      state,
      nonce,
      codeVerifier,
      orgId: orgId ?? null,
      issuer: config.serverMetadata().issuer,
      returnTo,
      expiresAt: new Date(this.o.clock.now() + PENDING_LOGIN_MS),
      invitation: invitation ?? null,
    });
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.o.redirectUri,
      scope: this.o.scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url, pendingId, maxAgeMs: PENDING_LOGIN_MS };
  }

  /**
   * Finishes a login at the callback; returns the new session's id and where to go next. The
   * memberships it creates or is refused (no free seat) are added to `joins` as they happen, so
   * the caller can report them even when the login then fails.
   */
  async complete(
    pendingId: string | undefined,
    callbackUrl: URL,
    joins: Join[] = [],
  ): Promise<{ sessionId: string; returnTo: string; maxAgeMs: number }> {
    const pending = pendingId
      ? await this.o.pendingLogins.take(sha256(pendingId), new Date(this.o.clock.now()))
      : undefined;
    if (!pending) {
      throw new LoginFailed('This login has expired or was already used; start again at /auth/login');
    }
    const org = pending.orgId === null ? undefined : this.loginOrganization(pending.orgId);
    const settings = await this.idpFor(org);
    const config = await this.o.oidcClients.configuration(settings);
    if (config.serverMetadata().issuer !== pending.issuer) {
      throw new LoginFailed('The organization’s identity provider changed during the login; start again');
    }
    let tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
    try {
      tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      this.o.log.info(
        { error: logError(error), issuer: pending.issuer },
        'Refused an authorization response',
      );
      throw new LoginFailed(`The identity provider’s response was refused: ${describe(error)}`, error);
    }
    const claims = tokens.claims();
    if (!claims || claims.iss !== pending.issuer)
      throw new LoginFailed('The ID token is missing or from another issuer');
    const groupsClaim =
      org && this.o.directory.ssoEnabled(org) ? (org.spec.sso?.groupsClaim ?? 'groups') : 'groups';
    const email = typeof claims.email === 'string' ? claims.email.toLowerCase() : null;
    const user = await this.o.users.upsert({
      issuer: claims.iss,
      subject: claims.sub,
      email,
      emailVerified: claims.email_verified === true,
      name: typeof claims.name === 'string' ? claims.name : null,
    });
    const identity: Identity = {
      userId: user.id,
      issuer: user.issuer,
      email: user.email,
      emailVerified: user.emailVerified,
      groups: stringList(claims[groupsClaim]),
    };
    // Accepted before access is computed, so the invitee enters the organization in this login.
    if (pending.invitation) {
      const accepted = await this.o.invitations.accept(pending.invitation, identity);
      joins.push(accepted);
      if (!accepted.admitted) throw noFreeSeat(accepted);
    }
    const signup = await this.o.access.signUpByDomain(identity);
    joins.push(...signup.joins);
    const refusedForSeats = signup.joins.filter((join) => !join.admitted);
    const access = await this.o.access.access(identity);
    const unverified = `The identity provider has not verified the email address ${email ?? ''}, and only a verified address may join an organization by its domain`;
    if (pending.orgId !== null && !access.superAdmin && access.orgs[pending.orgId] === undefined) {
      const noSeat = refusedForSeats.find((join) => join.orgId === pending.orgId);
      if (noSeat) throw noFreeSeat(noSeat);
      throw new ForbiddenError(
        signup.refusedUnverified.includes(pending.orgId)
          ? `${unverified} (${pending.orgId})`
          : `You are not a member of organization ${pending.orgId}`,
      );
    }
    if (!access.superAdmin && Object.keys(access.orgs).length === 0) {
      const [noSeat] = refusedForSeats;
      if (noSeat) throw noFreeSeat(noSeat);
      if (signup.refusedUnverified.length > 0) {
        throw new ForbiddenError(`${unverified} (${signup.refusedUnverified.join(', ')})`);
      }
    }
    const session = await this.o.sessions.create(identity, pending.orgId);
    this.o.log.info(
      {
        userId: user.id,
        issuer: user.issuer,
        org: pending.orgId,
        joined: joins.filter((join) => join.admitted).map((join) => join.orgId),
      },
      'Signed in',
    );
    return { sessionId: session.id, returnTo: pending.returnTo, maxAgeMs: session.maxAgeMs };
  }

  /** An organization one may log in to: it exists, is not suspended, and its plan allows its SSO. */
  private loginOrganization(orgId: string): Organization {
    const org = this.o.directory.get(orgId);
    if (!org) throw new NotFoundError(`There is no organization ${orgId}`);
    if (org.spec.suspended) throw new ForbiddenError(`Organization ${orgId} is suspended`);
    if (org.spec.sso && !this.o.directory.ssoEnabled(org)) {
      throw new ForbiddenError(
        `Organization ${orgId} is configured for its own identity provider, but its plan (${org.spec.plan}) lacks the SSO feature`,
      );
    }
    return org;
  }

  private async idpFor(org: Organization | undefined): Promise<OidcClientSettings> {
    const sso = org?.spec.sso;
    if (!org || !sso || !this.o.directory.ssoEnabled(org)) return this.o.defaultIdp;
    const clientSecret = await this.o.directory.ssoClientSecret(org);
    if (clientSecret === undefined) {
      throw new UnavailableError(
        `The SSO client secret of organization ${org.metadata?.name} (Secret ${sso.clientSecretRef.name}) cannot be read`,
      );
    }
    return { issuer: sso.issuer, clientId: sso.clientId, clientSecret };
  }
}

function noFreeSeat(join: Join): ForbiddenError {
  return new ForbiddenError(
    `All ${join.seatLimit} seats of organization ${join.orgId} are taken (members and pending invitations); ask its administrators to free one or to change its plan`,
  );
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * Names the failed check (state, nonce, iss, the IdP's OAuth error code). The messages of
 * openid-client and its oauth4webapi cause are fixed texts without values; causes are not exposed.
 */
function describe(error: unknown): string {
  if (error instanceof oidc.AuthorizationResponseError || error instanceof oidc.ResponseBodyError)
    return error.error;
  if (!(error instanceof Error)) return 'unknown error';
  const cause = error.cause;
  return cause instanceof Error && cause.name === 'OperationProcessingError' ? cause.message : error.message;
}
