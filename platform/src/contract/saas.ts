import { z } from 'zod';
import { contract } from './registry.ts';

const month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a calendar month, YYYY-MM')
  .describe('A calendar month (UTC), YYYY-MM');
const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD');
const money = z.number().describe('In units of the currency, exact to the cent');
const rate = z
  .number()
  .nullable()
  .describe('A fraction (0.05 is 5%); null when there is nothing to divide by');

export const SaasQuery = contract(
  'SaasQuery',
  z.strictObject({
    from: month.optional().describe('The first month; default: eleven months before `to`'),
    to: month.optional().describe('The last month; default: the current month'),
  }),
);
export type SaasQuery = z.infer<typeof SaasQuery>;

const MrrMonth = z.strictObject({
  month,
  mrr: money.describe('Monthly recurring revenue at the month’s end'),
  accounts: z.number().int().describe('Organizations paying at the month’s end'),
  arpa: money.nullable().describe('Average revenue per account: mrr ÷ accounts'),
  new: money.describe('MRR of organizations that paid for the first time'),
  expansion: money.describe('MRR gained by organizations moving to a dearer plan'),
  contraction: money.describe('MRR lost by organizations moving to a cheaper plan'),
  churned: money.describe('MRR of organizations that stopped paying (suspended, leaving, deleted)'),
  reactivation: money.describe('MRR of organizations that paid before, stopped, and pay again'),
  nrr: rate.describe(
    'Net revenue retention: MRR at the month’s end of the accounts paying at its start, over their MRR then',
  ),
  new_accounts: z.number().int(),
  acquisition_spend: money.nullable().describe('As entered with PUT /admin/acquisition-spend/{month}'),
  cac: money.nullable().describe('Customer acquisition cost: acquisition spend ÷ new accounts'),
});

const PlanChurn = z.strictObject({
  month,
  plan: z.string().describe('The plan at the month’s start'),
  accounts_at_start: z.number().int(),
  churned_accounts: z.number().int(),
  logo_rate: rate.describe('Logo churn: churned_accounts ÷ accounts_at_start'),
  mrr_at_start: money,
  mrr_lost: money.describe('MRR those accounts lost by stopping or moving to a cheaper plan'),
  revenue_rate: rate.describe('Revenue churn: mrr_lost ÷ mrr_at_start'),
});

export const SaasMetrics = contract(
  'SaasMetrics',
  z.strictObject({
    from: month,
    to: month,
    mrr: z
      .array(z.strictObject({ currency, months: z.array(MrrMonth) }))
      .describe('One series per currency plans are priced in'),
    churn: z.array(z.strictObject({ currency, months: z.array(PlanChurn) })).describe('By plan and month'),
    unpriced_plans: z
      .array(z.string())
      .describe('Plans organizations were on that have no price today (free, or deleted): counted as free'),
  }),
  'The instance’s SaaS figures by calendar month (UTC), from the audit trail’s subscription history and today’s plan prices.',
);
export type SaasMetrics = z.infer<typeof SaasMetrics>;

export const AcquisitionSpend = contract(
  'AcquisitionSpend',
  z.strictObject({
    amount: z
      .string()
      .regex(
        /^(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?$/,
        'a decimal with at most two places, e.g. "1200" or "99.50"',
      )
      .describe('What was spent acquiring customers that month'),
    currency: currency.describe('ISO 4217; one amount per month and currency'),
  }),
);
export type AcquisitionSpend = z.infer<typeof AcquisitionSpend>;

export const RecordedSpend = contract(
  'RecordedSpend',
  z.strictObject({ month, amount: z.string(), currency }),
);
export type RecordedSpend = z.infer<typeof RecordedSpend>;
