import type { Clock } from '@guardian/kube/clock';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
} from 'jose';
import type { Knex } from 'knex';
import { open, seal } from '../crypto/secret-box.ts';
import type { SigningKeyRecord, SigningKeyStore } from '../stores/SigningKeyStore.ts';
import { publishedKeys, retiredKeys, type ScheduledKey, signingKey } from '../tokens/key-schedule.ts';

export const TOKEN_ALG = 'ES256';

interface LoadedKey extends ScheduledKey {
  publicJwk: JWK;
  publicKey: CryptoKey;
  sealed: string;
  privateKey?: CryptoKey;
}

export interface SigningKeyOptions {
  store: SigningKeyStore;
  encryptionKey: Buffer;
  tokenTtlMs: number;
  clock: Clock;
  /** Clock skew allowed between replicas and relying parties. */
  leewayMs?: number;
  /** Unknown `kid`s reload the key set at most this often, however many arrive. */
  unknownKidReloadMs?: number;
  /** Background reload period, so rotations by other replicas are seen before they activate. */
  refreshMs?: number;
}

/**
 * The platform's ES256 token signing keys, kept in the platform database with the private half
 * sealed (AES-256-GCM). Which key signs and which are published follows from their schedule
 * (tokens/key-schedule.ts) and the injected clock; rotation only ever inserts a key.
 */
export class SigningKeyService {
  private readonly store: SigningKeyStore;
  private readonly encryptionKey: Buffer;
  private readonly clock: Clock;
  readonly tokenTtlMs: number;
  readonly leewayMs: number;
  private readonly unknownKidReloadMs: number;
  private readonly refreshMs: number;
  private keys: LoadedKey[] = [];
  private lastReload = Number.NEGATIVE_INFINITY;
  private reloading: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly removalListeners: Array<(kids: string[]) => void> = [];
  /** Key set reloads, for tests and /metrics. */
  reloads = 0;
  /** Of those, reloads triggered by a token naming an unknown `kid`. */
  unknownKidReloads = 0;

  constructor(options: SigningKeyOptions) {
    this.store = options.store;
    this.encryptionKey = options.encryptionKey;
    this.clock = options.clock;
    this.tokenTtlMs = options.tokenTtlMs;
    this.leewayMs = options.leewayMs ?? 5_000;
    this.unknownKidReloadMs = options.unknownKidReloadMs ?? 10_000;
    this.refreshMs = options.refreshMs ?? 60_000;
  }

  /** Loads the keys, creating the first one (active at once: no token exists yet) if there is none. */
  async start(): Promise<void> {
    await this.store.exclusively(async (trx) => {
      if ((await this.store.count(trx)) === 0) await this.create(trx, this.clock.now(), 0);
    });
    await this.reload();
    this.timer = setInterval(() => void this.reload().catch(() => undefined), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Called with the kids that disappeared on a reload (e.g. to drop cached verifications). */
  onRemoved(listener: (kids: string[]) => void): void {
    this.removalListeners.push(listener);
  }

  /**
   * Rotation: inserts a key that is published now and signs one token lifetime from now. It never
   * deletes anything (that is `prune`), so a replica with another clock cannot lose a key in use.
   */
  async rotate(): Promise<{ kid: string; activateAt: Date }> {
    const now = this.clock.now();
    // With no key at all nothing can sign yet, so the first key starts at once.
    const { kid, delay } = await this.store.exclusively(async (trx) => {
      const delay = (await this.store.count(trx)) === 0 ? 0 : this.tokenTtlMs;
      return { kid: await this.create(trx, now, delay), delay };
    });
    await this.reload();
    return { kid, activateAt: new Date(now + delay) };
  }

  /** Deletes keys whose every token has expired. */
  async prune(): Promise<string[]> {
    const records = await this.store.list();
    const retired = retiredKeys(records.map(schedule), this.clock.now(), this.tokenTtlMs, this.leewayMs);
    const kids = retired.map((key) => key.kid);
    await this.store.delete(kids);
    return kids;
  }

  /** The key that signs now, with its private half opened. */
  async signer(): Promise<{ kid: string; privateKey: CryptoKey }> {
    let key = signingKey(this.keys, this.clock.now());
    if (!key) {
      await this.reload();
      key = signingKey(this.keys, this.clock.now());
    }
    if (!key) throw new Error('No token signing key is active');
    key.privateKey ??= (await importJWK(
      JSON.parse(open(this.encryptionKey, key.sealed, key.kid)) as JWK,
      TOKEN_ALG,
    )) as CryptoKey;
    return { kid: key.kid, privateKey: key.privateKey };
  }

  /** The JWKS: public halves of the keys published now. */
  jwks(): { keys: JWK[] } {
    return {
      keys: publishedKeys(this.keys, this.clock.now(), this.tokenTtlMs, this.leewayMs).map((key) => ({
        ...key.publicJwk,
      })),
    };
  }

  /**
   * The public key for a token's `kid`, only from our own published set. An unknown kid may be a
   * key another replica just created, so it reloads, but at most once per interval: a flood of
   * made-up kids costs one query per interval, not one per request.
   */
  async verificationKey(kid: string): Promise<CryptoKey | undefined> {
    const find = () =>
      publishedKeys(this.keys, this.clock.now(), this.tokenTtlMs, this.leewayMs).find(
        (key) => key.kid === kid,
      );
    const found = find();
    if (found) return found.publicKey;
    if (this.clock.now() - this.lastReload < this.unknownKidReloadMs) return undefined;
    if (!this.reloading) this.unknownKidReloads++;
    await this.reload();
    return find()?.publicKey;
  }

  /** Re-reads the key set; concurrent callers share one query. */
  reload(): Promise<void> {
    this.reloading ??= this.load().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  private async load(): Promise<void> {
    this.lastReload = this.clock.now();
    this.reloads++;
    const records = await this.store.list();
    const previous = new Map(this.keys.map((key) => [key.kid, key]));
    const keys: LoadedKey[] = [];
    for (const record of records) {
      const known = previous.get(record.kid);
      keys.push(
        known ?? {
          ...schedule(record),
          publicJwk: record.publicJwk,
          sealed: record.privateJwkSealed,
          publicKey: (await importJWK(record.publicJwk, TOKEN_ALG)) as CryptoKey,
        },
      );
    }
    const kept = new Set(keys.map((key) => key.kid));
    const removed = [...previous.keys()].filter((kid) => !kept.has(kid));
    this.keys = keys;
    if (removed.length > 0) for (const listener of this.removalListeners) listener(removed);
  }

  private async create(db: Knex, now: number, delayMs: number): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(TOKEN_ALG, { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const record: SigningKeyRecord = {
      kid,
      publicJwk: { ...publicJwk, kid, alg: TOKEN_ALG, use: 'sig' },
      privateJwkSealed: seal(this.encryptionKey, JSON.stringify(await exportJWK(privateKey)), kid),
      publishAt: new Date(now),
      activateAt: new Date(now + delayMs),
    };
    await this.store.insert(record, db);
    return kid;
  }
}

function schedule(record: SigningKeyRecord): ScheduledKey {
  return { kid: record.kid, publishAt: record.publishAt.getTime(), activateAt: record.activateAt.getTime() };
}
