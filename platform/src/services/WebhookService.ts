import { randomBytes } from 'node:crypto';
import type { BlockList } from 'node:net';
import type { Clock } from '@guardian/kube/clock';
import type { CreateWebhook, WebhookDeliveryView, WebhookView } from '../contract/webhooks.ts';
import type { WebhookDelivery, WebhookEndpoint, WebhookStore } from '../stores/WebhookStore.ts';
import { sealSecret } from '../webhooks/secret.ts';
import { endpointUrlProblem } from '../webhooks/url.ts';
import { type Actor, currentOrg } from './actor.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from './errors.ts';
import type { OrganizationDirectory } from './OrganizationDirectory.ts';

/** Endpoints a plan's `customIntegrations` allows. */
export const ENDPOINT_LIMITS = { none: 0, limited: 3, full: 50 } as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DELIVERY_ID = /^[1-9][0-9]{0,17}$/;

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function webhookView(endpoint: WebhookEndpoint): WebhookView {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    events: endpoint.events,
    enabled: endpoint.disabledAt === null,
    disabled_reason: endpoint.disabledReason,
    created_by: endpoint.createdBy,
    created_at: endpoint.createdAt.toISOString(),
  };
}

export function deliveryView(delivery: WebhookDelivery): WebhookDeliveryView {
  return {
    id: delivery.id,
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    created_at: delivery.createdAt.toISOString(),
    next_attempt_at: iso(delivery.nextAttemptAt),
    last_attempt_at: iso(delivery.lastAttemptAt),
    last_status: delivery.lastStatus,
    last_error: delivery.lastError,
    delivered_at: iso(delivery.deliveredAt),
  };
}

/**
 * An organization's webhook endpoints: as many as its plan's `customIntegrations` allows, https
 * URLs the outbound guard accepts, each with a Standard Webhooks secret shown once and stored
 * sealed with GUARDIAN_ENCRYPTION_KEY (signing needs it back, so a hash would not do).
 */
export class WebhookService {
  private readonly store: WebhookStore;
  private readonly directory: OrganizationDirectory;
  private readonly allowed: BlockList;
  private readonly encryptionKey: Buffer;
  private readonly clock: Clock;

  constructor(options: {
    store: WebhookStore;
    directory: OrganizationDirectory;
    allowed: BlockList;
    encryptionKey: Buffer;
    clock: Clock;
  }) {
    this.store = options.store;
    this.directory = options.directory;
    this.allowed = options.allowed;
    this.encryptionKey = options.encryptionKey;
    this.clock = options.clock;
  }

  async create(actor: Actor, input: CreateWebhook): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const orgId = currentOrg(actor);
    const problem = endpointUrlProblem(input.url, this.allowed);
    if (problem) throw new ValidationError([{ field: 'url', message: problem }]);
    const org = this.directory.get(orgId);
    const level = (org && this.directory.plan(org)?.spec.features?.customIntegrations) ?? 'none';
    const limit = ENDPOINT_LIMITS[level];
    if (limit === 0)
      throw new ForbiddenError('The organization’s plan includes no custom integrations (webhooks)');
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const endpoint = await this.store.create(
      orgId,
      {
        url: input.url,
        description: input.description ?? '',
        events: input.events,
        secretSealed: (id) => sealSecret(this.encryptionKey, secret, id),
        createdBy: actor.userId,
      },
      limit,
    );
    if (!endpoint)
      throw new ConflictError(`The organization’s plan allows ${limit} webhook endpoints, all in use`);
    return { endpoint, secret };
  }

  list(actor: Actor): Promise<WebhookEndpoint[]> {
    return this.store.list(currentOrg(actor));
  }

  async delete(actor: Actor, id: string): Promise<void> {
    if (!UUID.test(id) || !(await this.store.delete(currentOrg(actor), id))) {
      throw new NotFoundError('No such webhook endpoint');
    }
  }

  async deliveries(actor: Actor, id: string, limit: number, before?: number): Promise<WebhookDelivery[]> {
    const orgId = currentOrg(actor);
    await this.endpoint(orgId, id);
    return this.store.deliveries(orgId, id, limit, before === undefined ? undefined : String(before));
  }

  /** Sends a delivery again (whatever became of it), in its event's place in the endpoint's order. */
  async redeliver(actor: Actor, id: string, deliveryId: string): Promise<WebhookDelivery> {
    const orgId = currentOrg(actor);
    const endpoint = await this.endpoint(orgId, id);
    if (endpoint.disabledAt !== null) throw new ConflictError('The webhook endpoint is disabled');
    const delivery = DELIVERY_ID.test(deliveryId)
      ? await this.store.redeliver(orgId, id, deliveryId, new Date(this.clock.now()))
      : undefined;
    if (!delivery) throw new NotFoundError('No such delivery');
    return delivery;
  }

  private async endpoint(orgId: string, id: string): Promise<WebhookEndpoint> {
    const endpoint = UUID.test(id) ? await this.store.get(orgId, id) : undefined;
    if (!endpoint) throw new NotFoundError('No such webhook endpoint');
    return endpoint;
  }
}
