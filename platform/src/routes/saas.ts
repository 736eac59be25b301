import { AcquisitionSpend, RecordedSpend, SaasMetrics, SaasQuery } from '../contract/saas.ts';
import { type Api, problem } from '../http/operation.ts';
import type { SaasService } from '../services/SaasService.ts';

export function saasRoutes(api: Api, service: SaasService): void {
  api.mount(
    {
      method: 'get',
      path: '/admin/metrics/saas',
      tag: 'admin',
      summary: 'The instance’s SaaS figures: MRR, churn by plan, ARPA, NRR, CAC (super admins)',
      description:
        'By calendar month (UTC), default the last 12. Subscriptions come from the audit trail’s plan ' +
        'and lifecycle entries: an organization pays its plan’s `spec.price` from its creation until ' +
        'it is suspended, scheduled for deletion or deleted. Prices are today’s.',
      auth: 'any',
      query: SaasQuery,
      responses: {
        200: { description: 'The figures', schema: SaasMetrics },
        400: problem('A month that is not YYYY-MM, from after to, or more than 60 months'),
        401: problem('No valid credential'),
        403: problem('Not a super admin'),
      },
    },
    async (ctx, { query, actor }) => {
      ctx.body = SaasMetrics.parse(await service.metrics(actor, query));
    },
  );

  api.mount(
    {
      method: 'put',
      path: '/admin/acquisition-spend/{month}',
      tag: 'admin',
      summary: 'Enter what a month’s customer acquisition cost, for CAC (super admins)',
      description: 'One amount per month and currency; a second PUT replaces the first.',
      auth: 'any',
      body: AcquisitionSpend,
      responses: {
        200: { description: 'Recorded', schema: RecordedSpend },
        400: problem('A month that is not YYYY-MM, or an invalid amount or currency'),
        401: problem('No valid credential'),
        403: problem('Not a super admin'),
      },
    },
    async (ctx, { params, body, actor }) => {
      ctx.body = RecordedSpend.parse(await service.putSpend(actor, params.month ?? '', body));
    },
  );
}
