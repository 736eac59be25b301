import { z } from 'zod';
import { EVENT_TYPES } from '../webhooks/events.ts';
import { contract } from './registry.ts';
import { line, paragraph } from './text.ts';

export const CreateWebhook = contract(
  'CreateWebhook',
  z.strictObject({
    url: line(2048).describe(
      'https (plain http only to an allowed loopback address, in development); never a private, loopback or link-local address',
    ),
    events: z
      .array(z.enum(EVENT_TYPES))
      .min(1)
      .max(EVENT_TYPES.length)
      .refine((events) => new Set(events).size === events.length, { error: 'must not repeat an event' })
      .describe('The event types this endpoint receives'),
    description: paragraph(500).optional(),
  }),
);
export type CreateWebhook = z.infer<typeof CreateWebhook>;

export const WebhookView = contract(
  'Webhook',
  z.strictObject({
    id: z.uuid(),
    url: z.string(),
    description: z.string(),
    events: z.array(z.enum(EVENT_TYPES)),
    enabled: z.boolean(),
    disabled_reason: z.string().nullable(),
    created_by: z.string().nullable(),
    created_at: z.string(),
  }),
);
export type WebhookView = z.infer<typeof WebhookView>;

export const CreatedWebhook = contract(
  'CreatedWebhook',
  z.strictObject({
    ...WebhookView.shape,
    secret: z
      .string()
      .describe('whsec_<base64>: the Standard Webhooks signing secret, shown this once, stored encrypted'),
  }),
);

export const WebhookList = contract('WebhookList', z.strictObject({ webhooks: z.array(WebhookView) }));

export const WebhookDeliveryView = contract(
  'WebhookDelivery',
  z.strictObject({
    id: z.string(),
    event_id: z.string().describe('The webhook-id header: the same on every attempt'),
    event_type: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    created_at: z.string(),
    next_attempt_at: z.string().nullable(),
    last_attempt_at: z.string().nullable(),
    last_status: z.number().int().nullable().describe('The receiver’s HTTP status; null when none answered'),
    last_error: z.string().nullable(),
    delivered_at: z.string().nullable(),
  }),
);
export type WebhookDeliveryView = z.infer<typeof WebhookDeliveryView>;

export const WebhookDeliveryQuery = contract(
  'WebhookDeliveryQuery',
  z.strictObject({
    before: z.coerce.number().int().positive().optional().describe('The previous page’s next_before'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
);

export const WebhookDeliveryList = contract(
  'WebhookDeliveryList',
  z.strictObject({
    deliveries: z.array(WebhookDeliveryView),
    next_before: z.number().int().nullable().describe('Pass as before= for the next page; null on the last'),
  }),
);
