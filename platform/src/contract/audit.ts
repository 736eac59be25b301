import { z } from 'zod';
import { PROBLEM_KINDS } from '../audit/verify.ts';
import { contract } from './registry.ts';

export const AuditQuery = contract(
  'AuditQuery',
  z.strictObject({
    action: z.string().max(100).optional().describe('Only entries with this action, e.g. auth.login.success'),
    actor: z
      .string()
      .max(200)
      .optional()
      .describe('Only entries by this actor (a user id, apikey:<id>, system)'),
    since: z.iso.datetime({ offset: true }).optional().describe('Only entries at or after this time'),
    until: z.iso.datetime({ offset: true }).optional().describe('Only entries before this time'),
    before: z.coerce.number().int().positive().optional().describe('The previous page’s next_before'),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  }),
);
export type AuditQuery = z.infer<typeof AuditQuery>;

const AuditEntry = z.strictObject({
  seq: z.number().int(),
  at: z.iso.datetime(),
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  detail: z.record(z.string(), z.unknown()),
  prev_hash: z.string(),
  hash: z.string(),
});

export const AuditPage = contract(
  'AuditPage',
  z.strictObject({
    entries: z.array(AuditEntry).describe('Newest first'),
    next_before: z.number().int().nullable().describe('Pass as before= for the next page; null on the last'),
  }),
);
export type AuditPage = z.infer<typeof AuditPage>;

export const AuditVerification = contract(
  'AuditVerification',
  z.strictObject({
    org_id: z.string(),
    ok: z.boolean(),
    entries: z.number().int(),
    checkpoints: z.number().int(),
    last: z.strictObject({ seq: z.number().int(), hash: z.string() }),
    problems: z.array(
      z.strictObject({
        seq: z.number().int(),
        kind: z.enum(PROBLEM_KINDS),
      }),
    ),
  }),
);
