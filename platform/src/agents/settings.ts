/** Monthly prices (730 hours) of what a namespace reserves (AGENTS.md §1). */
export interface Prices {
  /** One core of effective CPU request. */
  cpuCore: number;
  /** One GiB (2^30 bytes) of effective memory request. */
  memoryGiB: number;
  /** One GiB of PersistentVolumeClaim `spec.resources.requests.storage`. */
  storageGiB: number;
  /** One Service of `type: LoadBalancer`. */
  loadBalancer: number;
}

/** Monthly amounts at which the cost checks fire (AGENTS.md §1). */
export interface CostThresholds {
  /** `cost-estimator/monthly-cost-high`, per workload. */
  workloadMonthly: number;
  /** `cost-estimator/hpa-ceiling-cost-high`, at the HPA's `maxReplicas`. */
  hpaCeilingMonthly: number;
}

export interface AgentSettings {
  /** The currency the prices are in; findings and summaries name it. */
  currency: string;
  prices: Prices;
  thresholds: CostThresholds;
  /** `Organization.spec.agents.allowedRegistries`; empty: `image-hygiene/registry-not-allowed` reports nothing. */
  allowedRegistries: readonly string[];
}

export const defaultAgentSettings: AgentSettings = {
  currency: 'USD',
  prices: { cpuCore: 23, memoryGiB: 3, storageGiB: 0.1, loadBalancer: 18 },
  thresholds: { workloadMonthly: 50, hpaCeilingMonthly: 500 },
  allowedRegistries: [],
};

/** What one layer (the chart's `agents.*`, an Organization's `spec.agents`) may override. */
export interface AgentSettingsOverride {
  currency?: string;
  prices?: Partial<Prices>;
  thresholds?: Partial<CostThresholds>;
  allowedRegistries?: readonly string[];
}

/** The defaults, overridden by each layer in turn: `agentSettings(chart, organization)`. */
export function agentSettings(...layers: readonly (AgentSettingsOverride | undefined)[]): AgentSettings {
  return layers.reduce<AgentSettings>(
    (settings, layer) => ({
      currency: layer?.currency ?? settings.currency,
      prices: { ...settings.prices, ...definedOnly(layer?.prices) },
      thresholds: { ...settings.thresholds, ...definedOnly(layer?.thresholds) },
      allowedRegistries: layer?.allowedRegistries ?? settings.allowedRegistries,
    }),
    defaultAgentSettings,
  );
}

// A parsed config may carry `key: undefined`; spread as is, that would erase the default.
function definedOnly<T extends object>(values: Partial<T> | undefined): Partial<T> {
  return Object.fromEntries(
    Object.entries(values ?? {}).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
