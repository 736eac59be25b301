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
  }),
);
export type Problem = z.infer<typeof Problem>;
