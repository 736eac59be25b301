import { decodeJwt } from 'jose';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { HttpProblem } from '../http/errors.ts';
import { logError } from '../http/log-error.ts';
import type { AppContext, AppState } from '../http/state.ts';
import type { SessionService } from '../services/SessionService.ts';
import { type AuditEvent, type AuditLog, INSTANCE_CHAIN } from './AuditLog.ts';

export interface AuditTrailOptions {
  audit: AuditLog;
  sessions: SessionService;
  sessionCookie: string;
  log: Logger;
}

type Recorder = (ctx: AppContext, failed: HttpProblem | undefined) => Promise<AuditEvent | undefined>;

/**
 * Records security events from the outcome of the routes that produce them, so the login, token
 * and API key code stays unaware of auditing. It wraps the routes (after authentication), so it
 * sees the typed error before the error handler turns it into a response. A failed append is
 * logged, never turned into a failed request: the login or key change has already happened.
 */
export function auditTrail(options: AuditTrailOptions): Middleware<AppState> {
  const recorders: Record<string, Recorder> = {
    'GET /auth/callback': async (ctx, failed) => {
      if (failed) {
        return {
          orgId: INSTANCE_CHAIN,
          actor: 'anonymous',
          action: 'auth.login.failure',
          detail: { status: failed.status, reason: failed.detail, ip: ctx.ip },
        };
      }
      const sessionId = sessionCookieSet(ctx, options.sessionCookie);
      const active = sessionId ? await options.sessions.resolve(sessionId) : undefined;
      if (!active) return undefined;
      return {
        orgId: active.session.loginOrgId ?? INSTANCE_CHAIN,
        actor: active.identity.userId,
        action: 'auth.login.success',
        detail: { issuer: active.identity.issuer, ip: ctx.ip },
      };
    },
    'POST /auth/logout': async (ctx, failed) => {
      const auth = ctx.state.auth;
      if (failed || !auth) return undefined;
      return { orgId: auth.orgId ?? INSTANCE_CHAIN, actor: auth.userId, action: 'auth.logout' };
    },
    'POST /auth/token': async (ctx, failed) => {
      const auth = ctx.state.auth;
      if (failed || !auth) return undefined;
      const token = (ctx.body as { access_token?: unknown } | undefined)?.access_token;
      const claims = typeof token === 'string' ? decodeJwt(token) : {};
      const orgId = typeof claims.org_id === 'string' ? claims.org_id : INSTANCE_CHAIN;
      return {
        orgId,
        actor: auth.userId,
        action: 'auth.token.issued',
        detail: { jti: claims.jti ?? null, exp: claims.exp ?? null, role: claims.role ?? null },
      };
    },
    'POST /tenants/api-keys': async (ctx, failed) => {
      const auth = ctx.state.auth;
      if (failed || !auth?.orgId) return undefined;
      const body = ctx.body as { id?: unknown; key_id?: unknown; role?: unknown } | undefined;
      const id = body?.key_id ?? body?.id;
      return {
        orgId: auth.orgId,
        actor: auth.userId,
        action: 'apikey.created',
        target: typeof id === 'string' ? id : '',
        detail: { role: typeof body?.role === 'string' ? body.role : null },
      };
    },
    'DELETE /tenants/api-keys/{key_id}': async (ctx, failed) => {
      const auth = ctx.state.auth;
      if (failed || !auth?.orgId) return undefined;
      return {
        orgId: auth.orgId,
        actor: auth.userId,
        action: 'apikey.revoked',
        target: ctx.params?.key_id ?? '',
      };
    },
  };

  return async (ctx, next) => {
    let failed: HttpProblem | undefined;
    try {
      await next();
    } catch (error) {
      failed = error instanceof HttpProblem ? error : new HttpProblem(500, 'Internal Server Error', 'failed');
      throw error;
    } finally {
      const recorder = ctx.state.route ? recorders[`${ctx.method} ${ctx.state.route}`] : undefined;
      if (recorder) {
        try {
          const event = await recorder(ctx as AppContext, failed);
          if (event) await options.audit.append(event);
        } catch (error) {
          options.log.error(
            { error: logError(error), route: ctx.state.route },
            'Could not record an audit event',
          );
        }
      }
    }
  };
}

/** The session id the response is setting, if any. */
function sessionCookieSet(ctx: AppContext, name: string): string | undefined {
  const header = ctx.response.get('set-cookie') as string[] | string | undefined;
  for (const cookie of Array.isArray(header) ? header : header ? [header] : []) {
    if (cookie.startsWith(`${name}=`)) {
      const value = cookie.slice(name.length + 1).split(';')[0];
      if (value) return value;
    }
  }
  return undefined;
}
