import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '@guardian/kube/clock';
import type { ApiKeyView } from '../contract/api-keys.ts';
import { sha256 } from '../crypto/random.ts';
import { type OrgRole, rank } from '../rbac.ts';
import type { ApiKey, ApiKeyStore } from '../stores/ApiKeyStore.ts';
import { type Actor, currentOrg, currentRole } from './actor.ts';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from './errors.ts';

const KEY = /^gdn_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** What authentication learns from a valid API key. */
export interface ApiKeyIdentity {
  keyId: string;
  orgId: string;
  role: OrgRole;
  userId: string;
}

export const isApiKey = (token: string) => token.startsWith('gdn_');

export function apiKeyView(key: ApiKey): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    role: key.role,
    created_by: key.createdBy,
    created_at: key.createdAt.toISOString(),
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    revoked_at: key.revokedAt?.toISOString() ?? null,
  };
}

/**
 * A genuine key that was revoked: answered exactly like an unknown one (the caller learns nothing),
 * but the audit trail can name the organization and key it belonged to.
 */
export class RevokedApiKeyError extends UnauthenticatedError {
  readonly orgId: string;
  readonly keyId: string;

  constructor(orgId: string, keyId: string) {
    super('The API key is not valid');
    this.orgId = orgId;
    this.keyId = keyId;
  }
}

/**
 * API keys for scripts and CI: `gdn_<id>_<256-bit secret>`, shown once, stored as SHA-256, bound
 * to one organization and a role no stronger than their creator's at the time.
 */
export class ApiKeyService {
  private readonly store: ApiKeyStore;
  private readonly clock: Clock;
  /** When this replica last recorded each key's use: most requests then cost no write at all. */
  private readonly touched = new Map<string, number>();

  constructor(options: { store: ApiKeyStore; clock: Clock }) {
    this.store = options.store;
    this.clock = options.clock;
  }

  /** A key in the organization the actor acts in; its secret is in this answer only. */
  async create(
    actor: Actor,
    input: { name: string; role: OrgRole },
  ): Promise<{ key: ApiKey; secret: string }> {
    const orgId = currentOrg(actor);
    const role = currentRole(actor);
    // A key (or its creator) can never mint a stronger one: no role above the creator's own.
    if (rank(input.role) > rank(role)) {
      throw new ForbiddenError(`Your role (${role}) may not create a key with role ${input.role}`);
    }
    const id = randomBytes(8).toString('hex');
    const secret = `gdn_${id}_${randomBytes(32).toString('base64url')}`;
    const key = await this.store.create(orgId, {
      id,
      name: input.name,
      role: input.role,
      secretHash: sha256(secret),
      createdBy: actor.userId,
    });
    return { key, secret };
  }

  list(actor: Actor): Promise<ApiKey[]> {
    return this.store.list(currentOrg(actor));
  }

  async revoke(actor: Actor, id: string): Promise<void> {
    const orgId = currentOrg(actor);
    if (!/^[0-9a-f]{16}$/.test(id) || !(await this.store.revoke(orgId, id))) {
      throw new NotFoundError('No such active API key');
    }
  }

  /** The key's organization and role; 401 for anything malformed, unknown, tampered or revoked. */
  async verify(token: string): Promise<ApiKeyIdentity> {
    const match = KEY.exec(token);
    const id = match?.[1];
    if (!id) throw new UnauthenticatedError('The API key is malformed');
    const key = await this.store.findForAuthentication(id);
    if (!key || !timingSafeEqual(key.secretHash, sha256(token))) {
      throw new UnauthenticatedError('The API key is not valid');
    }
    if (key.revokedAt !== null) throw new RevokedApiKeyError(key.orgId, key.id);
    const now = this.clock.now();
    if (now - (this.touched.get(key.id) ?? 0) >= 60_000) {
      this.touched.set(key.id, now);
      await this.store.touch(key.orgId, key.id, new Date(now));
    }
    return { keyId: key.id, orgId: key.orgId, role: key.role, userId: key.createdBy };
  }
}
