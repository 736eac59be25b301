import { describe, expect, it } from 'vitest';
import type { QuotaPolicy } from '../generated/index.ts';
import { API_VERSION, crdFile, DEFAULT_PLANS, KINDS, loadManifests, readManifests } from './index.ts';

// The plan table of the product description, as numbers: Unlimited and Custom are absent fields.
const SEED_TABLE = {
  starter: {
    agentExecutionsPerMonth: 1000,
    workflowsPerMonth: 50,
    storageGiB: 5,
    apiCallsPerHour: 100,
    teamMembers: 5,
    concurrentWorkflows: 2,
    features: {
      sso: false,
      advancedAnalytics: 'basic',
      support: 'email',
      customIntegrations: 'none',
      whiteLabel: false,
    },
  },
  professional: {
    agentExecutionsPerMonth: 10000,
    workflowsPerMonth: 500,
    storageGiB: 50,
    apiCallsPerHour: 1000,
    teamMembers: 25,
    concurrentWorkflows: 5,
    features: {
      sso: false,
      advancedAnalytics: 'full',
      support: 'email-and-chat',
      customIntegrations: 'limited',
      whiteLabel: false,
    },
  },
  enterprise: {
    agentExecutionsPerMonth: 100000,
    workflowsPerMonth: 5000,
    storageGiB: 500,
    apiCallsPerHour: 10000,
    teamMembers: 100,
    concurrentWorkflows: 20,
    features: {
      sso: true,
      advancedAnalytics: 'full',
      support: 'phone-24x7',
      customIntegrations: 'full',
      whiteLabel: true,
    },
  },
  custom: {
    features: {
      sso: true,
      advancedAnalytics: 'full',
      support: 'dedicated-csm',
      customIntegrations: 'full',
      whiteLabel: true,
    },
  },
} as const;

const LIMITS = [
  'agentExecutionsPerMonth',
  'workflowsPerMonth',
  'storageGiB',
  'apiCallsPerHour',
  'teamMembers',
  'concurrentWorkflows',
] as const;

interface Schema {
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  enum?: unknown[];
}

function plans(): QuotaPolicy[] {
  return loadManifests('plans') as unknown as QuotaPolicy[];
}

function quotaPolicySchema(): Schema {
  const [crd] = readManifests(crdFile(KINDS.quotaPolicy)) as unknown as [
    { spec: { versions: [{ schema: { openAPIV3Schema: Schema } }] } },
  ];
  return crd.spec.versions[0].schema.openAPIV3Schema;
}

/** Fields of `value` the schema does not declare, and enum values it does not allow. */
function undeclared(value: unknown, schema: Schema, path: string): string[] {
  if (schema.enum && !schema.enum.includes(value))
    return [`${path}: ${String(value)} is not one of the enum`];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const childSchema =
      schema.properties?.[key] ??
      (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    return childSchema
      ? undeclared(child, childSchema, `${path}.${key}`)
      : [`${path}.${key}: not in the schema`];
  });
}

// Quantities as the plans write them; enough of resource.Quantity to compare requests with limits.
function quantity(value: number | string | undefined): number {
  if (value === undefined) throw new Error('missing quantity');
  if (typeof value === 'number') return value;
  const match = /^([0-9.]+)(m|Ki|Mi|Gi|Ti)?$/.exec(value);
  if (!match?.[1]) throw new Error(`unexpected quantity ${value}`);
  const scale = { m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * scale;
}

describe('default plans', () => {
  it('are the four plans of the product, in order', () => {
    expect(plans().map((plan) => [plan.apiVersion, plan.kind, plan.metadata?.name])).toEqual(
      DEFAULT_PLANS.map((name) => [API_VERSION, KINDS.quotaPolicy.kind, name]),
    );
  });

  it.each(Object.entries(SEED_TABLE))('%s has the numbers and features of the plan table', (name, row) => {
    const plan = plans().find((p) => p.metadata?.name === name);
    if (!plan) throw new Error(`plan ${name} is missing`);
    for (const limit of LIMITS) {
      expect(plan.spec[limit], limit).toBe((row as Partial<Record<(typeof LIMITS)[number], number>>)[limit]);
    }
    expect(plan.spec.features).toEqual(row.features);
  });

  it('leave unlimited what the plan table calls Unlimited or Custom', () => {
    const custom = plans().find((p) => p.metadata?.name === 'custom');
    for (const limit of LIMITS) expect(custom?.spec, limit).not.toHaveProperty(limit);
    expect(custom?.spec.resourceQuota).toBeUndefined();
  });

  it('survive helm uninstall', () => {
    for (const plan of plans()) expect(plan.metadata?.annotations?.['helm.sh/resource-policy']).toBe('keep');
  });

  it('use only fields and values the QuotaPolicy schema declares', () => {
    const spec = quotaPolicySchema().properties?.spec ?? {};
    const problems = plans().flatMap((plan) => undeclared(plan.spec, spec, `${plan.metadata?.name}.spec`));
    expect(problems).toEqual([]);
  });

  it('grow with the plan, and request no more than their limits', () => {
    const byName = new Map(plans().map((plan) => [plan.metadata?.name, plan]));
    const cpu = ['starter', 'professional', 'enterprise'].map((name) => {
      const plan = byName.get(name);
      // The namespace quota for storage matches the plan's storage allowance.
      expect(quantity(plan?.spec.resourceQuota?.hard?.['requests.storage'])).toBe(
        (plan?.spec.storageGiB ?? Number.NaN) * 2 ** 30,
      );
      return quantity(plan?.spec.resourceQuota?.hard?.['requests.cpu']);
    });
    expect(cpu).toEqual([...cpu].sort((a, b) => a - b));
    for (const plan of plans()) {
      const { default: limits, defaultRequest: requests } = plan.spec.limitRange ?? {};
      expect(quantity(requests?.cpu)).toBeLessThanOrEqual(quantity(limits?.cpu));
      expect(quantity(requests?.memory)).toBeLessThanOrEqual(quantity(limits?.memory));
    }
  });
});
