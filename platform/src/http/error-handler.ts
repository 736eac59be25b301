import type { Middleware } from 'koa';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  QuotaExceededError,
  UnauthenticatedError,
  UnavailableError,
  ValidationError,
} from '../services/errors.ts';
import { HttpProblem } from './errors.ts';
import { logError } from './log-error.ts';
import type { AppState } from './state.ts';

export const PROBLEM_JSON = 'application/problem+json';

/**
 * The one place errors become responses: domain errors and problems keep their status and detail,
 * anything else is a 500 that says only that, with the request id to find the logged cause.
 */
export function errorHandler(): Middleware<AppState> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new HttpProblem(404, 'Not Found', `No route for ${ctx.method} ${ctx.path}`);
      }
    } catch (error) {
      const problem = toProblem(error);
      if (problem.status >= 500) ctx.state.log?.error({ error: logError(error) }, 'Request failed');
      else ctx.state.log?.debug({ error: logError(error) }, 'Request refused');
      ctx.status = problem.status;
      ctx.set(problem.headers);
      ctx.type = PROBLEM_JSON;
      ctx.body = problemBody(problem, ctx.state.requestId);
    }
  };
}

/** A problem's body (RFC 9457), as every error answer and the chat's stream `error` events carry it. */
export function problemBody(problem: HttpProblem, requestId: string | undefined): Record<string, unknown> {
  return {
    type: 'about:blank',
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    instance: requestId ? `urn:guardian:request:${requestId}` : undefined,
    ...(problem.errors ? { errors: problem.errors } : {}),
    ...problem.extensions,
  };
}

const retryAfter = (seconds: number | undefined): Record<string, string> =>
  seconds === undefined ? {} : { 'retry-after': String(seconds) };

const internal = (cause: unknown) =>
  new HttpProblem(500, 'Internal Server Error', 'The server failed to handle the request', { cause });

/** The one mapping of domain errors to answers; see services/errors.ts for what each means. */
function fromDomain(error: DomainError): HttpProblem {
  const { detail } = error;
  const options = { cause: error };
  if (error instanceof ValidationError) {
    return new HttpProblem(400, 'Bad Request', detail, { ...options, errors: error.errors });
  }
  if (error instanceof UnauthenticatedError) {
    return new HttpProblem(401, 'Unauthorized', detail, {
      ...options,
      headers: { 'www-authenticate': 'Bearer realm="guardian"' },
    });
  }
  if (error instanceof ForbiddenError) return new HttpProblem(403, 'Forbidden', detail, options);
  if (error instanceof NotFoundError) return new HttpProblem(404, 'Not Found', detail, options);
  if (error instanceof ConflictError) return new HttpProblem(409, 'Conflict', detail, options);
  if (error instanceof QuotaExceededError) {
    const headers = retryAfter(error.retryAfterSeconds);
    const extensions = error.quota ? { quota: error.quota } : undefined;
    return new HttpProblem(429, 'Too Many Requests', detail, { ...options, headers, extensions });
  }
  if (error instanceof UnavailableError) {
    const headers = retryAfter(error.retryAfterSeconds);
    return new HttpProblem(503, 'Service Unavailable', detail, { ...options, headers });
  }
  return internal(error);
}

/** What a request that threw `error` answers: its problem, or a 500 that says nothing more. */
export function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  return error instanceof DomainError ? fromDomain(error) : internal(error);
}
