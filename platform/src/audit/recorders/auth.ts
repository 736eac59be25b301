import { decodeJwt } from 'jose';
import type { AppContext } from '../../http/state.ts';
import type { Join } from '../../services/AccessService.ts';
import { auditActor } from '../../services/actor.ts';
import type { SessionService } from '../../services/SessionService.ts';
import { type AuditEvent, INSTANCE_CHAIN } from '../AuditLog.ts';
import type { AuditThrottle } from '../throttle.ts';
import { type Recorders, responseBody } from './recorder.ts';

/** Logins (with the memberships they create or are refused), logouts, tokens and API keys. */
export function authRecorders(options: {
  sessions: SessionService;
  sessionCookie: string;
  throttle: AuditThrottle;
}): Recorders {
  return {
    'GET /auth/callback': async (ctx, failed) => {
      const joins = (ctx.state.outcome?.joins ?? []).map(joinEvent);
      if (failed) {
        // Anyone can call the callback: one failure per address and minute is evidence enough, and
        // a flood must not become unbounded writes serialized on the instance chain's head.
        if (!(await options.throttle.take(`login-failure ${ctx.ip}`))) return joins;
        return [
          {
            orgId: INSTANCE_CHAIN,
            actor: 'anonymous',
            action: 'auth.login.failure',
            detail: { status: failed.status, reason: failed.detail, ip: ctx.ip },
          },
          ...joins,
        ];
      }
      const sessionId = sessionCookieSet(ctx, options.sessionCookie);
      const active = sessionId ? await options.sessions.resolve(sessionId) : undefined;
      if (!active) return joins;
      return [
        ...joins,
        {
          orgId: active.session.loginOrgId ?? INSTANCE_CHAIN,
          actor: active.identity.userId,
          action: 'auth.login.success',
          detail: { issuer: active.identity.issuer, ip: ctx.ip },
        },
      ];
    },
    'POST /auth/logout': (ctx, failed) => {
      const auth = ctx.state.auth;
      if (failed || !auth) return undefined;
      return { orgId: auth.orgId ?? INSTANCE_CHAIN, actor: auth.userId, action: 'auth.logout' };
    },
    'POST /auth/token': (ctx, failed) => {
      const auth = ctx.state.auth;
      if (failed || !auth) return undefined;
      const token = responseBody(ctx).access_token;
      const claims = typeof token === 'string' ? decodeJwt(token) : {};
      const orgId = typeof claims.org_id === 'string' ? claims.org_id : INSTANCE_CHAIN;
      return {
        orgId,
        actor: auth.userId,
        action: 'auth.token.issued',
        detail: { jti: claims.jti ?? null, exp: claims.exp ?? null, role: claims.role ?? null },
      };
    },
    'POST /tenants/api-keys': (ctx, failed) => {
      const auth = ctx.state.auth;
      if (failed || !auth?.orgId) return undefined;
      const body = responseBody(ctx);
      const id = body.key_id ?? body.id;
      return {
        orgId: auth.orgId,
        actor: auditActor(auth),
        action: 'apikey.created',
        target: typeof id === 'string' ? id : '',
        detail: { role: typeof body.role === 'string' ? body.role : null },
      };
    },
    'DELETE /tenants/api-keys/{key_id}': (ctx, failed) => {
      const auth = ctx.state.auth;
      if (failed || !auth?.orgId) return undefined;
      return {
        orgId: auth.orgId,
        actor: auditActor(auth),
        action: 'apikey.revoked',
        target: ctx.params?.key_id ?? '',
      };
    },
  };
}

/**
 * A membership a login created or was refused, in the organization's chain, by the user who
 * logged in. An accepted invitation is named by its id: the signed link is never recorded.
 */
function joinEvent(join: Join): AuditEvent {
  const common = { orgId: join.orgId, actor: join.userId };
  const detail = { role: join.role, seat_limit: join.seatLimit };
  if (join.admitted && join.via === 'invitation') {
    return {
      ...common,
      action: 'invitation.accepted',
      target: join.email ?? '',
      detail: { ...detail, user_id: join.userId, invitation_id: join.invitationId ?? null },
    };
  }
  return {
    ...common,
    action: join.admitted ? 'member.joined' : 'member.join.refused',
    target: join.userId,
    detail: {
      ...detail,
      email: join.email,
      via: join.via,
      ...(join.admitted ? {} : { reason: 'no free seat', invitation_id: join.invitationId ?? null }),
    },
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
