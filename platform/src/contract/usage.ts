import { z } from 'zod';
import { contract } from './registry.ts';
import { orgId } from './token.ts';

const Limit = z.strictObject({
  limit: z.number().nonnegative().nullable().describe('null: unlimited'),
  used: z.number().nonnegative().nullable().describe('null: not measured (see note)'),
  remaining: z.number().nonnegative().nullable().describe('null: unlimited or not measured'),
  note: z.string().optional(),
});

export const Usage = contract(
  'Usage',
  z.strictObject({
    org_id: orgId,
    plan: z.string(),
    period: z.strictObject({
      start: z.iso.datetime().describe('Start of the billing month (the organization’s anchor day, UTC)'),
      end: z.iso.datetime(),
    }),
    limits: z.strictObject({
      agent_executions_per_month: Limit,
      workflows_per_month: Limit,
      api_calls_per_hour: Limit.describe('In the last hour (sliding), this request included'),
      team_members: Limit,
      storage_gib: Limit,
      concurrent_workflows: Limit,
    }),
    features: z
      .strictObject({
        sso: z
          .boolean()
          .describe('Whether the plan lets the organization sign in through its own identity provider'),
      })
      .describe('What the plan includes beyond its limits'),
  }),
);
export type Usage = z.infer<typeof Usage>;
export type UsageLimit = z.infer<typeof Limit>;
