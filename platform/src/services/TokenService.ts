import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '@guardian/kube/clock';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { TokenClaims } from '../contract/token.ts';
import { permissionsOf } from '../rbac.ts';
import type { Access } from './AccessService.ts';
import type { Actor } from './actor.ts';
import { ForbiddenError, UnauthenticatedError } from './errors.ts';
import type { OrganizationDirectory } from './OrganizationDirectory.ts';
import { type SigningKeyService, TOKEN_ALG } from './SigningKeyService.ts';

export const AUDIENCE = 'guardian';
const TYPE = 'at+jwt';
/** Larger than any token we issue; anything bigger is refused before it is parsed. */
export const MAX_TOKEN_BYTES = 8 * 1024;
/** Header parameters that would let a token name its own key: never honoured, so refused. */
const FORBIDDEN_HEADERS = ['jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256', 'crit', 'b64', 'zip'];
const KID = /^[A-Za-z0-9_-]{1,128}$/;

export interface TokenServiceOptions {
  keys: SigningKeyService;
  /** Tokens are issued only for organizations that exist and are not suspended. */
  directory: Pick<OrganizationDirectory, 'requireActive'>;
  issuer: string;
  clock: Clock;
  /** Bound on cached verifications; the oldest go first. */
  cacheSize?: number;
}

/**
 * Issues and verifies platform access tokens: ES256 JWTs from our own key set only. Verified
 * tokens are cached until their `exp`, since one uncached ES256 verification per request costs
 * most of the API's throughput.
 */
export class TokenService {
  private readonly keys: SigningKeyService;
  private readonly directory: Pick<OrganizationDirectory, 'requireActive'>;
  readonly issuer: string;
  private readonly clock: Clock;
  private readonly cacheSize: number;
  private readonly cache = new Map<string, TokenClaims>();
  /** Verifications answered from the cache, for tests and /metrics. */
  cacheHits = 0;

  constructor(options: TokenServiceOptions) {
    this.keys = options.keys;
    this.directory = options.directory;
    this.issuer = options.issuer;
    this.clock = options.clock;
    this.cacheSize = options.cacheSize ?? 10_000;
    // A removed key takes its tokens with it, cached or not.
    this.keys.onRemoved(() => this.cache.clear());
  }

  get ttlSeconds(): number {
    return Math.floor(this.keys.tokenTtlMs / 1000);
  }

  /**
   * A token for the actor in `orgId`: one of its organizations (any, for a super admin), by
   * default the one it acts in, else its first (alphabetically); null when it has none.
   */
  issueFor(actor: Actor, orgId?: string): Promise<{ token: string; expiresIn: number }> {
    const chosen = orgId ?? actor.orgId ?? Object.keys(actor.orgs).sort()[0] ?? null;
    if (chosen !== null && actor.orgs[chosen] === undefined && !actor.superAdmin) {
      throw new ForbiddenError(`You do not belong to organization ${chosen}`);
    }
    this.directory.requireActive(chosen);
    const teams = Object.fromEntries(Object.entries(actor.teams).map(([org, ids]) => [org, [...ids]]));
    const teamRoles = Object.fromEntries(
      Object.entries(actor.teamRoles ?? {}).map(([org, roles]) => [org, { ...roles }]),
    );
    return this.issue(
      actor.userId,
      { superAdmin: actor.superAdmin, orgs: { ...actor.orgs }, teams, teamRoles },
      chosen,
    );
  }

  async issue(
    userId: string,
    access: Access,
    orgId: string | null,
  ): Promise<{ token: string; expiresIn: number }> {
    const { kid, privateKey } = await this.keys.signer();
    const now = Math.floor(this.clock.now() / 1000);
    const role = access.superAdmin ? 'super_admin' : orgId === null ? null : (access.orgs[orgId] ?? null);
    const claims = {
      user_id: userId,
      org_id: orgId,
      role,
      team_ids: orgId === null ? [] : (access.teams[orgId] ?? []),
      permissions: role === null ? [] : permissionsOf(role),
      orgs: access.orgs,
      teams: access.teams,
      team_roles: access.teamRoles ?? {},
      super_admin: access.superAdmin,
    };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: TOKEN_ALG, kid, typ: TYPE })
      .setIssuer(this.issuer)
      .setAudience(AUDIENCE)
      .setSubject(userId)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + this.ttlSeconds)
      .setJti(randomUUID())
      .sign(privateKey);
    return { token, expiresIn: this.ttlSeconds };
  }

  /** The token's claims, or an Unauthorized problem that says nothing about which check failed. */
  async verify(token: string): Promise<TokenClaims> {
    if (token.length > MAX_TOKEN_BYTES) throw new UnauthenticatedError('The access token is not valid');
    const cacheKey = createHash('sha256').update(token).digest('base64url');
    const cached = this.cache.get(cacheKey);
    // The same clock tolerance as jwtVerify's, so a cached answer never differs from a fresh one.
    const nowSeconds = this.clock.now() / 1000;
    const tolerance = Math.floor(this.keys.leewayMs / 1000);
    if (cached && cached.exp + tolerance > nowSeconds && cached.nbf - tolerance <= nowSeconds) {
      this.cacheHits++;
      return cached;
    }
    if (cached) this.cache.delete(cacheKey);
    const claims = await this.verifyUncached(token);
    if (this.cache.size >= this.cacheSize) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(cacheKey, claims);
    return claims;
  }

  private async verifyUncached(token: string): Promise<TokenClaims> {
    try {
      const header = decodeProtectedHeader(token);
      if (header.alg !== TOKEN_ALG) throw new Error(`algorithm ${String(header.alg)} refused`);
      if (FORBIDDEN_HEADERS.some((name) => name in header)) throw new Error('header parameters refused');
      if (typeof header.kid !== 'string' || !KID.test(header.kid)) throw new Error('malformed kid');
      const key = await this.keys.verificationKey(header.kid);
      if (!key) throw new Error('unknown kid');
      const { payload } = await jwtVerify(token, key, {
        algorithms: [TOKEN_ALG],
        issuer: this.issuer,
        audience: AUDIENCE,
        typ: TYPE,
        requiredClaims: ['exp', 'iat', 'nbf', 'sub', 'jti'],
        currentDate: new Date(this.clock.now()),
        // Replicas' clocks differ by a little; more than this is refused.
        clockTolerance: Math.floor(this.keys.leewayMs / 1000),
        maxTokenAge: this.ttlSeconds + Math.floor(this.keys.leewayMs / 1000),
      });
      const claims = TokenClaims.parse(payload);
      if (claims.sub !== claims.user_id) throw new Error('sub and user_id differ');
      return claims;
    } catch (cause) {
      const expired = cause instanceof joseErrors.JWTExpired;
      throw new UnauthenticatedError(
        expired ? 'The access token has expired' : 'The access token is not valid',
        { cause },
      );
    }
  }
}
