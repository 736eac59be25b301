import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { toProblem } from '../http/error-handler.ts';
import type { HttpProblem } from '../http/errors.ts';
import { logError } from '../http/log-error.ts';
import type { AppContext, AppState } from '../http/state.ts';
import type { SessionService } from '../services/SessionService.ts';
import type { AuditEvent, AuditLog } from './AuditLog.ts';
import { agentRecorders } from './recorders/agents.ts';
import { authRecorders } from './recorders/auth.ts';
import { backupRecorders } from './recorders/backups.ts';
import { memberRecorders } from './recorders/members.ts';
import type { Recorders } from './recorders/recorder.ts';
import { tenantRecorders } from './recorders/tenants.ts';
import type { AuditThrottle } from './throttle.ts';

export interface AuditTrailOptions {
  audit: AuditLog;
  sessions: SessionService;
  sessionCookie: string;
  log: Logger;
  /** Keeps events anyone can cause (failed logins) to one entry a minute. */
  throttle: AuditThrottle;
}

/**
 * Records security events from the outcome of the routes that produce them, so the login, token,
 * key, member, invitation, organization, team and agent-run code stays unaware of auditing: each
 * route's recorder (recorders/) reads the request, the response, the typed error, and the facts a
 * route left in `ctx.state.outcome` (a previous role, the joins of a login). It wraps the routes (after
 * authentication), so it sees the typed error before the error handler turns it into a response.
 * A failed append is logged, never turned into a failed request: the change has already happened.
 */
export function auditTrail(options: AuditTrailOptions): Middleware<AppState> {
  const recorders: Recorders = {
    ...authRecorders(options),
    ...memberRecorders(),
    ...tenantRecorders(),
    ...agentRecorders(),
    ...backupRecorders(),
  };

  return async (ctx, next) => {
    let failed: HttpProblem | undefined;
    try {
      await next();
    } catch (error) {
      failed = toProblem(error);
      throw error;
    } finally {
      const recorder = ctx.state.route ? recorders[`${ctx.method} ${ctx.state.route}`] : undefined;
      if (recorder) {
        try {
          const recorded = await recorder(ctx as AppContext, failed);
          const events: AuditEvent[] = recorded === undefined ? [] : [recorded].flat();
          for (const event of events) await options.audit.append(event);
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
