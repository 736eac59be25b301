import type { V1Container, V1PodSpec } from '@kubernetes/client-node';
import type { Stored } from '../kinds.ts';
import type { Prices } from '../settings.ts';
import { runningContainers } from './containers.ts';
import { parseQuantity } from './quantity.ts';
import {
  type ContainerDefaults,
  containersLacking,
  effectiveResource,
  podLevelResource,
} from './resources.ts';

const GiB = 2 ** 30;

/** What one replica reserves and costs per month (AGENTS.md §1). */
export interface PodPrice {
  cpuCores: number;
  memoryGiB: number;
  monthly: number;
  /** Running containers lacking an effective CPU or memory request: priced at 0, so the estimate undercounts. */
  unpriced: readonly V1Container[];
}

/**
 * Σ over running containers of the effective CPU and memory requests (§0.6), a missing one counting
 * 0. A pod-level request, when set, is what the Pod reserves, and replaces the containers' sum.
 */
export function podPrice(spec: V1PodSpec, defaults: ContainerDefaults, prices: Prices): PodPrice {
  const requested = (resource: string) =>
    amount(podLevelResource(spec, resource).request) ??
    runningContainers(spec).reduce(
      (sum, container) => sum + (amount(effectiveResource(container, resource, defaults).request) ?? 0),
      0,
    );
  const cpuCores = requested('cpu');
  const memoryGiB = requested('memory') / GiB;
  const lacking = new Set(
    ['cpu', 'memory'].flatMap((resource) => containersLacking(spec, resource, 'request', defaults)),
  );
  return {
    cpuCores,
    memoryGiB,
    monthly: cpuCores * prices.cpuCore + memoryGiB * prices.memoryGiB,
    unpriced: runningContainers(spec).filter((container) => lacking.has(container)),
  };
}

/** A PVC's `spec.resources.requests.storage` in GiB, and what it costs per month. */
export function claimPrice(
  claim: Stored<'PersistentVolumeClaim'>,
  prices: Prices,
): { gib: number; monthly: number } {
  const gib = (amount(claim.spec?.resources?.requests?.storage) ?? 0) / GiB;
  return { gib, monthly: gib * prices.storageGiB };
}

/** Money as the findings and summaries show it; comparisons with thresholds use it too. */
export function cents(amount: number): number {
  return Math.round(amount * 100) / 100;
}

function amount(quantity: string | undefined): number | undefined {
  return quantity === undefined ? undefined : parseQuantity(quantity);
}

/** `USD 52.00`: money in messages. */
export function formatMoney(amount: number, currency: string): string {
  return `${currency} ${cents(amount).toFixed(2)}`;
}
