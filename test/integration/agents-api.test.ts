// The agents API against the real stack: metering (exact, all or nothing under a race, refunds,
// refusals that take nothing), the categories a caller's Teams allow (through real logins), bad
// input, a namespace deleted under a run, the findings' lifecycle across runs, the audit trail,
// environments and the OpenAPI document. Each refusal beside its positive control.

import { randomUUID } from 'node:crypto';
import { core, type KubeObject } from '@guardian/kube/resources';
import type { V1ResourceRequirements } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentUser, resourceOf } from '../../platform/src/agent-runs/snapshot-reader.ts';
import { type Agent, catalog, type Finding } from '../../platform/src/agents/index.ts';
import { container, deployment, NO_NODE, podSpec } from '../../platform/src/agents/testing/manifests.ts';
import { platformClusterReads } from '../../scripts/rbac-manifests.ts';
import { agentSuite, inNamespace } from '../support/agents.ts';
import { adminClient, eventually, uniqueName } from '../support/kube.ts';
import {
  type Answer,
  type Browser,
  call,
  createUser,
  platformKubeconfig,
  quotaPolicy,
  setMembership,
  signedIn,
  startPlatform,
  type TestPlatform,
} from '../support/platform.ts';
import { team } from '../support/tenancy.ts';

const CLUSTER_ROLE_BINDING = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  plural: 'clusterrolebindings',
  namespaced: false,
} as const;

/** What the switchable test agent does in the next run. */
let switchable: 'find' | 'fail' | 'quiet' = 'find';

// Agents only this suite's platform knows (through the constructor's `agents`): one that always
// fails, and one that finds, fails or finds nothing on demand.
const testAgents: Agent[] = [
  {
    id: 'test-fails',
    name: 'Test: always fails',
    category: 'observability',
    description: 'Throws on every run (tests the refund of a failed agent).',
    checks: [
      {
        id: 'throws',
        severity: 'info',
        mode: 'spec',
        title: 'Throws',
        target: 'Namespace',
        detect() {
          throw new Error('this test agent always fails');
        },
      },
    ],
  },
  {
    id: 'test-switchable',
    name: 'Test: switchable',
    category: 'observability',
    description: 'Finds its namespace, fails, or finds nothing, as the test says.',
    checks: [
      {
        id: 'namespace-seen',
        severity: 'info',
        mode: 'spec',
        title: 'The namespace was seen',
        target: 'Namespace',
        detect(namespace) {
          if (switchable === 'fail') throw new Error('the switchable test agent was told to fail');
          if (switchable === 'quiet') return undefined;
          return {
            message: `Namespace ${namespace.metadata.name} seen.`,
            remediation: 'None.',
            evidence: {},
          };
        },
      },
    ],
  },
];

interface Run {
  run_id: string;
  environment: string;
  agents: string[];
  status: string;
  findings: Finding[];
  summary: Record<string, number>;
  skipped: Array<{ check: string; reason: string }>;
  failures: Array<{ agent: string; reason: string }>;
  tenant_context: { org_id: string; user_id: string; quota_remaining: number | null };
}
interface Tracked extends Finding {
  environment: string;
  status: 'open' | 'resolved';
  first_seen: string;
  last_seen: string;
  resolved_at: string | null;
}
const runOf = (answer: Answer) => answer.body as Run;
const fieldsOf = (answer: Answer) =>
  ((answer.body as { errors?: { field: string }[] }).errors ?? []).map((e) => e.field);
const ids = (agents: readonly Agent[]) => agents.map((agent) => agent.id);
const of = (...categories: string[]) => ids(catalog.filter((agent) => categories.includes(agent.category)));

describe('agents API', () => {
  const metered = uniqueName('it-agm');
  const teams = uniqueName('it-agt');
  const owned = uniqueName('it-ago');
  const suspended = uniqueName('it-agx');
  const limitedPlan = quotaPolicy(uniqueName('it-agm-plan'), {
    displayName: 'twelve runs',
    features: { sso: false },
    agentExecutionsPerMonth: 12,
  });
  const openPlan = quotaPolicy(uniqueName('it-ago-plan'), { displayName: 'open', features: { sso: false } });
  const carol = 'carol@startupco.io';
  const suite = agentSuite({
    suite: 'agents-api',
    plans: [limitedPlan, openPlan],
    organizations: [
      { name: metered, spec: { plan: limitedPlan.metadata.name, environments: ['production'] } },
      {
        name: teams,
        spec: { plan: openPlan.metadata.name, environments: ['production', 'staging', 'lifecycle'] },
      },
      {
        name: owned,
        spec: {
          plan: openPlan.metadata.name,
          environments: ['production'],
          owners: [{ kind: 'User', name: carol }],
        },
      },
      { name: suspended, spec: { plan: openPlan.metadata.name, environments: ['production'] } },
    ],
    agents: [...catalog, ...testAgents],
  });
  const admin = adminClient();
  let owner: string;

  const usage = async (token: string) => {
    const answer = await suite.call('GET', '/usage', token);
    expect(answer.status).toBe(200);
    return (
      answer.body as { limits: { agent_executions_per_month: { used: number; remaining: number | null } } }
    ).limits.agent_executions_per_month;
  };

  beforeAll(async () => {
    owner = (await suite.token(teams, 'org_owner')).token;
  });
  afterAll(async () => {
    await admin.close();
  });

  describe('metering', () => {
    let token: string;
    beforeAll(async () => {
      token = (await suite.token(metered, 'org_owner')).token;
    });

    it('takes one unit per agent, before the run, and says what is left', async () => {
      expect(await usage(token)).toMatchObject({ used: 0, remaining: 12 });
      const answer = await suite.call('POST', '/agents/runs', token, {
        environment: 'production',
        agents: ['probes', 'resource-limits'],
      });
      expect(answer.status, answer.text).toBe(201);
      expect(answer.headers.get('location')).toBe(`/agents/runs/${runOf(answer).run_id}`);
      expect(runOf(answer)).toMatchObject({
        agents: ['probes', 'resource-limits'],
        status: 'succeeded',
        failures: [],
        tenant_context: { org_id: metered, quota_remaining: 10 },
      });
      expect(await usage(token)).toMatchObject({ used: 2, remaining: 10 });
    });

    it('refunds the unit of an agent that fails, by a compensating entry the history counts', async () => {
      const answer = await suite.call('POST', '/agents/runs', token, {
        environment: 'production',
        agents: ['probes', 'test-fails'],
      });
      expect(answer.status, answer.text).toBe(201);
      const run = runOf(answer);
      expect(run.status).toBe('partial');
      expect(run.failures).toEqual([{ agent: 'test-fails', reason: 'this test agent always fails' }]);
      expect(run.tenant_context.quota_remaining).toBe(9);
      expect(await usage(token)).toMatchObject({ used: 3, remaining: 9 });
      const analytics = await suite.call('GET', `/tenants/organizations/${metered}/analytics`, token);
      expect(analytics.status).toBe(200);
      const history = (
        analytics.body as {
          history: {
            periods: Array<{ agent_executions: number }>;
            days: Array<{ agent_executions: number }>;
          };
        }
      ).history;
      expect(history.periods.at(-1)?.agent_executions).toBe(3);
      expect(history.days.reduce((sum, day) => sum + day.agent_executions, 0)).toBe(3);
      // A run of failing agents only: failed, every unit back.
      const failed = await suite.call('POST', '/agents/runs', token, {
        environment: 'production',
        agents: ['test-fails'],
      });
      expect(runOf(failed)).toMatchObject({ status: 'failed', tenant_context: { quota_remaining: 9 } });
      expect(await usage(token)).toMatchObject({ used: 3, remaining: 9 });
    });

    it('lets 20 concurrent runs of 3 agents take exactly the 9 units left, each run whole or refused', async () => {
      const agents = ['probes', 'resource-limits', 'image-hygiene'];
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          suite.call('POST', '/agents/runs', token, { environment: 'production', agents }),
        ),
      );
      const created = answers.filter((answer) => answer.status === 201);
      const refused = answers.filter((answer) => answer.status === 429);
      expect(created).toHaveLength(3);
      expect(refused).toHaveLength(17);
      for (const answer of created) expect(runOf(answer).agents).toEqual(agents);
      expect(created.map((answer) => runOf(answer).tenant_context.quota_remaining).sort()).toEqual([0, 3, 6]);
      expect(await usage(token)).toMatchObject({ used: 12, remaining: 0 });
      const list = await suite.call('GET', '/agents/runs?limit=100', token);
      expect((list.body as { runs: unknown[] }).runs).toHaveLength(3 + 3);
    }, 120_000);

    it('refuses a run the plan cannot cover with 429 and its figures, taking nothing', async () => {
      const refused = await suite.call('POST', '/agents/runs', token, {
        environment: 'production',
        agents: ['probes'],
      });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.body).toMatchObject({
        status: 429,
        quota: { kind: 'agent_executions', limit: 12, used: 12, remaining: 0, requested: 1 },
      });
      expect(await usage(token)).toMatchObject({ used: 12, remaining: 0 });
      // Nothing was stored either, and the refusal is in the audit trail.
      const list = await suite.call('GET', '/agents/runs?limit=100', token);
      expect((list.body as { runs: unknown[] }).runs).toHaveLength(6);
      const audit = await suite.call('GET', '/audit?action=quota.exceeded', token);
      expect((audit.body as { entries: Array<{ detail: { kind: string } }> }).entries[0]?.detail.kind).toBe(
        'agent_executions',
      );
    });
  });

  describe('the categories a caller may run', () => {
    let browser: Browser;
    let apiKey: string;

    beforeAll(async () => {
      const signed = await signedIn(suite.platform.url, carol);
      browser = signed.browser;
      await setMembership(teams, signed.userId, 'team_member');
      await suite.platform.apply(
        team(teams, 'costs', {
          displayName: 'Costs',
          agentCategories: ['cost'],
          members: [{ kind: 'User', name: 'Carol@StartupCo.io', role: 'team_member' }],
        }),
        team(teams, 'owners-security', {
          displayName: 'Security',
          agentCategories: ['security'],
          members: [{ kind: 'Group', name: 'startupco-owners', role: 'team_member' }],
        }),
        team(teams, 'someone-else', {
          displayName: 'Compliance',
          agentCategories: ['compliance'],
          members: [{ kind: 'User', name: 'someone@startupco.io', role: 'team_member' }],
        }),
        team(owned, 'costs', {
          displayName: 'Costs',
          agentCategories: ['cost'],
          members: [{ kind: 'User', name: carol, role: 'team_member' }],
        }),
      );
      // An API key with a team member's role, minted by an owner who exists as a user.
      const creator = await createUser();
      const { token } = await suite.platform.platform.tokens.issue(
        creator,
        { superAdmin: false, orgs: { [teams]: 'org_owner' }, teams: {} },
        teams,
      );
      const minted = await suite.call('POST', '/tenants/api-keys', token, {
        name: 'ci',
        role: 'team_member',
      });
      expect(minted.status, minted.text).toBe(201);
      apiKey = (minted.body as { key: string }).key;
    });

    const allowedOf = (answer: Answer) =>
      (answer.body as { agents: Array<{ id: string; allowed: boolean }> }).agents
        .filter((agent) => agent.allowed)
        .map((agent) => agent.id);

    it('follows the teams a session’s user is in: by verified email and by group', async () => {
      const headers = { 'x-org-id': teams };
      const whoami = await browser.request('/whoami', { headers });
      expect((whoami.body as { team_ids: string[] }).team_ids.sort()).toEqual(['costs', 'owners-security']);
      const listed = await browser.request('/agents', { headers });
      expect(listed.status).toBe(200);
      expect(allowedOf(listed)).toEqual(of('security', 'cost'));
      const json = { ...headers, 'content-type': 'application/json' };
      const outside = await browser.request('/agents/runs', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ environment: 'production', categories: ['compliance'] }),
      });
      expect(outside.status).toBe(403);
      expect((outside.body as { detail: string }).detail).toContain('compliance');
      const inside = await browser.request('/agents/runs', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ environment: 'production', categories: ['cost'] }),
      });
      expect(inside.status, inside.text).toBe(201);
      expect(runOf(inside).agents).toEqual(of('cost'));
    });

    it('follows them in a token too, and runs by default what the teams allow', async () => {
      const token = await browser.token(teams);
      expect(allowedOf(await suite.call('GET', '/agents', token))).toEqual(of('security', 'cost'));
      const outside = await suite.call('POST', '/agents/runs', token, {
        environment: 'production',
        agents: ['quota-governance'],
      });
      expect(outside.status).toBe(403);
      const all = await suite.call('POST', '/agents/runs', token, { environment: 'production' });
      expect(all.status).toBe(201);
      expect(runOf(all).agents).toEqual(of('security', 'cost'));
      // The same person owns another organization: there her teams bind nothing.
      const owning = await browser.token(owned);
      expect(allowedOf(await suite.call('GET', '/agents', owning))).toEqual(ids([...catalog, ...testAgents]));
      const compliance = await suite.call('POST', '/agents/runs', owning, {
        environment: 'production',
        categories: ['compliance'],
      });
      expect(compliance.status, compliance.text).toBe(201);
    });

    it('lets an API key, a member in no team and an owner run every category; read_only reads only', async () => {
      const everything = ids([...catalog, ...testAgents]);
      expect(allowedOf(await suite.call('GET', '/agents', apiKey))).toEqual(everything);
      const byKey = await suite.call('POST', '/agents/runs', apiKey, {
        environment: 'production',
        categories: ['compliance'],
      });
      expect(byKey.status, byKey.text).toBe(201);
      expect(runOf(byKey).tenant_context.user_id).toBeTruthy();
      const loner = (await suite.token(teams, 'team_member')).token;
      expect(allowedOf(await suite.call('GET', '/agents', loner))).toEqual(everything);
      expect(allowedOf(await suite.call('GET', '/agents', owner))).toEqual(everything);
      const reader = (await suite.token(teams, 'read_only')).token;
      expect((await suite.call('GET', '/agents', reader)).status).toBe(200);
      expect((await suite.call('GET', '/agents/runs', reader)).status).toBe(200);
      const refused = await suite.call('POST', '/agents/runs', reader, {
        environment: 'production',
        agents: ['probes'],
      });
      expect(refused.status).toBe(403);
      expect((await suite.call('GET', '/agents', 'not-a-token')).status).toBe(401);
    });
  });

  describe('bad input', () => {
    const post = (body: unknown, token = owner) => suite.call('POST', '/agents/runs', token, body);

    it('names unknown agents and categories (400), and runs known ones', async () => {
      const unknown = await post({ environment: 'production', agents: ['probes', 'no-such-agent'] });
      expect(unknown.status).toBe(400);
      expect(fieldsOf(unknown)).toEqual(['agents']);
      expect(unknown.text).toContain('no-such-agent');
      const category = await post({ environment: 'production', categories: ['astrology'] });
      expect(category.status).toBe(400);
      expect(fieldsOf(category)).toEqual(['categories']);
      const both = await post({ environment: 'production', agents: ['nope'], categories: ['nope'] });
      expect(fieldsOf(both)).toEqual(['agents', 'categories']);
      expect(
        (await post({ environment: 'production', agents: ['probes'], categories: ['cost'] })).status,
      ).toBe(201);
    });

    it('refuses an environment the organization does not have (400, field environment)', async () => {
      for (const environment of ['nowhere', 'Not_A_Label', 'a--b']) {
        const answer = await post({ environment, agents: ['probes'] });
        expect(answer.status, environment).toBe(400);
        expect(fieldsOf(answer)).toEqual(['environment']);
      }
      expect(fieldsOf(await post({ agents: ['probes'] }))).toEqual(['environment']);
      expect(fieldsOf(await post({ environment: 'production', extra: true }))).toEqual(['extra']);
      expect((await post({ environment: 'staging', agents: ['probes'] })).status).toBe(201);
    });

    it('refuses a suspended organization (403), and serves it again once resumed', async () => {
      const token = (await suite.token(suspended, 'org_owner')).token;
      const org = suite.organization(suspended);
      await suite.platform.changeOrganization(org, { suspended: true });
      try {
        const refused = await suite.call('POST', '/agents/runs', token, {
          environment: 'production',
          agents: ['probes'],
        });
        expect(refused.status).toBe(403);
        expect(refused.text).toContain('suspended');
        expect((await suite.call('GET', '/agents', token)).status).toBe(403);
      } finally {
        await suite.platform.changeOrganization(org, { suspended: false });
      }
      const resumed = await suite.call('POST', '/agents/runs', token, {
        environment: 'production',
        agents: ['probes'],
      });
      expect(resumed.status).toBe(201);
    });

    it('answers a run whose namespace is being deleted as failed, naming why, every unit refunded', async () => {
      const namespace = `org-${teams}--staging`;
      const held = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'held', namespace, finalizers: ['guardian.aiops.dev/test-hold'] },
      };
      await admin.apply(resourceOf('ConfigMap'), held, { fieldManager: 'guardian-test' });
      const before = await usage(owner);
      const agentClient = suite.kube.impersonating(agentUser(teams));
      try {
        await admin.delete(core.namespace, namespace);
        // Held by the ConfigMap's finalizer, the namespace stays Terminating without its RoleBindings.
        await eventually('the agent to lose its namespace', async () =>
          agentClient.list(resourceOf('Pod'), { namespace }).then(
            () => false,
            (error: { status?: number }) => error.status === 403,
          ),
        );
        const answer = await post({ environment: 'staging', agents: ['probes', 'resource-limits'] });
        expect(answer.status, answer.text).toBe(201);
        const run = runOf(answer);
        expect(run.status).toBe('failed');
        expect(run.findings).toEqual([]);
        expect(run.failures.map((failure) => failure.agent)).toEqual(['probes', 'resource-limits']);
        for (const failure of run.failures) expect(failure.reason).toContain(namespace);
        expect(await usage(owner)).toEqual(before);
        expect((await suite.call('GET', `/agents/runs/${run.run_id}`, owner)).body).toMatchObject({
          status: 'failed',
        });
      } finally {
        await admin.apply(
          resourceOf('ConfigMap'),
          { ...held, metadata: { ...held.metadata, finalizers: [] } },
          {
            fieldManager: 'guardian-test',
          },
        );
      }
      // The control: once the operator has made the namespace again, the same run succeeds.
      const again = await eventually(
        'the namespace to be back',
        async () => {
          const answer = await post({ environment: 'staging', agents: ['probes', 'resource-limits'] });
          return answer.status === 201 && runOf(answer).status === 'succeeded' ? answer : undefined;
        },
        120_000,
      );
      expect(runOf(again).failures).toEqual([]);
    }, 180_000);

    it('answers unknown run ids and forged cursors without a 500', async () => {
      expect((await suite.call('GET', '/agents/runs/not-a-uuid', owner)).status).toBe(404);
      expect(
        (await suite.call('GET', '/agents/runs/7d444840-9dc0-11d1-b245-5ffdce74fad2', owner)).status,
      ).toBe(404);
      const forged = await suite.call('GET', '/agents/runs?cursor=forged', owner);
      expect(forged.status).toBe(400);
      expect(fieldsOf(forged)).toEqual(['cursor']);
      expect(fieldsOf(await suite.call('GET', '/findings?severity=dire', owner))).toEqual(['severity']);
      expect(fieldsOf(await suite.call('GET', '/agents/runs?limit=0', owner))).toEqual(['limit']);
    });
  });

  describe('findings across runs', () => {
    const namespace = () => `org-${teams}--lifecycle`;
    const web = (resources?: V1ResourceRequirements) =>
      inNamespace(
        deployment('lifecycle-web', podSpec({ containers: [container('app', { resources })] })),
        namespace(),
      );
    const nowhere = (nodeSelector?: Record<string, string>) =>
      inNamespace(deployment('lifecycle-nowhere', podSpec({ nodeSelector })), namespace());
    const findingsOf = async (query: string): Promise<Tracked[]> => {
      const answer = await suite.call('GET', `/findings?environment=lifecycle${query}`, owner);
      expect(answer.status).toBe(200);
      return (answer.body as { findings: Tracked[] }).findings;
    };
    const run = async (
      agents: string[],
      via: { url: string; token: string } = { url: suite.platform.url, token: owner },
    ) => {
      const answer = await call(via.url, 'POST', '/agents/runs', via.token, {
        environment: 'lifecycle',
        agents,
      });
      expect(answer.status, answer.text).toBe(201);
      return runOf(answer);
    };
    const deploy = (object: KubeObject) =>
      admin.apply(resourceOf('Deployment'), object, { fieldManager: 'guardian-test', force: true });

    it('keeps a finding open while runs report it, first_seen fixed and last_seen moving; resolves it once fixed', async () => {
      await deploy(web());
      const first = await run(['resource-limits']);
      const check = 'resource-limits/cpu-limit-missing';
      const reported = first.findings.find((f) => f.check === check && f.resource.name === 'lifecycle-web');
      expect(reported).toBeDefined();
      const [opened] = (await findingsOf('&agent=resource-limits')).filter((f) => f.id === reported?.id);
      expect(opened).toMatchObject({ status: 'open', resolved_at: null });
      await new Promise((tick) => setTimeout(tick, 20));
      await run(['resource-limits']);
      const [still] = (await findingsOf('&status=open')).filter((f) => f.id === reported?.id);
      expect(still?.first_seen).toBe(opened?.first_seen);
      expect(Date.parse(still?.last_seen ?? '')).toBeGreaterThan(Date.parse(opened?.last_seen ?? ''));
      // Fixed: requests and limits for every resource the agent checks.
      const amounts = { cpu: '100m', memory: '64Mi', 'ephemeral-storage': '1Gi' };
      await deploy(web({ requests: amounts, limits: amounts }));
      const third = await run(['resource-limits']);
      expect(third.findings.filter((f) => f.resource.name === 'lifecycle-web')).toEqual([]);
      const [resolved] = (await findingsOf('&status=resolved')).filter((f) => f.id === reported?.id);
      expect(resolved).toMatchObject({ status: 'resolved', first_seen: opened?.first_seen });
      expect(resolved?.resolved_at).toBeTruthy();
      expect((await findingsOf('&status=open')).some((f) => f.id === reported?.id)).toBe(false);
    });

    it('resolves nothing for a check the run skipped (cluster-scoped reads off)', async () => {
      let blind: TestPlatform | undefined;
      try {
        blind = await startPlatform({
          kubeconfig: await platformKubeconfig(suite.platform.namespace),
          env: { AGENTS_CLUSTER_SCOPED_READS: 'false' },
        });
        const { token } = await blind.platform.tokens.issue(
          randomUUID(),
          { superAdmin: false, orgs: { [teams]: 'org_owner' }, teams: {} },
          teams,
        );
        const viaBlind = { url: blind.url, token };
        await deploy(nowhere(NO_NODE));
        const check = 'scheduling/node-selector-matches-no-node';
        const seen = (await run(['scheduling'])).findings.find((f) => f.check === check);
        expect(seen?.resource.name).toBe('lifecycle-nowhere');
        const skippedRun = await run(['scheduling'], viaBlind);
        expect(skippedRun.skipped.find((skip) => skip.check === check)?.reason).toMatch(
          /AGENTS_CLUSTER_SCOPED_READS .*is off/,
        );
        expect(skippedRun.findings.some((f) => f.check === check)).toBe(false);
        const open = async () =>
          (await findingsOf('&status=open&agent=scheduling')).some((f) => f.id === seen?.id);
        expect(await open()).toBe(true);
        // Fixed, but run blind: still open, since the check did not run.
        await deploy(nowhere());
        await run(['scheduling'], viaBlind);
        expect(await open()).toBe(true);
        // The control: a run that reads Nodes resolves it.
        await run(['scheduling']);
        expect(await open()).toBe(false);
      } finally {
        await blind?.stop();
      }
    }, 120_000);

    it('says when the apiserver refuses the platform’s Node and StorageClass lists although the setting is on', async () => {
      // The platform's own binding (what the chart's agents.clusterScopedReads installs), taken away.
      const [role, binding] = platformClusterReads(suite.platform.namespace);
      const name = binding?.metadata?.name ?? '';
      const readable = (kind: 'Node' | 'StorageClass') =>
        suite.kube.list(resourceOf(kind)).then(
          () => true,
          (error: unknown) => {
            if ((error as { status?: number }).status === 403) return false;
            throw error;
          },
        );
      const reasons = async () =>
        Object.fromEntries(
          (await run(['scheduling', 'storage'])).skipped.map((skip) => [skip.check, skip.reason]),
        );
      // The control: with its binding, nothing is skipped.
      expect(await reasons()).toEqual({});
      try {
        await admin.delete(CLUSTER_ROLE_BINDING, name);
        await eventually('the platform to be refused Nodes', async () => !(await readable('Node')));
        const refused = await reasons();
        expect(Object.keys(refused).sort()).toEqual([
          'scheduling/node-selector-matches-no-node',
          'scheduling/requests-exceed-node-allocatable',
          'storage/multiple-default-storageclasses',
          'storage/pvc-storageclass-missing',
        ]);
        expect(refused['scheduling/node-selector-matches-no-node']).toMatch(
          /^Nodes are not readable: AGENTS_CLUSTER_SCOPED_READS is on, but the apiserver refused the platform’s list of nodes \(403 Forbidden\)/,
        );
        expect(refused['storage/pvc-storageclass-missing']).toMatch(
          /^StorageClasses are not readable: AGENTS_CLUSTER_SCOPED_READS is on, but the apiserver refused the platform’s list of storageclasses \(403 Forbidden\)/,
        );
        for (const reason of Object.values(refused)) expect(reason).not.toMatch(/is off|serviceaccount/i);
      } finally {
        if (role) await admin.apply(core.clusterRole, role, { fieldManager: 'guardian-test' });
        if (binding) await admin.apply(CLUSTER_ROLE_BINDING, binding, { fieldManager: 'guardian-test' });
      }
      await eventually('the platform to read Nodes again', async () => readable('Node'));
      expect(await reasons()).toEqual({});
    });

    it('resolves nothing of an agent that failed in the run', async () => {
      switchable = 'find';
      const found = await run(['test-switchable']);
      const [finding] = found.findings;
      expect(finding?.check).toBe('test-switchable/namespace-seen');
      const isOpen = async () =>
        (await findingsOf('&status=open&agent=test-switchable')).some((f) => f.id === finding?.id);
      switchable = 'fail';
      expect((await run(['test-switchable'])).status).toBe('failed');
      expect(await isOpen()).toBe(true);
      switchable = 'quiet';
      expect((await run(['test-switchable'])).status).toBe('succeeded');
      expect(await isOpen()).toBe(false);
      switchable = 'find';
    });

    it('lists runs newest first, page by page, and filters by environment', async () => {
      const first = await suite.call('GET', '/agents/runs?environment=lifecycle&limit=2', owner);
      const page = first.body as {
        runs: Array<{ run_id: string; created_at: string; environment: string }>;
        next_cursor: string | null;
      };
      expect(page.runs).toHaveLength(2);
      expect(page.next_cursor).not.toBeNull();
      const second = (
        await suite.call(
          'GET',
          `/agents/runs?environment=lifecycle&limit=2&cursor=${page.next_cursor}`,
          owner,
        )
      ).body as typeof page;
      const all = (await suite.call('GET', '/agents/runs?environment=lifecycle&limit=100', owner))
        .body as typeof page;
      expect([...page.runs, ...second.runs].map((r) => r.run_id)).toEqual(
        all.runs.slice(0, 4).map((r) => r.run_id),
      );
      const times = all.runs.map((r) => Date.parse(r.created_at));
      expect(times).toEqual([...times].sort((x, y) => y - x));
      expect(new Set(all.runs.map((r) => r.environment))).toEqual(new Set(['lifecycle']));
    });
  });

  it('records agent.run with who, which agents, the environment and the findings by severity', async () => {
    const { token, userId } = await suite.token(teams, 'org_owner');
    const run = runOf(
      await suite.call('POST', '/agents/runs', token, { environment: 'production', agents: ['probes'] }),
    );
    const audit = await suite.call('GET', '/audit?action=agent.run', owner);
    const entry = (
      audit.body as { entries: Array<{ actor: string; target: string; detail: Record<string, unknown> }> }
    ).entries.find((e) => e.target === run.run_id);
    expect(entry).toEqual(
      expect.objectContaining({
        actor: userId,
        detail: {
          environment: 'production',
          agents: ['probes'],
          status: 'succeeded',
          findings: run.summary,
          failed: [],
        },
      }),
    );
  });

  it('lists each environment with its namespace, workloads ready as the agent reads them, and open findings', async () => {
    const answer = await suite.call('GET', '/environments', owner);
    expect(answer.status).toBe(200);
    const environments = (
      answer.body as {
        environments: Array<{
          name: string;
          namespace: string;
          provisioned: boolean;
          workloads: { ready: number; total: number } | null;
          open_findings: Record<string, number>;
        }>;
      }
    ).environments;
    expect(environments.map((e) => [e.name, e.namespace, e.provisioned])).toEqual([
      ['production', `org-${teams}--production`, true],
      ['staging', `org-${teams}--staging`, true],
      ['lifecycle', `org-${teams}--lifecycle`, true],
    ]);
    const lifecycle = environments.find((e) => e.name === 'lifecycle');
    expect(lifecycle?.workloads?.total).toBe(2);
    const open = (await suite.call('GET', '/findings?environment=lifecycle&status=open&limit=1000', owner))
      .body as { findings: Tracked[] };
    const bySeverity = { critical: 0, high: 0, medium: 0, low: 0, info: 0 } as Record<string, number>;
    for (const finding of open.findings)
      bySeverity[finding.severity] = (bySeverity[finding.severity] ?? 0) + 1;
    expect(lifecycle?.open_findings).toEqual(bySeverity);
  });

  it('documents every agents route in /openapi.json', async () => {
    const document = (await (await fetch(`${suite.platform.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    };
    for (const [path, method] of [
      ['/agents', 'get'],
      ['/agents/runs', 'post'],
      ['/agents/runs', 'get'],
      ['/agents/runs/{run_id}', 'get'],
      ['/findings', 'get'],
      ['/environments', 'get'],
    ] as const) {
      expect(document.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining([
        'AgentRunCreated',
        'AgentRun',
        'Finding',
        'TrackedFinding',
        'Environment',
        'RunAgents',
      ]),
    );
  });
});
