import type { Logger } from 'pino';
import { logError } from '../http/log-error.ts';
import type { AppContext } from '../http/state.ts';
import { type AuditLog, INSTANCE_CHAIN } from './AuditLog.ts';
import type { AuditThrottle } from './throttle.ts';

/** Why `authenticate` refused a credential it was shown. */
export type RefusalReason = 'bad_token' | 'bad_api_key' | 'api_key_revoked' | 'organization_suspended';

export interface AuthRefusal {
  reason: RefusalReason;
  /** The organization the credential belongs to, when known (else the instance chain). */
  orgId?: string;
  /** Who the credential names, when it was valid enough to say. */
  actor?: string;
  /** The API key refused, by id (never the key itself). */
  target?: string;
}

export type RefusalRecorder = (ctx: AppContext, refusal: AuthRefusal) => void;

/**
 * Audits refused credentials (action `auth.refused`), at most once a minute per client address and
 * reason: a flood of bad tokens leaves one entry a minute, not one per request. Appends off the
 * request path; a failed append is logged.
 */
export function refusalRecorder(options: {
  audit: AuditLog;
  throttle: AuditThrottle;
  log: Logger;
}): RefusalRecorder {
  return (ctx, refusal) => {
    options.throttle
      .take(`refused ${refusal.reason} ${ctx.ip}`)
      .then((admitted) => {
        if (!admitted) return;
        return options.audit.append({
          orgId: refusal.orgId ?? INSTANCE_CHAIN,
          actor: refusal.actor ?? 'anonymous',
          action: 'auth.refused',
          target: refusal.target ?? '',
          detail: { reason: refusal.reason, ip: ctx.ip, method: ctx.method, path: ctx.path },
        });
      })
      .catch((error: unknown) =>
        options.log.error({ error: logError(error) }, 'Could not record an audit event'),
      );
  };
}
