import type { Knex } from 'knex';
import { withTenant } from '../stores/with-tenant.ts';
import { emitEvent, type WebhookEvent } from './events.ts';

export { EVENT_TYPES, type EventType, emitEvent, type WebhookEvent } from './events.ts';

/** Puts events in an organization's webhook outbox, each in a transaction of its own. */
export interface WebhookOutbox {
  /** Whether the event is new (false: its key was emitted before). */
  emit(orgId: string, event: WebhookEvent): Promise<boolean>;
}

/**
 * The outbox for a component whose change is not in the platform database (the operator's run
 * phases are in WorkflowRun status): it emits what it observed, level-based, as often as it
 * observes it, and the event's key makes that one event.
 */
export function webhookOutbox(db: Knex): WebhookOutbox {
  return { emit: (orgId, event) => withTenant(db, { orgId }, (trx) => emitEvent(trx, orgId, event)) };
}
