import type { OrganizationAgents } from '@guardian/crds/generated';
import { type AgentSettings, type AgentSettingsOverride, agentSettings } from '../agents/index.ts';
import type { AgentPrices } from '../config.ts';

/**
 * One layer of prices and thresholds as the chart (`agents.prices`, AGENTS_PRICES) and an
 * Organization (`spec.agents.prices`) write them: one object, thresholds inside.
 */
export function pricesLayer(prices: AgentPrices | undefined): AgentSettingsOverride {
  if (!prices) return {};
  const { currency, thresholds, ...amounts } = prices;
  return { currency, prices: amounts, thresholds };
}

/**
 * What a run of `organization`'s agents is evaluated with: AGENTS.md §1's defaults, overridden by
 * the installation's prices (`installation`), then by the Organization's `spec.agents`, field by field.
 */
export function runSettings(
  installation: AgentPrices | undefined,
  organization: OrganizationAgents | undefined,
): AgentSettings {
  return agentSettings(pricesLayer(installation), {
    ...pricesLayer(organization?.prices),
    allowedRegistries: organization?.allowedRegistries,
  });
}
