// @guardian/platform/quota: plan limits, billing periods, the usage ledger and seats. The API and
// the operator both count usage through `consume`, so each key is counted exactly once.
export { type Consumption, consume, USAGE_KINDS, type UsageKind, usage } from './consume.ts';
export { currentPeriod, type PlanLimits, planLimits } from './limits.ts';
export { type BillingPeriod, billingPeriod } from './period.ts';
export { seatsUsed } from './seats.ts';
