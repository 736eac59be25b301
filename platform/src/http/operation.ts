import Router from '@koa/router';
import type { z } from 'zod';
import { Problem } from '../contract/problem.ts';
import type { Permission } from '../rbac.ts';
import type { Actor } from '../services/actor.ts';
import { UnauthenticatedError, ValidationError } from '../services/errors.ts';
import { requireAuth, requirePermission } from './require.ts';
import { type AppContext, type AppState, type AuthContext, type AuthedContext, actorOf } from './state.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Infer<T> = T extends z.ZodType ? z.output<T> : undefined;

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Default application/json; application/problem+json for 4xx/5xx. */
  contentType?: string;
  headers?: Record<string, string>;
  /** The resource this answer describes, which the document links to the operations on it. */
  identifies?: Identifies;
}

/** A resource's path (e.g. /tenants/teams/{team_id}), its parameter and the body field holding it. */
export interface Identifies {
  path: string;
  parameter: string;
  field: string;
}

/** An error answer: problem+json (RFC 9457). */
export const problem = (description: string): ResponseSpec => ({ description, schema: Problem });

/**
 * The answers the middleware gives before or around any operation's handler, which the OpenAPI
 * document lists with the operation's own: a present credential is checked on every route (401,
 * 403) and counts against its organization's rate limit (429, or 503 when the limiter's store is
 * down and the platform fails closed); input is validated (400); bodies are JSON of a bounded size.
 */
export function frameworkResponses(operation: AnyOperation): Record<number, ResponseSpec> {
  const responses: Record<number, ResponseSpec> = {
    401: problem('A credential was sent and is not valid, or the operation needs one'),
    403: problem('The credential does not reach this organization or operation'),
    429: problem('The organization’s rate limit is spent; Retry-After says when to retry'),
    503: problem('A service the platform needs is unavailable'),
  };
  if (operation.body || operation.query) responses[400] = problem('Invalid input');
  if (operation.body) {
    responses[413] = problem('The body is larger than the platform accepts');
    responses[415] = problem('The body is not application/json');
  }
  return responses;
}

/** Who may call an operation: any authenticated caller, or one with a browser session only. */
export type AuthKind = 'session' | 'any';

/**
 * One API operation, declared once: the route, who may call it, the schemas that validate its
 * input, and its responses. The router and /openapi.json are both built from these.
 */
export interface Operation<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  A extends AuthKind | undefined = undefined,
> {
  method: Method;
  /** An OpenAPI path template, e.g. /tenants/organizations/{org_id}. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** Omitted for public operations. */
  auth?: A;
  permission?: Permission;
  body?: B;
  query?: Q;
  responses: Record<number, ResponseSpec>;
}

interface PublicInput<B, Q> {
  body: Infer<B>;
  query: Infer<Q>;
  params: Record<string, string>;
}

/** What a handler gets: the parsed input and, when the operation needs a caller, its Actor. */
export type Input<B, Q, A = undefined> = A extends AuthKind
  ? PublicInput<B, Q> & { actor: Actor }
  : PublicInput<B, Q>;

/** Operations with `auth` see `ctx.state.auth` set: the guard has checked it. */
export type Handler<B, Q, A = undefined> = (
  ctx: A extends AuthKind ? AuthedContext : AppContext,
  input: Input<B, Q, A>,
) => Promise<void> | void;

export type AnyOperation = Operation<z.ZodType | undefined, z.ZodType | undefined, AuthKind | undefined>;

function parse<T extends z.ZodType | undefined>(schema: T, value: unknown, where: string): Infer<T> {
  if (schema === undefined) {
    if (
      value !== undefined &&
      !(typeof value === 'object' && value !== null && Object.keys(value).length === 0)
    ) {
      throw new ValidationError([{ field: where, message: 'must be empty' }]);
    }
    return undefined as Infer<T>;
  }
  const result = schema.safeParse(value ?? (where === 'query' ? {} : undefined));
  if (result.success) return result.data as Infer<T>;
  const errors = result.error.issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: path ? `${path}.${key}` : key,
        message: 'is not a known field',
      }));
    }
    return [{ field: path || where, message: issue.message }];
  });
  throw new ValidationError(errors, `The request ${where} is not valid`);
}

/** The caller requireAuth admitted (it has run before any handler of an operation with `auth`). */
function authenticated(ctx: AppContext): AuthContext {
  const auth = ctx.state.auth;
  if (!auth) throw new UnauthenticatedError();
  return auth;
}

/** A router that remembers its operations, for the OpenAPI document. */
export class Api {
  readonly router = new Router<AppState>();
  readonly operations: AnyOperation[] = [];

  mount<
    B extends z.ZodType | undefined = undefined,
    Q extends z.ZodType | undefined = undefined,
    A extends AuthKind | undefined = undefined,
  >(operation: Operation<B, Q, A>, handler: Handler<B, Q, A>): void {
    this.operations.push(operation as AnyOperation);
    const path = operation.path.replace(/\{(\w+)\}/g, ':$1');
    const guards = [
      ...(operation.auth ? [requireAuth(operation.auth)] : []),
      ...(operation.permission ? [requirePermission(operation.permission)] : []),
    ];
    this.router[operation.method](
      path,
      async (ctx, next) => {
        ctx.state.route = operation.path;
        await next();
      },
      ...guards,
      async (ctx) => {
        const input = {
          // No body at all reads as {}: required fields are then reported by name. A JSON null is a
          // body, and not an object.
          body: parse(
            operation.body,
            ctx.request.body === undefined && operation.body ? {} : ctx.request.body,
            'body',
          ),
          // Without a query schema the query is not input (e.g. the IdP's parameters at the callback).
          query:
            operation.query === undefined ? undefined : parse(operation.query, { ...ctx.query }, 'query'),
          params: ctx.params,
          ...(operation.auth ? { actor: actorOf(authenticated(ctx)) } : {}),
        } as Input<B, Q, AuthKind>;
        // A decides both parameters' types, and the actor above is there exactly when A says so.
        await (handler as Handler<B, Q, AuthKind | undefined>)(ctx as AuthedContext, input);
      },
    );
  }
}
