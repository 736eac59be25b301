import { z } from 'zod';
import { contract } from './registry.ts';

/** Every error answer: RFC 9457 problem details, with the failing fields for validation errors. */
export const Problem = contract(
  'Problem',
  z.object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    quota: z
      .object({
        kind: z.string(),
        limit: z.number().int().nullable(),
        used: z.number().int(),
        remaining: z.number().int().nullable(),
        requested: z.number().int(),
        period: z.string(),
        resets_at: z.string(),
      })
      .optional()
      .describe('On 429 for a monthly limit: the limit, what is used and what the request needed'),
  }),
);
export type Problem = z.infer<typeof Problem>;
