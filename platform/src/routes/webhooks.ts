import {
  CreatedWebhook,
  CreateWebhook,
  WebhookDeliveryList,
  WebhookDeliveryQuery,
  WebhookDeliveryView,
  WebhookList,
} from '../contract/webhooks.ts';
import { type Api, problem } from '../http/operation.ts';
import { deliveryView, type WebhookService, webhookView } from '../services/WebhookService.ts';

const refusals = {
  401: problem('No valid credential'),
  403: problem('Your role does not grant webhooks:manage'),
  404: problem('No such webhook endpoint in the current organization'),
};

export function webhookRoutes(api: Api, service: WebhookService): void {
  const base = { tag: 'webhooks', auth: 'any' as const, permission: 'webhooks:manage' as const };

  api.mount(
    {
      ...base,
      method: 'post',
      path: '/webhooks',
      summary:
        'Add a webhook endpoint to the current organization (its signing secret is shown only in this answer)',
      body: CreateWebhook,
      responses: {
        201: {
          description: 'The endpoint and its secret',
          schema: CreatedWebhook,
          identifies: { path: '/webhooks/{webhook_id}', parameter: 'webhook_id', field: 'id' },
        },
        400: problem('Invalid input, a URL that is not https or reaches a private address'),
        401: refusals[401],
        403: problem('Your role does not grant webhooks:manage, or the plan includes no custom integrations'),
        409: problem('The plan’s endpoints are all in use'),
      },
    },
    async (ctx, { body, actor }) => {
      const { endpoint, secret } = await service.create(actor, body);
      ctx.status = 201;
      ctx.set('cache-control', 'no-store');
      ctx.body = CreatedWebhook.parse({ ...webhookView(endpoint), secret });
    },
  );

  api.mount(
    {
      ...base,
      method: 'get',
      path: '/webhooks',
      summary: 'The webhook endpoints of the current organization (never their secrets)',
      responses: {
        200: { description: 'Endpoints', schema: WebhookList },
        401: refusals[401],
        403: refusals[403],
      },
    },
    async (ctx, { actor }) => {
      ctx.body = WebhookList.parse({ webhooks: (await service.list(actor)).map(webhookView) });
    },
  );

  api.mount(
    {
      ...base,
      method: 'delete',
      path: '/webhooks/{webhook_id}',
      summary: 'Delete a webhook endpoint, with its queue and delivery log',
      responses: { 204: { description: 'Deleted' }, ...refusals },
    },
    async (ctx, { params, actor }) => {
      await service.delete(actor, params.webhook_id ?? '');
      ctx.status = 204;
    },
  );

  api.mount(
    {
      ...base,
      method: 'get',
      path: '/webhooks/{webhook_id}/deliveries',
      summary: 'The endpoint’s delivery log, newest first',
      query: WebhookDeliveryQuery,
      responses: { 200: { description: 'Deliveries', schema: WebhookDeliveryList }, ...refusals },
    },
    async (ctx, { params, query, actor }) => {
      const deliveries = await service.deliveries(actor, params.webhook_id ?? '', query.limit, query.before);
      const last = deliveries.at(-1);
      ctx.body = WebhookDeliveryList.parse({
        deliveries: deliveries.map(deliveryView),
        next_before: deliveries.length === query.limit && last ? Number(last.id) : null,
      });
    },
  );

  api.mount(
    {
      ...base,
      method: 'post',
      path: '/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver',
      summary:
        'Send a delivery again, in its event’s place in the endpoint’s order, with a fresh retry window',
      responses: {
        202: { description: 'Queued', schema: WebhookDeliveryView },
        ...refusals,
        409: problem('The endpoint is disabled'),
      },
    },
    async (ctx, { params, actor }) => {
      const delivery = await service.redeliver(actor, params.webhook_id ?? '', params.delivery_id ?? '');
      ctx.status = 202;
      ctx.body = WebhookDeliveryView.parse(deliveryView(delivery));
    },
  );
}
