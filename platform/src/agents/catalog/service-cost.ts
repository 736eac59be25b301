import { named } from '../kinds.ts';
import { loadBalancersLike } from '../lookups/services.ts';
import { cents, formatMoney } from '../semantics/pricing.ts';
import type { Agent, Check } from '../types.ts';
import { costSummary } from './cost-summary.ts';
import { nameList } from './text.ts';

const loadBalancerService: Check = {
  id: 'loadbalancer-service',
  severity: 'info',
  mode: 'spec',
  title: 'LoadBalancer Services (each one is billed)',
  target: 'Service',
  detect(service, { settings }) {
    if (service.spec?.type !== 'LoadBalancer') return undefined;
    const monthly = settings.prices.loadBalancer;
    return {
      message: `${named(service)} is a load balancer: about ${formatMoney(monthly, settings.currency)} a month.`,
      remediation:
        'Where several Services are reached over HTTP, one Ingress (or Gateway) behind one load balancer costs less.',
      evidence: { monthly: cents(monthly), currency: settings.currency },
    };
  },
};

const duplicateLoadBalancers: Check = {
  id: 'duplicate-loadbalancers',
  severity: 'low',
  mode: 'spec',
  title: 'LoadBalancer Services selecting the same Pods',
  target: 'Service',
  detect(service, { snapshot, settings }) {
    const others = loadBalancersLike(snapshot, service);
    if (others.length === 0) return undefined;
    return {
      message: `${named(service)} is a load balancer for the same Pods as ${nameList(others).join(', ')}: ${others.length + 1} are paid for where one would do.`,
      remediation:
        'Serve every port from one LoadBalancer Service (or behind an Ingress), and delete the others.',
      evidence: {
        selector: service.spec?.selector ?? {},
        others: nameList(others),
        monthly: cents(settings.prices.loadBalancer),
        currency: settings.currency,
      },
    };
  },
};

export const serviceCost: Agent = {
  id: 'service-cost',
  name: 'Service cost',
  category: 'cost',
  description: 'What LoadBalancer Services cost, and load balancers that duplicate each other.',
  checks: [loadBalancerService, duplicateLoadBalancers],
  summarize: costSummary,
};
