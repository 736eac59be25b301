import { request as httpRequest, type IncomingMessage, STATUS_CODES } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import type { ClusterAccess } from './kubeconfig.ts';
import { type KubeObject, type Resource, resourcePath } from './resources.ts';

/** An error answer of the apiserver, with its HTTP status and Status reason. */
export class ApiError extends Error {
  readonly status: number;
  readonly reason: string;
  readonly details: unknown;

  constructor(status: number, reason: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.reason = reason;
    this.details = details;
  }
}

// The Status reasons the apiserver gives these codes (apimachinery's NewGenericServerResponse),
// for answers that carry no Status: a proxy's error page, an empty body.
const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** The reason of an HTTP status: the apiserver's where it has one, else the status phrase (`BadGateway`). */
function reasonOf(code: number): string {
  return REASONS[code] ?? STATUS_CODES[code]?.replace(/[^A-Za-z]/g, '') ?? 'Unknown';
}

export const isNotFound = (error: unknown) => error instanceof ApiError && error.status === 404;
export const isConflict = (error: unknown) => error instanceof ApiError && error.status === 409;

export interface List<T> {
  items: T[];
  metadata?: { resourceVersion?: string; continue?: string };
}

export interface KubeClientOptions {
  /** How long any request but a watch may take, answer included (default 30 s). */
  timeoutMs?: number;
  /** Items per page of a list (default 500). */
  pageSize?: number;
}

export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

type Query = Record<string, string | number | boolean | undefined>;

/** What a client made by `impersonating` shares with the one it came from. */
interface Shared {
  agent: Agent;
  impersonate: string;
}

/** Asks the apiserver for lists of PartialObjectMetadata (metadata.k8s.io's "as" negotiation). */
const METADATA_ONLY = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';

/**
 * A small REST client for the apiserver on node:https: the requests a controller needs (get, list,
 * watch, server-side apply with strict field validation, delete), with the kubeconfig's TLS and
 * credentials. Bearer tokens are re-read for each request, so projected tokens may rotate.
 */
export class KubeClient {
  readonly server: string;
  /** The user every request acts as (`Impersonate-User`), or undefined: the credential's own. */
  readonly impersonated: string | undefined;
  private readonly access: ClusterAccess;
  private readonly agent: Agent;
  private readonly ownsAgent: boolean;
  private readonly timeoutMs: number;
  private readonly pageSize: number;

  constructor(access: ClusterAccess, options: KubeClientOptions = {}, shared?: Shared) {
    this.access = access;
    this.server = access.server;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.pageSize = options.pageSize ?? 500;
    this.impersonated = shared?.impersonate;
    this.ownsAgent = shared === undefined;
    this.agent =
      shared?.agent ??
      new Agent({
        ca: access.ca,
        cert: access.cert,
        key: access.key,
        rejectUnauthorized: !access.skipTLSVerify,
        keepAlive: true,
      });
  }

  /**
   * A client whose requests act as `user` (e.g. `system:serviceaccount:org-acme:guardian-agent`):
   * the apiserver checks that this client's credential may impersonate it, then authorizes every
   * request as that user alone. It shares this client's connections; closing it closes nothing.
   */
  impersonating(user: string): KubeClient {
    if (user.length === 0) throw new Error('impersonating() needs a user name');
    return new KubeClient(
      this.access,
      { timeoutMs: this.timeoutMs, pageSize: this.pageSize },
      { agent: this.agent, impersonate: user },
    );
  }

  async request<T>(
    method: string,
    path: string,
    options: {
      query?: Query;
      body?: unknown;
      contentType?: string;
      accept?: string;
      signal?: AbortSignal;
    } = {},
  ): Promise<T> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
    let code: number;
    let text: string;
    try {
      const response = await this.send(method, path, { ...options, signal });
      code = response.statusCode ?? 0;
      text = await readAll(response);
    } catch (error) {
      if (!timeout.signal.aborted) throw error;
      // The apiserver's own code and reason for a request it could not finish in time.
      throw new ApiError(504, 'Timeout', `${method} ${path}: no answer within ${this.timeoutMs} ms`);
    } finally {
      clearTimeout(timer);
    }
    const ok = code >= 200 && code <= 299;
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch (error) {
      if (ok) throw new Error(`${method} ${path}: the answer is not JSON`, { cause: error });
      body = undefined;
    }
    if (!ok) {
      const status = (typeof body === 'object' ? body : undefined) as
        | { reason?: string; message?: string; details?: unknown }
        | undefined;
      const excerpt = body === undefined && text ? `: ${text.slice(0, 200)}` : '';
      throw new ApiError(
        code,
        status?.reason ?? reasonOf(code),
        status?.message ?? `${method} ${path}: HTTP ${code}${excerpt}`,
        status?.details,
      );
    }
    return body as T;
  }

  get<T extends KubeObject>(resource: Resource, name: string, namespace?: string): Promise<T> {
    return this.request('GET', resourcePath(resource, { name, namespace }));
  }

  /** The object, or undefined where it does not exist. */
  async find<T extends KubeObject>(
    resource: Resource,
    name: string,
    namespace?: string,
  ): Promise<T | undefined> {
    try {
      return await this.get<T>(resource, name, namespace);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * Every item, read in pages of `pageSize` from one consistent snapshot, with the snapshot's
   * resourceVersion (to watch from). A continue token expires (410) once etcd compacted that
   * snapshot away: the list then starts over, once.
   */
  async list<T extends KubeObject>(
    resource: Resource,
    options: {
      namespace?: string;
      labelSelector?: string;
      /** Only each item's apiVersion, kind and metadata (PartialObjectMetadata): never a Secret's data. */
      metadataOnly?: boolean;
    } = {},
  ): Promise<List<T>> {
    const path = resourcePath(resource, { namespace: options.namespace });
    const accept = options.metadataOnly ? METADATA_ONLY : undefined;
    for (let attempt = 1; ; attempt++) {
      const items: T[] = [];
      let token: string | undefined;
      try {
        for (;;) {
          const query = { labelSelector: options.labelSelector, limit: this.pageSize, continue: token };
          const page = await this.request<List<T>>('GET', path, { query, accept });
          // A PartialObjectMetadataList without items says `items: null`.
          items.push(...(page.items ?? []));
          token = page.metadata?.continue || undefined;
          if (!token) return { items, metadata: { resourceVersion: page.metadata?.resourceVersion } };
        }
      } catch (error) {
        const expired = token !== undefined && error instanceof ApiError && error.status === 410;
        if (!expired || attempt > 1) throw error;
      }
    }
  }

  /**
   * Server-side apply of `object` (which names its apiVersion, kind, name and namespace) as
   * `fieldManager`, with strict field validation: an unknown field is an error, not a silent drop.
   */
  apply<T extends KubeObject>(
    resource: Resource,
    object: T,
    options: { fieldManager: string; subresource?: 'status'; force?: boolean },
  ): Promise<T> {
    const where = {
      namespace: object.metadata?.namespace,
      name: object.metadata?.name,
      subresource: options.subresource,
    };
    return this.request('PATCH', resourcePath(resource, where), {
      query: { fieldManager: options.fieldManager, force: options.force ?? true, fieldValidation: 'Strict' },
      body: object,
      contentType: 'application/apply-patch+yaml',
    });
  }

  create<T extends KubeObject>(resource: Resource, object: T): Promise<T> {
    return this.request('POST', resourcePath(resource, { namespace: object.metadata?.namespace }), {
      query: { fieldValidation: 'Strict' },
      body: object,
    });
  }

  /** Replaces `object`; fails with 409 when its resourceVersion is no longer current. */
  replace<T extends KubeObject>(resource: Resource, object: T, subresource?: 'status'): Promise<T> {
    const where = { namespace: object.metadata?.namespace, name: object.metadata?.name, subresource };
    return this.request('PUT', resourcePath(resource, where), {
      query: { fieldValidation: 'Strict' },
      body: object,
    });
  }

  /**
   * Deletes; true if it was there. With `preconditions`, only the object of that uid and
   * resourceVersion: one changed since answers 409 (an ApiError).
   */
  async delete(
    resource: Resource,
    name: string,
    namespace?: string,
    propagationPolicy = 'Background',
    preconditions?: { uid?: string; resourceVersion?: string },
  ) {
    try {
      await this.request('DELETE', resourcePath(resource, { name, namespace }), {
        body: {
          apiVersion: 'v1',
          kind: 'DeleteOptions',
          propagationPolicy,
          ...(preconditions ? { preconditions } : {}),
        },
      });
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** Streams watch events until the server ends the watch (resolves) or it fails (rejects). */
  async watch<T extends KubeObject>(
    resource: Resource,
    query: Query & { resourceVersion: string },
    onEvent: (event: WatchEvent<T>) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const response = await this.send('GET', resourcePath(resource), {
      query: { ...query, watch: true, allowWatchBookmarks: true },
      signal,
    });
    if (response.statusCode !== 200) {
      const text = await readAll(response);
      throw new ApiError(
        response.statusCode ?? 0,
        'WatchFailed',
        `watch ${resource.plural}: HTTP ${response.statusCode} ${text}`,
      );
    }
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of response) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line) onEvent(JSON.parse(line) as WatchEvent<T>);
        newline = buffered.indexOf('\n');
      }
    }
  }

  /** Closes the connections; a client made by `impersonating` leaves them to the client it came from. */
  close(): Promise<void> {
    if (this.ownsAgent) this.agent.destroy();
    return Promise.resolve();
  }

  private async send(
    method: string,
    path: string,
    options: { query?: Query; body?: unknown; contentType?: string; accept?: string; signal?: AbortSignal },
  ) {
    const url = new URL(`${this.server}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const token = this.access.token?.();
    const headers: Record<string, string> = {
      accept: options.accept ?? 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(this.impersonated === undefined ? {} : { 'impersonate-user': this.impersonated }),
    };
    if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          headers,
          agent: url.protocol === 'https:' ? this.agent : undefined,
          signal: options.signal,
        },
        resolve,
      );
      req.on('error', reject);
      req.end(body);
    });
  }
}

function readAll(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
    // An aborted request (a timeout) may end its answer without 'end' or 'error'.
    response.on('close', () => {
      if (!response.complete) reject(new Error('the connection closed before the answer was complete'));
    });
  });
}
