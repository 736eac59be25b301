/**
 * The errors services throw: what went wrong in the domain's words, never an HTTP status. The
 * error middleware (http/error-handler.ts) is the one place they become problem+json answers:
 *
 *   ValidationError      400  the input is wrong; `errors` names each failing field
 *   UnauthenticatedError 401  no valid credential (adds `WWW-Authenticate: Bearer`)
 *   ForbiddenError       403  the actor may not do this
 *   NotFoundError        404  no such thing, or not one the actor may know of
 *   ConflictError        409  the current state forbids it (exists already, changed meanwhile, ...)
 *   QuotaExceededError   429  a plan's limit is used up; `retryAfterSeconds` when it frees, `quota` its figures
 *   UnavailableError     503  something the platform depends on is missing or down
 *
 * `detail` is said to the caller as it is: never a secret or an internal. Anything else thrown is
 * a 500 that says only that, its cause logged. Use:
 *
 *   if (!run) throw new NotFoundError('No such agent run');
 *   throw new ValidationError([{ field: 'environment', message: 'is not one of the organization’s' }]);
 *   throw new QuotaExceededError('All 100 agent executions of this month are used', { retryAfterSeconds });
 */
export abstract class DomainError extends Error {
  readonly detail: string;

  constructor(detail: string, options?: { cause?: unknown }) {
    super(detail, options);
    this.detail = detail;
    this.name = new.target.name;
  }
}

/** One failing input field, named as the caller sent it (`owner_email`, `sso.clientId`). */
export interface FieldError {
  field: string;
  message: string;
}

export class ValidationError extends DomainError {
  readonly errors: FieldError[];

  constructor(errors: FieldError[], detail = 'The request is not valid') {
    super(detail);
    this.errors = errors;
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(detail = 'Authentication is required', options?: { cause?: unknown }) {
    super(detail, options);
  }
}

export class ForbiddenError extends DomainError {}

export class NotFoundError extends DomainError {
  constructor(detail = 'No such resource') {
    super(detail);
  }
}

export class ConflictError extends DomainError {}

/** When the caller may try again: how long to wait, in whole seconds. */
interface RetryAfter {
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** A monthly limit a refused request met, said beside the problem (member `quota`). */
export interface QuotaDetails {
  /** The usage kind: `agent_executions`, `workflows`. */
  kind: string;
  /** null: unlimited. */
  limit: number | null;
  used: number;
  remaining: number | null;
  /** How many units the request needed. */
  requested: number;
  /** The billing period's first day (YYYY-MM-DD) and when the next one starts. */
  period: string;
  resets_at: string;
}

export class QuotaExceededError extends DomainError {
  readonly retryAfterSeconds: number | undefined;
  readonly quota: QuotaDetails | undefined;

  constructor(detail: string, options: RetryAfter & { quota?: QuotaDetails } = {}) {
    super(detail, options);
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.quota = options.quota;
  }
}

export class UnavailableError extends DomainError {
  readonly retryAfterSeconds: number | undefined;

  constructor(detail: string, options: RetryAfter = {}) {
    super(detail, options);
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** What a refused consumption says of the quota (Metering's answer). */
export interface RefusedConsumption {
  limit: number | null;
  used: number;
  remaining: number | null;
  period: string;
  resetsAt: Date;
}

/** The 429 of a monthly quota that cannot cover `requested` units of `kind`, with its figures and Retry-After. */
export function quotaRefusal(
  detail: string,
  kind: string,
  requested: number,
  taken: RefusedConsumption,
  now: number,
): QuotaExceededError {
  const { limit, used, remaining, period, resetsAt } = taken;
  return new QuotaExceededError(detail, {
    retryAfterSeconds: Math.max(1, Math.ceil((resetsAt.getTime() - now) / 1000)),
    quota: { kind, limit, used, remaining, requested, period, resets_at: resetsAt.toISOString() },
  });
}
