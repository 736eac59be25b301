// What agent runs say things cost, against the real stack: the cost breakdown a run with a cost
// agent answers and stores (by workload, by team label, by environment; the latest per environment
// in GET /environments), and the settings the run is evaluated with, layer by layer: AGENTS.md's
// defaults, the installation's prices (the chart's agents.prices, AGENTS_PRICES), then the
// Organization's spec.agents (prices, thresholds, currency, allowed registries), each shown by
// what it changes in cost-estimator/monthly-cost-high or image-hygiene/registry-not-allowed.

import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceOf } from '../../platform/src/agent-runs/snapshot-reader.ts';
import { type Finding, TEAM_LABEL } from '../../platform/src/agents/index.ts';
import type { KubeManifest } from '../../platform/src/agents/testing/case.ts';
import {
  claim,
  container,
  deployment,
  podSpec,
  service,
} from '../../platform/src/agents/testing/manifests.ts';
import { agentSuite, inNamespace } from '../support/agents.ts';
import { adminClient, uniqueName } from '../support/kube.ts';
import {
  call,
  platformKubeconfig,
  quotaPolicy,
  startPlatform,
  type TestPlatform,
  until,
} from '../support/platform.ts';
import { databaseSecret, onTenant } from '../support/tenant-db.ts';

interface RunCost {
  currency: string;
  monthly_total: number;
  by_workload: Array<{ kind: string; name: string; monthly: number }>;
  by_team: Array<{ team: string; monthly: number }>;
  by_environment: Array<{ environment: string; monthly: number }>;
}
interface Run {
  run_id: string;
  findings: Finding[];
  cost?: RunCost;
}

const requesting = (cpu: string, memory: string) =>
  podSpec({ containers: [container('app', { resources: { requests: { cpu, memory } } })] });
const ofTeam = <T extends KubeManifest>(object: T, team: string): T => ({
  ...object,
  metadata: { ...object.metadata, labels: { ...object.metadata.labels, [TEAM_LABEL]: team } },
});

// At AGENTS.md's prices: web 1 core + 8 GiB = 47 (below 50), search 2 × (1 core + 1 GiB) = 52,
// tool 0.1 core + 0.25 GiB = 3.05, the claim 10 GiB = 1, the LoadBalancer 18.
const production: KubeManifest[] = [
  ofTeam(deployment('web', requesting('1', '8Gi')), 'payments'),
  ofTeam(deployment('search', requesting('1', '1Gi'), { spec: { replicas: 2 } }), 'search'),
  deployment('tool', requesting('100m', '256Mi')),
  ofTeam(claim('data', { storageClassName: '', resources: { requests: { storage: '10Gi' } } }), 'payments'),
  service('public', { app: 'web' }, { type: 'LoadBalancer' }),
];
const staging: KubeManifest[] = [ofTeam(deployment('web', requesting('500m', '1Gi')), 'payments')];

describe('agents: costs, prices and allowed registries', () => {
  const org = uniqueName('it-agp');
  const plan = quotaPolicy(uniqueName('it-agp-plan'), {
    displayName: 'costs',
    features: { sso: false, advancedAnalytics: 'full' },
  });
  const suite = agentSuite({
    suite: 'agents-costs',
    plans: [plan],
    organizations: [
      { name: org, spec: { plan: plan.metadata.name, environments: ['production', 'staging', 'dev'] } },
    ],
  });
  const admin = adminClient();
  let owner: string;
  // A second platform of the same installation, with the chart's agents.prices set.
  let priced: TestPlatform | undefined;
  let pricedToken: string;

  const run = async (
    environment: string,
    agents: string[],
    via: { url: string; token: string } = { url: suite.platform.url, token: owner },
  ): Promise<Run> => {
    const answer = await call(via.url, 'POST', '/agents/runs', via.token, { environment, agents });
    expect(answer.status, answer.text).toBe(201);
    return answer.body as Run;
  };
  const flagged = (found: Run, check: string) =>
    found.findings
      .filter((f) => f.check === check)
      .map((f) => f.resource.name)
      .sort();
  /** Sets the Organization's spec.agents (undefined: none), once both platforms have it. */
  const agentsOfOrganization = async (agents: Record<string, unknown> | undefined) => {
    await suite.platform.changeOrganization(suite.organization(org), { agents });
    await until('the priced platform to see the change', () =>
      isDeepStrictEqual(priced?.platform.directory.get(org)?.spec.agents, agents),
    );
  };

  beforeAll(async () => {
    owner = (await suite.token(org, 'org_owner')).token;
    for (const [environment, objects] of [
      ['production', production],
      ['staging', staging],
    ] as const) {
      for (const object of objects) {
        await admin.apply(resourceOf(object.kind), inNamespace(object, `org-${org}--${environment}`), {
          fieldManager: 'guardian-test',
        });
      }
    }
    priced = await startPlatform({
      kubeconfig: await platformKubeconfig(suite.platform.namespace),
      env: { AGENTS_PRICES: JSON.stringify({ cpuCore: 30 }) },
    });
    pricedToken = (
      await priced.platform.tokens.issue(
        randomUUID(),
        { superAdmin: false, orgs: { [org]: 'org_owner' }, teams: {} },
        org,
      )
    ).token;
  }, 120_000);
  afterAll(async () => {
    await priced?.stop();
    await admin.close();
  });

  it('answers what the environment costs, by workload, by team and by environment, and stores it as answered', async () => {
    const costed = await run('production', ['cost-estimator']);
    expect(costed.cost).toEqual({
      currency: 'USD',
      monthly_total: 121.05,
      by_workload: [
        { kind: 'Deployment', name: 'search', monthly: 52 },
        { kind: 'Deployment', name: 'web', monthly: 47 },
        { kind: 'Deployment', name: 'tool', monthly: 3.05 },
      ],
      // web and its claim; tool and the LoadBalancer carry no team label.
      by_team: [
        { team: 'search', monthly: 52 },
        { team: 'payments', monthly: 48 },
        { team: 'unassigned', monthly: 21.05 },
      ],
      by_environment: [{ environment: 'production', monthly: 121.05 }],
    });
    // Any cost agent answers it; a run without one does not.
    expect((await run('production', ['idle-resources'])).cost).toEqual(costed.cost);
    expect((await run('production', ['probes'])).cost).toBeUndefined();
    const stagingRun = await run('staging', ['service-cost']);
    expect(stagingRun.cost?.by_environment).toEqual([{ environment: 'staging', monthly: 14.5 }]);

    // As the run's own answer, and as the tenant database holds it for analytics.
    const answered = await suite.call('GET', `/agents/runs/${costed.run_id}`, owner);
    expect((answered.body as Run).cost).toEqual(costed.cost);
    const database = await databaseSecret(org);
    const [stored] = await onTenant(
      database.url,
      `SELECT cost FROM agent_runs WHERE run_id = '${costed.run_id}'`,
    );
    expect(stored?.cost).toEqual(costed.cost);

    // The latest cost of each environment, beside the rest of it; none where no cost agent ran.
    const latest = await run('production', ['service-cost']);
    const environments = (
      (await suite.call('GET', '/environments', owner)).body as {
        environments: Array<{ name: string; cost: unknown }>;
      }
    ).environments;
    expect(Object.fromEntries(environments.map((e) => [e.name, e.cost]))).toEqual({
      production: {
        run_id: latest.run_id,
        created_at: expect.any(String),
        currency: 'USD',
        monthly_total: 121.05,
      },
      staging: {
        run_id: stagingRun.run_id,
        created_at: expect.any(String),
        currency: 'USD',
        monthly_total: 14.5,
      },
      dev: null,
    });

    // What analytics makes of these runs: each environment's last estimate, summed, and by team;
    // five runs of one agent each, all succeeded.
    const analytics = await suite.call('GET', `/tenants/organizations/${org}/analytics`, owner);
    expect(analytics.status, analytics.text).toBe(200);
    const { cost, performance, usage } = analytics.body as {
      cost: { currency: string; latest: Record<string, unknown>; series: unknown[]; change: unknown };
      performance: { agents: { runs: number; success_rate: number; duration_ms: { p50: number | null } } };
      usage: { agents: Array<{ agent: string; category: string; units: number }> };
    };
    expect(cost.currency).toBe('USD');
    expect(cost.latest).toMatchObject({
      monthly_total: 135.55,
      by_environment: [
        { environment: 'production', monthly: 121.05 },
        { environment: 'staging', monthly: 14.5 },
      ],
      by_team: [
        { team: 'payments', monthly: 62.5 },
        { team: 'search', monthly: 52 },
        { team: 'unassigned', monthly: 21.05 },
      ],
    });
    expect(cost.series).toEqual([expect.objectContaining({ monthly_total: 135.55 })]);
    expect(cost.change).toEqual({ previous: null, current: 135.55, delta: null, percent: null });
    expect(performance.agents).toMatchObject({ runs: 5, success_rate: 1 });
    expect(performance.agents.duration_ms.p50).toEqual(expect.any(Number));
    const units = Object.fromEntries(usage.agents.map((row) => [row.agent, [row.category, row.units]]));
    expect(units).toEqual({
      'cost-estimator': ['cost', 1],
      'idle-resources': ['cost', 1],
      probes: [expect.any(String), 1],
      'service-cost': ['cost', 2],
    });
  });

  it('prices with AGENTS.md’s defaults, then the chart’s agents.prices, then the organization’s spec.agents.prices', async () => {
    const via = () => ({ url: priced?.url ?? '', token: pricedToken });
    const high = async (target?: { url: string; token: string }) =>
      flagged(await run('production', ['cost-estimator'], target), 'cost-estimator/monthly-cost-high');
    // Defaults: web costs 47, under the threshold of 50; search 52.
    expect(await high()).toEqual(['search']);
    // The chart's cpuCore 30: web 54, search 66.
    expect(await high(via())).toEqual(['search', 'web']);
    const [web] = (await run('production', ['cost-estimator'], via())).findings.filter(
      (f) => f.check === 'cost-estimator/monthly-cost-high' && f.resource.name === 'web',
    );
    expect(web?.evidence).toMatchObject({ monthly: 54, currency: 'USD' });

    // The organization's cpuCore 20 overrides both: web 44, search 46.
    await agentsOfOrganization({ prices: { cpuCore: 20 } });
    expect(await high()).toEqual([]);
    expect(await high(via())).toEqual([]);
    // Its threshold of 40 too.
    await agentsOfOrganization({ prices: { cpuCore: 20, thresholds: { workloadMonthly: 40 } } });
    expect(await high()).toEqual(['search', 'web']);
    expect(await high(via())).toEqual(['search', 'web']);
    // Another currency restates every amount.
    await agentsOfOrganization({
      prices: {
        currency: 'EUR',
        cpuCore: 20,
        memoryGiB: 3,
        storageGiB: 0.1,
        loadBalancer: 18,
        thresholds: { workloadMonthly: 45, hpaCeilingMonthly: 500 },
      },
    });
    const euros = await run('production', ['cost-estimator'], via());
    expect(flagged(euros, 'cost-estimator/monthly-cost-high')).toEqual(['search']);
    expect(euros.findings.find((f) => f.resource.name === 'search')?.message).toContain('EUR 46.00');
    // web 44, search 46, tool 2.75, the claim 1, the LoadBalancer 18.
    expect(euros.cost).toMatchObject({ currency: 'EUR', monthly_total: 111.75 });
    // Without spec.agents, the chart's prices again.
    await agentsOfOrganization(undefined);
    expect(await high(via())).toEqual(['search', 'web']);
  });

  it('reports images outside the organization’s allowed registries, and nothing without a list', async () => {
    const notAllowed = async () =>
      flagged(await run('production', ['image-hygiene']), 'image-hygiene/registry-not-allowed');
    expect(await notAllowed()).toEqual([]);
    // The builders' image is registry.k8s.io/pause.
    await agentsOfOrganization({ allowedRegistries: ['docker.io', 'registry.example.com:5000'] });
    expect(await notAllowed()).toEqual(['search', 'tool', 'web']);
    const [finding] = (await run('production', ['image-hygiene'])).findings.filter(
      (f) => f.check === 'image-hygiene/registry-not-allowed',
    );
    expect(finding?.evidence).toEqual({
      containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', registry: 'registry.k8s.io' }],
    });
    // Hosts compare case-insensitively.
    await agentsOfOrganization({ allowedRegistries: ['docker.io', 'Registry.K8s.io'] });
    expect(await notAllowed()).toEqual([]);
    await agentsOfOrganization(undefined);
  });
});
