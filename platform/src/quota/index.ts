// @guardian/platform/quota: plan limits, billing periods, the usage ledger and seats. The API and
// the operator both count usage through `consume`/`consumeAll` (and give back with `refund`), so
// each key is counted exactly once.
export {
  type BatchConsumption,
  type Consumption,
  consume,
  consumeAll,
  refund,
  USAGE_KINDS,
  type UsageKind,
  usage,
} from './consume.ts';
export { type Counts, type UsageHistory, usageHistory } from './history.ts';
export { currentPeriod, type PlanLimits, planLimits, recentPeriods } from './limits.ts';
export { Metering, type MeteringDeps, type QuotaState } from './metering.ts';
export { type BillingPeriod, billingPeriod } from './period.ts';
export { NoFreeSeat, orNoSeat, seatsUsed, takeSeat } from './seats.ts';
