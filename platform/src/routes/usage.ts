import { Problem } from '../contract/problem.ts';
import { Usage } from '../contract/usage.ts';
import type { Api } from '../http/operation.ts';
import type { UsageService } from '../quota/UsageService.ts';
import { rateLimitDecision } from '../ratelimit/middleware.ts';

export function usageRoutes(api: Api, service: UsageService): void {
  api.mount(
    {
      method: 'get',
      path: '/usage',
      tag: 'usage',
      summary: 'What the current organization has used of its plan in this billing period',
      description:
        'Each limit with `limit`, `used` and `remaining`; `limit` and `remaining` are null when unlimited. ' +
        'Months start on the organization’s creation day of the month (UTC), clamped to short months.',
      auth: 'any',
      permission: 'usage:read',
      responses: {
        200: { description: 'The usage', schema: Usage },
        401: { description: 'No valid credential', schema: Problem },
        403: { description: 'Not allowed in this organization, or none selected', schema: Problem },
        429: { description: 'Over the hourly API limit', schema: Problem },
      },
    },
    async (ctx, { actor }) => {
      ctx.body = await service.usage(actor, rateLimitDecision(ctx));
    },
  );
}
