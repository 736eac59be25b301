import type { Stored } from '../kinds.ts';
import { mapSelectorMatches } from '../semantics/selectors.ts';
import type { Snapshot } from '../snapshot.ts';
import type { Workload } from '../workloads.ts';
import { type PodsMatched, podsMatching } from './pod-labels.ts';

type Service = Stored<'Service'>;

/** What a Service's selector matches: pod templates of workloads (batch included) and live Pods. */
export type ServiceMatch = PodsMatched;

const NOTHING: ServiceMatch = { workloads: [], pods: [] };

/** A Service that routes to Pods it selects (AGENTS.md §0.8): type other than ExternalName, a non-empty selector. */
export function selectsPods(service: Service): boolean {
  return service.spec?.type !== 'ExternalName' && Object.keys(service.spec?.selector ?? {}).length > 0;
}

// Every Service against every template and live Pod, once per run; each check then reads a map.
const matches = (snapshot: Snapshot) => {
  const byService = new Map<Service, ServiceMatch>();
  const byWorkload = new Map<Workload, Service[]>();
  for (const service of snapshot.list('Service').filter(selectsPods)) {
    const selector = service.spec?.selector;
    const matched = podsMatching(snapshot, (labels) => mapSelectorMatches(selector, labels), selector);
    byService.set(service, matched);
    const { workloads } = matched;
    for (const workload of workloads)
      byWorkload.set(workload, [...(byWorkload.get(workload) ?? []), service]);
  }
  return { byService, byWorkload };
};

/** The templates and live Pods a Service selects; nothing for ExternalName Services and empty selectors. */
export function selectedBy(snapshot: Snapshot, service: Service): ServiceMatch {
  return snapshot.memo(matches).byService.get(service) ?? NOTHING;
}

/** The Services (type other than ExternalName) whose selector matches a workload's pod template labels. */
export function servicesSelecting(snapshot: Snapshot, workload: Workload): readonly Service[] {
  return snapshot.memo(matches).byWorkload.get(workload) ?? [];
}

/** A map selector as one string, its keys sorted: equal selectors give equal keys. */
const selectorKey = (selector: Readonly<Record<string, string>>) =>
  JSON.stringify(Object.entries(selector).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

const loadBalancersBySelector = (snapshot: Snapshot) => {
  const index = new Map<string, Service[]>();
  for (const service of snapshot.list('Service')) {
    const selector = service.spec?.selector ?? {};
    if (service.spec?.type !== 'LoadBalancer' || Object.keys(selector).length === 0) continue;
    const key = selectorKey(selector);
    index.set(key, [...(index.get(key) ?? []), service]);
  }
  return index;
};

/** The other LoadBalancer Services with the same non-empty selector as this one. */
export function loadBalancersLike(snapshot: Snapshot, service: Service): readonly Service[] {
  const selector = service.spec?.selector ?? {};
  if (service.spec?.type !== 'LoadBalancer' || Object.keys(selector).length === 0) return [];
  const same = snapshot.memo(loadBalancersBySelector).get(selectorKey(selector)) ?? [];
  return same.filter((other) => other !== service);
}
