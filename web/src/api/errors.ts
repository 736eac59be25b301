import type { components } from './generated/schema.ts';

export type Problem = components['schemas']['Problem'];

/** What went wrong, as the console tells people about it. */
export type ErrorKind =
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'rate-limited'
  | 'invalid'
  | 'unavailable'
  | 'server'
  | 'network';

const KIND_BY_STATUS: Record<number, ErrorKind> = {
  400: 'invalid',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  429: 'rate-limited',
  503: 'unavailable',
};

/** Seconds from a Retry-After header: delay-seconds or an HTTP date. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && 'status' in body && 'title' in body;
}

/** A failed API call: the platform's problem+json, or no answer at all. */
export class ApiError extends Error {
  readonly kind: ErrorKind;
  readonly status: number | undefined;
  readonly problem: Problem | undefined;
  readonly retryAfter: number | undefined;

  constructor(
    kind: ErrorKind,
    message: string,
    options: { status?: number; problem?: Problem; retryAfter?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ApiError';
    this.kind = kind;
    this.status = options.status;
    this.problem = options.problem;
    this.retryAfter = options.retryAfter;
  }

  static fromResponse(response: Response, body: unknown): ApiError {
    const problem = isProblem(body) ? body : undefined;
    const kind = KIND_BY_STATUS[response.status] ?? (response.status >= 500 ? 'server' : 'invalid');
    return new ApiError(kind, problem?.detail ?? `${response.status} ${response.statusText}`, {
      status: response.status,
      problem,
      retryAfter: retryAfterSeconds(response.headers.get('retry-after')),
    });
  }

  static network(cause: unknown): ApiError {
    return new ApiError('network', 'Guardian could not be reached', { cause });
  }

  /** The request id the platform logged the failure under, for support. */
  get requestId(): string | undefined {
    return this.problem?.instance?.replace(/^urn:guardian:request:/, '');
  }
}

export function isApiError(error: unknown, kind?: ErrorKind): error is ApiError {
  return error instanceof ApiError && (kind === undefined || error.kind === kind);
}
