import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { S3Access } from './s3-store.ts';

/** What the signer hashes (smithy's SourceData). */
type SourceData = string | ArrayBuffer | ArrayBufferView;

const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

/** SHA-256 for the SigV4 signer, on node:crypto. */
class Sha256 {
  private readonly secret: string | Uint8Array | undefined;
  private hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : bytes(secret);
    this.hash = this.fresh();
  }

  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
}

export class AdminApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(what: string, status: number, code: string) {
    super(`versitygw admin API: could not ${what} (${status}${code ? ` ${code}` : ''})`);
    this.name = 'AdminApiError';
    this.status = status;
    this.code = code;
  }
}

const xmlEscape = (value: string) =>
  value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/**
 * versitygw's admin API (PATCH requests signed with SigV4 by an admin account; the root account
 * of `versitygw --iam-dir`): accounts and the owner of each bucket. An account with the `user` role
 * reaches the buckets it owns and nothing else (no other bucket, no bucket creation), which is what
 * scopes an organization's credentials to its bucket.
 */
export class VersityAdmin {
  private readonly access: S3Access;
  private readonly signer: SignatureV4;

  constructor(access: S3Access) {
    this.access = access;
    this.signer = new SignatureV4({
      service: 's3',
      region: access.region,
      credentials: { accessKeyId: access.accessKeyId, secretAccessKey: access.secretAccessKey },
      sha256: Sha256,
    });
  }

  /** Creates a `user` account, or sets the secret of the existing one. */
  async ensureAccount(accessKeyId: string, secret: string): Promise<void> {
    const account = `<Account><Access>${xmlEscape(accessKeyId)}</Access><Secret>${xmlEscape(secret)}</Secret><Role>user</Role></Account>`;
    const created = await this.call('/create-user', { body: account });
    if (created.status === 201 || created.status === 200) return;
    if (created.code !== 'XAdminUserExists')
      throw new AdminApiError('create an account', created.status, created.code);
    const props = `<MutableProps><Secret>${xmlEscape(secret)}</Secret><Role>user</Role></MutableProps>`;
    const updated = await this.call('/update-user', { query: { access: accessKeyId }, body: props });
    if (updated.status !== 200) throw new AdminApiError('update an account', updated.status, updated.code);
  }

  async deleteAccount(accessKeyId: string): Promise<void> {
    const deleted = await this.call('/delete-user', { query: { access: accessKeyId } });
    if (deleted.status !== 200 && deleted.code !== 'XAdminUserNotFound')
      throw new AdminApiError('delete an account', deleted.status, deleted.code);
  }

  /** Every bucket with its owner's access key id. */
  async buckets(): Promise<Array<{ name: string; owner: string }>> {
    const listed = await this.call('/list-buckets');
    if (listed.status !== 200) throw new AdminApiError('list buckets', listed.status, listed.code);
    return [...listed.body.matchAll(/<Buckets>([\s\S]*?)<\/Buckets>/g)].map(([, entry = '']) => ({
      name: /<Name>([^<]*)<\/Name>/.exec(entry)?.[1] ?? '',
      owner: /<Owner>([^<]*)<\/Owner>/.exec(entry)?.[1] ?? '',
    }));
  }

  /**
   * Creates `bucket` owned by `owner`. Resolves `created`, or `exists` with its current owner when
   * it was there already (whoever owns it: the caller decides whether that is a conflict).
   */
  async createBucket(bucket: string, owner: string): Promise<{ created: boolean; owner: string }> {
    const created = await this.call(`/${encodeURIComponent(bucket)}/create`, {
      headers: { 'x-vgw-owner': owner },
    });
    if (created.status === 201 || created.status === 200) return { created: true, owner };
    if (created.code !== 'BucketAlreadyOwnedByYou' && created.code !== 'BucketAlreadyExists')
      throw new AdminApiError('create a bucket', created.status, created.code);
    const current = (await this.buckets()).find((b) => b.name === bucket);
    return { created: false, owner: current?.owner ?? '' };
  }

  private async call(
    path: string,
    options: { query?: Record<string, string>; headers?: Record<string, string>; body?: string } = {},
  ): Promise<{ status: number; code: string; body: string }> {
    const url = new URL(path, this.access.endpoint);
    const query = options.query ?? {};
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const signed = await this.signer.sign({
      method: 'PATCH',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query,
      headers: { host: url.host, ...options.headers },
      body: options.body,
    });
    const response = await fetch(url, {
      method: 'PATCH',
      headers: signed.headers,
      body: options.body,
      signal: AbortSignal.timeout(30_000),
    });
    const body = await response.text();
    return { status: response.status, code: /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? '', body };
  }
}
