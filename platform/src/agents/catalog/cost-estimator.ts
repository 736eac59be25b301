import { named } from '../kinds.ts';
import { hpasTargeting, hpaTarget } from '../lookups/hpa.ts';
import { cents, formatMoney } from '../semantics/pricing.ts';
import type { Agent, Check } from '../types.ts';
import { containerCheck } from './container-check.ts';
import { pricedReplicas, replicaPrice } from './cost-scope.ts';
import { costSummary } from './cost-summary.ts';
import { fragment, nameList, names } from './text.ts';

const unpricedWorkload = containerCheck({
  id: 'unpriced-workload',
  severity: 'low',
  title: 'Workloads the estimate undercounts (containers without CPU or memory requests)',
  offending: (workload, run) =>
    pricedReplicas(workload.object) === undefined ? [] : replicaPrice(workload, run).unpriced,
  problem: 'is priced too low: running containers have no CPU or memory request',
  advice: 'Set CPU and memory requests on each container; the estimate counts a missing one as 0.',
  fix: ['resources:', '  requests:', '    cpu: 100m', '    memory: 128Mi'],
});

const monthlyCostHigh: Check = {
  id: 'monthly-cost-high',
  severity: 'info',
  mode: 'spec',
  title: 'Workloads that reserve a lot per month',
  target: 'Workload',
  detect(workload, run) {
    const replicas = pricedReplicas(workload.object);
    if (replicas === undefined) return undefined;
    const { currency, thresholds } = run.settings;
    const price = replicaPrice(workload, run);
    const monthly = cents(replicas * price.monthly);
    if (monthly < thresholds.workloadMonthly) return undefined;
    const hpas = hpasTargeting(run.snapshot, workload.object);
    return {
      message: `${named(workload.object)} reserves about ${formatMoney(monthly, currency)} a month (${replicas} × ${formatMoney(price.monthly, currency)}).`,
      remediation:
        hpas.length > 0
          ? `Compare the requests with what the Pods use and lower them where they exceed it; ${names(hpas)} sets the replica count.`
          : 'Compare the requests with what the Pods use and lower them where they exceed it, or run fewer replicas.',
      evidence: {
        replicas,
        perReplica: cents(price.monthly),
        monthly,
        currency,
        cpuCores: price.cpuCores,
        memoryGiB: price.memoryGiB,
        ...(hpas.length > 0 ? { hpas: nameList(hpas) } : {}),
      },
    };
  },
};

const hpaCeilingCostHigh: Check = {
  id: 'hpa-ceiling-cost-high',
  severity: 'low',
  mode: 'spec',
  title: 'HPAs that may scale to a high monthly cost',
  target: 'HorizontalPodAutoscaler',
  detect(hpa, run) {
    const target = hpaTarget(run.snapshot, hpa);
    const maxReplicas = hpa.spec?.maxReplicas;
    if (!target || maxReplicas === undefined) return undefined;
    const { currency, thresholds } = run.settings;
    const price = replicaPrice(target, run);
    const ceiling = cents(maxReplicas * price.monthly);
    if (ceiling < thresholds.hpaCeilingMonthly) return undefined;
    const withinBudget = Math.max(1, Math.ceil(thresholds.hpaCeilingMonthly / price.monthly) - 1);
    return {
      message: `${named(hpa)} may scale ${named(target)} to about ${formatMoney(ceiling, currency)} a month (${maxReplicas} × ${formatMoney(price.monthly, currency)}).`,
      remediation: `Lower maxReplicas to what the budget allows (below ${formatMoney(thresholds.hpaCeilingMonthly, currency)} at ${withinBudget}), or the target's requests.\n${fragment('spec', [`maxReplicas: ${withinBudget}`])}`,
      evidence: { maxReplicas, perReplica: cents(price.monthly), ceiling, currency, target: named(target) },
    };
  },
};

export const costEstimator: Agent = {
  id: 'cost-estimator',
  name: 'Cost estimator',
  category: 'cost',
  description:
    'Monthly cost of what the namespace reserves (CPU and memory requests, volumes, load balancers), at configurable prices.',
  checks: [unpricedWorkload, monthlyCostHigh, hpaCeilingCostHigh],
  summarize: costSummary,
};
