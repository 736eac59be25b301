// The console's feature pages in Chromium against a platform and an operator of the suite's own.
// Workflows and approvals:
// bob (a member of techcorp by its identity provider's developers group) starts the cost pipeline
// on production from its template and sees it wait at its gate, with the platform's reason instead
// of an Approve button (and the API refuses him); alice (owner) approves it from her inbox in
// another browser, and bob's timeline completes. Agents and findings: a problem planted in
// production, alice runs the agents she may and sees it, then finds it among the findings with its
// remediation to copy and its history. Each page passes axe in every viewing.
import type { WorkflowApproval } from '@guardian/crds/generated';
import { KINDS } from '@guardian/crds/kinds';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceOf } from '../../platform/src/agent-runs/snapshot-reader.ts';
import { container, deployment, podSpec } from '../../platform/src/agents/testing/manifests.ts';
import { inNamespace } from '../support/agents.ts';
import { consoleBrowser, type StorageState } from '../support/console-browser.ts';
import { adminClient, uniqueName } from '../support/kube.ts';
import { startOperatorInProcess } from '../support/operator.ts';
import { SUITE_LABEL, suiteSelector } from '../support/operator-suite.ts';
import { call, createSsoSecret, quotaPolicy } from '../support/platform.ts';
import { platformSuite } from '../support/platform-suite.ts';
import { stackEnv } from '../support/stack.ts';
import { deleteOrganizations, organizationReady } from '../support/tenancy.ts';
import { migratePlatformDatabase, readRun, runEnded, runWhere } from '../support/workflows.ts';

const SUITE = uniqueName('e2e-console-wf');
const labels = { [SUITE_LABEL]: SUITE };
const issuer = stackEnv('OIDC_ISSUER_TECHCORP');
const org = uniqueName('e2e-wf');
const plan = {
  ...quotaPolicy(uniqueName('e2e-wf-plan'), { displayName: 'Workflows', features: { sso: true } }),
  metadata: { name: uniqueName('e2e-wf-plan'), labels },
};
const techcorp = {
  apiVersion: KINDS.organization.apiVersion,
  kind: 'Organization',
  metadata: { name: org, labels },
  spec: {
    displayName: 'TechCorp Workflows',
    plan: plan.metadata.name,
    environments: ['staging', 'production'],
    owners: [{ kind: 'User', name: 'alice@techcorp.com' }],
    sso: {
      issuer,
      clientId: stackEnv('OIDC_CLIENT_ID'),
      clientSecretRef: { name: 'sso-client' },
      groupRoles: [{ group: 'techcorp-developers', role: 'team_member' }],
    },
  },
};

beforeAll(migratePlatformDatabase);
const api = platformSuite({ plans: [plan], organizations: [techcorp] });
const { open, signIn, check } = consoleBrowser(() => api.url);
let operator: { stop(): Promise<void> } | undefined;

beforeAll(async () => {
  operator = await startOperatorInProcess({
    namespace: uniqueName('e2e-wf-op'),
    selector: suiteSelector(SUITE),
    // The operator binds the tenant database Secret's Role (findings live there) to this platform.
    env: { PLATFORM_NAMESPACE: api.namespace },
  });
  await organizationReady(org, 'True', 150_000);
  await createSsoSecret(org, 'sso-client', api.namespace);
}, 240_000);

afterAll(async () => {
  await deleteOrganizations(org);
  await operator?.stop();
}, 120_000);

type Approval = WorkflowApproval & { metadata?: { name?: string } };
const approvalsOf = async (run: string) =>
  (await adminClient().list<Approval>(KINDS.workflowApproval, { namespace: `org-${org}` })).items.filter(
    (approval) => approval.spec.workflowRun === run,
  );

/** The access token the console exchanged its session for, to call the API as the person. */
async function tokenOf(page: Page): Promise<string> {
  const answer = await page.request.post(`${api.url}/auth/token`, { data: {} });
  expect(answer.status()).toBe(200);
  return ((await answer.json()) as { access_token: string }).access_token;
}

const sessions: Record<string, StorageState> = {};
const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Organization pages' }).getByRole('link', { name });

describe('the workflow pages (Chromium)', () => {
  const runs: Record<string, string> = {};
  const step = (page: Page, name: string) =>
    page.getByRole('list', { name: 'Steps' }).getByRole('listitem', { name });

  it('bob starts the cost pipeline on production and sees it wait; alice approves it from her inbox; his timeline completes', async () => {
    const bob = await open();
    await signIn(bob.page, 'bob@techcorp.com', org, issuer);
    await bob.page.getByRole('heading', { level: 1, name: 'TechCorp Workflows' }).waitFor();
    await nav(bob.page, 'Workflows').click();
    await bob.page.getByRole('heading', { level: 1, name: 'Workflows' }).waitFor();
    await bob.page.getByText('No runs yet').waitFor();
    const form = bob.page.getByRole('form', { name: 'Start a workflow' });
    await form.getByRole('combobox', { name: 'Template' }).selectOption('cost_optimization_pipeline');
    await form.getByRole('combobox', { name: 'Environment' }).selectOption('production');
    // The template's parameters, with their defaults.
    expect(await form.getByRole('textbox').count()).toBeGreaterThan(0);
    await form.getByRole('button', { name: 'Start workflow' }).click();
    await bob.page.waitForURL((url) => url.pathname.startsWith(`/o/${org}/workflows/wf-cost`));
    const id = new URL(bob.page.url()).pathname.split('/').at(-1) ?? '';
    runs.cost = id;
    await bob.page.getByRole('heading', { level: 1, name: id }).waitFor();

    // The agents run, then the gate waits: bob sees who must decide and why he may not.
    await bob.page.getByRole('heading', { name: 'Approval needed' }).waitFor({ timeout: 150_000 });
    await bob.page
      .getByText('1 more approval needed, from a team lead of the run’s team, or an admin')
      .waitFor();
    await bob.page.getByText('The requester never approves their own run').waitFor();
    expect(await bob.page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    expect(await step(bob.page, 'cost').getByText('Succeeded', { exact: true }).count()).toBe(1);
    expect(await step(bob.page, 'approval').getByText('Awaiting approval', { exact: true }).count()).toBe(1);
    expect((await readRun(org, id)).status?.phase).toBe('AwaitingApproval');

    // The API refuses him too, and records nothing.
    const token = await tokenOf(bob.page);
    const refused = await call(api.url, 'POST', `/workflows/${id}/approve`, token, {}, { 'x-org-id': org });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await approvalsOf(id)).toEqual([]);
    sessions.bob = await bob.context.storageState();

    // alice, in another browser: her inbox lists the gate; she approves with a comment.
    const alice = await open();
    await signIn(alice.page, 'alice@techcorp.com', org, issuer);
    await alice.page.getByRole('heading', { level: 1, name: 'TechCorp Workflows' }).waitFor();
    await nav(alice.page, 'Approvals').click();
    await alice.page
      .getByRole('list', { name: 'Approvals' })
      .getByRole('link', { name: new RegExp(id) })
      .click();
    await alice.page.getByRole('heading', { name: 'Approval needed' }).waitFor();
    expect(await alice.page.getByText('The requester never approves their own run').count()).toBe(0);
    await alice.page.getByRole('textbox', { name: 'Comment' }).fill('Rightsizing production is fine');
    await alice.page.getByRole('button', { name: 'Approve' }).click();
    sessions.alice = await alice.context.storageState();

    // bob's page follows the run to its end, without a reload.
    await bob.page
      .getByRole('heading', { name: 'Approval needed' })
      .waitFor({ state: 'detached', timeout: 60_000 });
    await step(bob.page, 'rightsizing').getByText('Succeeded', { exact: true }).waitFor({ timeout: 120_000 });
    await bob.page
      .getByRole('status', { name: 'Run phase' })
      .getByText('Succeeded', { exact: true })
      .waitFor();
    const done = await runEnded(org, id, 60_000);
    expect(done.status?.phase).toBe('Succeeded');
    expect(done.status?.steps?.map((entry) => entry.phase)).toEqual([
      'Succeeded',
      'Succeeded',
      'Succeeded',
      'Succeeded',
    ]);
    const [decision] = await approvalsOf(id);
    expect(decision).toMatchObject({
      spec: { decision: 'approve', comment: 'Rightsizing production is fine' },
      status: { accepted: true },
    });
    const me = await call(api.url, 'GET', '/auth/me', await tokenOf(alice.page), undefined, {
      'x-org-id': org,
    });
    expect(decision?.spec.user).toBe(`guardian:${(me.body as { user: { id: string } }).user.id}`);
  }, 420_000);

  it('shows a refused revert as the platform says it (a member may not revert)', async () => {
    const bob = await open(undefined, sessions.bob);
    await bob.page.goto(`${api.url}/o/${org}/workflows/${runs.cost}`);
    await bob.page.getByRole('button', { name: 'Revert' }).click();
    await bob.page
      .getByRole('alert')
      .getByText('Your role (team_member) does not grant workflows:approve')
      .waitFor();

    // A second run, to wait at its gate while the pages are checked, then be cancelled.
    const started = await call(
      api.url,
      'POST',
      '/workflows/start',
      await tokenOf(bob.page),
      { workflow_type: 'cost_optimization_pipeline', environment: 'production' },
      { 'x-org-id': org },
    );
    expect(started.status).toBe(201);
    runs.waiting = (started.body as { workflow_id: string }).workflow_id;
    await runWhere(
      org,
      runs.waiting,
      'AwaitingApproval',
      (run) => run.status?.phase === 'AwaitingApproval',
      150_000,
    );
  }, 240_000);

  const screens = [
    {
      name: 'workflows',
      session: () => sessions.bob,
      path: () => `/o/${org}/workflows`,
      ready: (page: Page) => page.getByRole('list', { name: 'Workflow runs' }),
    },
    {
      name: 'workflow-succeeded',
      session: () => sessions.bob,
      path: () => `/o/${org}/workflows/${runs.cost}`,
      ready: (page: Page) => step(page, 'rightsizing'),
    },
    {
      name: 'workflow-awaiting-requester',
      session: () => sessions.bob,
      path: () => `/o/${org}/workflows/${runs.waiting}`,
      ready: (page: Page) => page.getByText('The requester never approves their own run'),
    },
    {
      name: 'workflow-awaiting-approver',
      session: () => sessions.alice,
      path: () => `/o/${org}/workflows/${runs.waiting}`,
      ready: (page: Page) => page.getByRole('button', { name: 'Approve' }),
    },
    {
      name: 'approvals',
      session: () => sessions.alice,
      path: () => `/o/${org}/approvals`,
      ready: (page: Page) => page.getByRole('list', { name: 'Approvals' }),
    },
  ];
  for (const screen of screens) {
    it(
      `${screen.name}: passes axe and the CSP in light and dark, at 1280 and 390 pixels`,
      () => check(screen),
      180_000,
    );
  }

  it('lets alice cancel the waiting run; her inbox is empty again', async () => {
    const alice = await open(undefined, sessions.alice);
    await alice.page.goto(`${api.url}/o/${org}/workflows/${runs.waiting}`);
    await alice.page.getByRole('button', { name: 'Approve' }).waitFor();
    expect(await alice.page.getByRole('button', { name: 'Reject' }).count()).toBe(1);
    await alice.page.getByRole('button', { name: 'Cancel run' }).click();
    await alice.page
      .getByRole('status', { name: 'Run phase' })
      .getByText('Cancelled', { exact: true })
      .waitFor({ timeout: 60_000 });
    expect((await runEnded(org, runs.waiting ?? '', 60_000)).status?.phase).toBe('Cancelled');
    await nav(alice.page, 'Approvals').click();
    await alice.page.getByText('Nothing to decide').waitFor();
  }, 120_000);

  it(
    'approvals-empty: passes axe and the CSP in light and dark, at 1280 and 390 pixels',
    () =>
      check({
        name: 'approvals-empty',
        session: () => sessions.alice,
        path: () => `/o/${org}/approvals`,
        ready: (page: Page) => page.getByText('Nothing to decide'),
      }),
    180_000,
  );
});

describe('the agents and findings pages (Chromium)', () => {
  const namespace = () => `org-${org}--production`;
  type Tracked = {
    id: string;
    check: string;
    remediation: string;
    status: string;
    resource: { name: string };
  };

  it('a problem planted in production: alice runs the agents, sees it, and finds it among the findings', async () => {
    // A Deployment without resource limits.
    await adminClient().apply(
      resourceOf('Deployment'),
      inNamespace(deployment('checkout', podSpec({ containers: [container('app')] })), namespace()),
      { fieldManager: 'guardian-test', force: true },
    );
    const alice = await open(undefined, sessions.alice);
    await alice.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: api.url });
    await alice.page.goto(`${api.url}/o/${org}`);
    await nav(alice.page, 'Agents').click();
    await alice.page.getByRole('heading', { level: 1, name: 'Agents' }).waitFor();
    const token = await tokenOf(alice.page);
    const catalog = await call(api.url, 'GET', '/agents', token, undefined, { 'x-org-id': org });
    const allowed = (catalog.body as { agents: { allowed: boolean }[] }).agents.filter((a) => a.allowed);
    await alice.page.getByRole('list', { name: 'security agents' }).waitFor();
    expect(await alice.page.getByText('You may run', { exact: true }).count()).toBe(allowed.length);

    const form = alice.page.getByRole('form', { name: 'Run agents' });
    await form.getByRole('combobox', { name: 'Environment' }).selectOption('production');
    await form.getByRole('button', { name: 'Run agents' }).click();
    await form
      .getByRole('status')
      .getByText(/findings in production/)
      .waitFor({ timeout: 120_000 });
    const planted = form
      .getByRole('list', { name: 'Findings of this run' })
      .getByRole('listitem')
      .filter({ hasText: `Deployment ${namespace()}/checkout · resource-limits/cpu-limit-missing` });
    await planted.waitFor();

    // The findings page, filtered to the agent and open ones: the same finding, with its history.
    await form.getByRole('link', { name: 'All findings' }).click();
    await alice.page.getByRole('heading', { level: 1, name: 'Findings' }).waitFor();
    await alice.page.getByRole('combobox', { name: 'Agent' }).selectOption('resource-limits');
    await alice.page.getByRole('combobox', { name: 'Status' }).selectOption('open');
    await alice.page.getByRole('combobox', { name: 'Environment' }).selectOption('production');
    const listed = alice.page
      .getByRole('list', { name: 'Findings' })
      .getByRole('listitem')
      .filter({ hasText: `Deployment ${namespace()}/checkout · resource-limits/cpu-limit-missing` });
    await listed.getByText(/Open in production: first seen/).waitFor();
    await listed.getByRole('button', { name: 'Copy remediation' }).click();
    await listed.getByRole('button', { name: 'Copied' }).waitFor();
    const copied = await alice.page.evaluate(() =>
      (
        globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
      ).navigator.clipboard.readText(),
    );
    // What the API tracks: the finding is open, and its remediation is what was copied.
    const answer = await call(
      api.url,
      'GET',
      '/findings?environment=production&agent=resource-limits&status=open',
      token,
      undefined,
      {
        'x-org-id': org,
      },
    );
    const tracked = (answer.body as { findings: Tracked[] }).findings.find(
      (finding) =>
        finding.check === 'resource-limits/cpu-limit-missing' && finding.resource.name === 'checkout',
    );
    expect(tracked?.status).toBe('open');
    expect(copied).toBe(tracked?.remediation);
    // Another filter leaves it out.
    await alice.page.getByRole('combobox', { name: 'Status' }).selectOption('resolved');
    await alice.page.getByText('No findings').waitFor();
  }, 240_000);

  it('shows bob, whose teams allow no agent, the catalog without "You may run", as the API says', async () => {
    const bob = await open(undefined, sessions.bob);
    await bob.page.goto(`${api.url}/o/${org}/agents`);
    await bob.page.getByRole('list', { name: 'security agents' }).waitFor();
    const catalog = await call(api.url, 'GET', '/agents', await tokenOf(bob.page), undefined, {
      'x-org-id': org,
    });
    const allowed = (catalog.body as { agents: { allowed: boolean }[] }).agents.filter((a) => a.allowed);
    expect(await bob.page.getByText('You may run', { exact: true }).count()).toBe(allowed.length);
    if (allowed.length === 0) {
      await bob.page.getByText('Your teams allow no agent here').waitFor();
      expect(await bob.page.getByRole('button', { name: 'Run agents' }).isDisabled()).toBe(true);
    }
  });

  const screens = [
    {
      name: 'agents',
      session: () => sessions.alice,
      path: () => `/o/${org}/agents`,
      ready: (page: Page) => page.getByRole('list', { name: 'security agents' }),
    },
    {
      name: 'findings',
      session: () => sessions.alice,
      path: () => `/o/${org}/findings`,
      ready: (page: Page) => page.getByRole('list', { name: 'Findings' }),
    },
  ];
  for (const screen of screens) {
    it(
      `${screen.name}: passes axe and the CSP in light and dark, at 1280 and 390 pixels`,
      () => check(screen),
      180_000,
    );
  }
});
