import { describe, expect, it } from 'vitest';
import { defaultAgentSettings } from '../agents/index.ts';
import { runSettings } from './settings.ts';

describe('runSettings', () => {
  it('keeps AGENTS.md’s defaults when neither the installation nor the organization sets anything', () => {
    expect(runSettings(undefined, undefined)).toEqual(defaultAgentSettings);
    expect(runSettings({}, {})).toEqual(defaultAgentSettings);
  });

  it('overrides the defaults with the installation’s prices, then the organization’s, field by field', () => {
    const installation = { cpuCore: 30, storageGiB: 0.2, thresholds: { workloadMonthly: 40 } };
    expect(runSettings(installation, undefined)).toEqual({
      ...defaultAgentSettings,
      prices: { cpuCore: 30, memoryGiB: 3, storageGiB: 0.2, loadBalancer: 18 },
      thresholds: { workloadMonthly: 40, hpaCeilingMonthly: 500 },
    });
    const organization = {
      prices: { cpuCore: 20, thresholds: { hpaCeilingMonthly: 300 } },
      allowedRegistries: ['registry.example.com'],
    };
    expect(runSettings(installation, organization)).toEqual({
      currency: 'USD',
      prices: { cpuCore: 20, memoryGiB: 3, storageGiB: 0.2, loadBalancer: 18 },
      thresholds: { workloadMonthly: 40, hpaCeilingMonthly: 300 },
      allowedRegistries: ['registry.example.com'],
    });
  });

  it('takes a currency with the prices of the layer that names it', () => {
    const euros = {
      currency: 'EUR',
      cpuCore: 21,
      memoryGiB: 2.8,
      storageGiB: 0.09,
      loadBalancer: 16,
      thresholds: { workloadMonthly: 45, hpaCeilingMonthly: 450 },
    };
    expect(runSettings({ cpuCore: 30 }, { prices: euros })).toEqual({
      currency: 'EUR',
      prices: { cpuCore: 21, memoryGiB: 2.8, storageGiB: 0.09, loadBalancer: 16 },
      thresholds: { workloadMonthly: 45, hpaCeilingMonthly: 450 },
      allowedRegistries: [],
    });
  });
});
