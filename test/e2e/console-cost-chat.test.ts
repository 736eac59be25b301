// The console's cost and chat pages and the dashboard's onboarding checklist, in Chromium against a
// platform and an operator of the suite's own. carol owns a fresh organization on a plan with SSO:
// her checklist starts with every step to do and ticks them as the data arrives (a team and an
// invitation through the API, a cost run from the cost page, a workflow the chat starts), never
// from clicks; dismissed, it stays away. The cost page shows what the cost run stored, by
// environment, workload and team. The chat streams its answers, links to what it ran and started,
// refuses an unknown environment beside the field, and lists carol's sessions. Each page passes axe.
import { KINDS } from '@guardian/crds/kinds';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceOf } from '../../platform/src/agent-runs/snapshot-reader.ts';
import { container, deployment, podSpec } from '../../platform/src/agents/testing/manifests.ts';
import { inNamespace } from '../support/agents.ts';
import { consoleBrowser, type PageGlobals, type StorageState } from '../support/console-browser.ts';
import { adminClient, uniqueName } from '../support/kube.ts';
import { startOperatorInProcess } from '../support/operator.ts';
import { SUITE_LABEL, suiteSelector } from '../support/operator-suite.ts';
import { call, quotaPolicy } from '../support/platform.ts';
import { platformSuite } from '../support/platform-suite.ts';
import { stackEnv } from '../support/stack.ts';
import { deleteOrganizations, organizationReady } from '../support/tenancy.ts';
import { migratePlatformDatabase } from '../support/workflows.ts';

const SUITE = uniqueName('e2e-console-cc');
const labels = { [SUITE_LABEL]: SUITE };
const issuer = stackEnv('OIDC_ISSUER');
const org = uniqueName('e2e-cc');
const plan = {
  ...quotaPolicy(uniqueName('e2e-cc-plan'), { displayName: 'With SSO', features: { sso: true } }),
  metadata: { name: uniqueName('e2e-cc-plan'), labels },
};
const startup = {
  apiVersion: KINDS.organization.apiVersion,
  kind: 'Organization',
  metadata: { name: org, labels },
  spec: {
    displayName: 'StartupCo Console',
    plan: plan.metadata.name,
    environments: ['staging', 'production'],
    owners: [{ kind: 'User', name: 'carol@startupco.io' }],
  },
};

beforeAll(migratePlatformDatabase);
const api = platformSuite({ plans: [plan], organizations: [startup], smtp: true });
const { open, signIn, check } = consoleBrowser(() => api.url);
let operator: { stop(): Promise<void> } | undefined;

beforeAll(async () => {
  operator = await startOperatorInProcess({
    namespace: uniqueName('e2e-cc-op'),
    selector: suiteSelector(SUITE),
    // The operator binds the tenant database Secret's Role (runs and sessions live there) to this platform.
    env: { PLATFORM_NAMESPACE: api.namespace },
  });
  await organizationReady(org, 'True', 150_000);
}, 240_000);

afterAll(async () => {
  await deleteOrganizations(org);
  await operator?.stop();
}, 120_000);

async function tokenOf(page: Page): Promise<string> {
  const answer = await page.request.post(`${api.url}/auth/token`, { data: {} });
  expect(answer.status()).toBe(200);
  return ((await answer.json()) as { access_token: string }).access_token;
}
const asCarol = async (page: Page, method: string, path: string, body?: unknown) =>
  call(api.url, method, path, await tokenOf(page), body, { 'x-org-id': org });

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Organization pages' }).getByRole('link', { name });
const stepOf = (page: Page, label: string) =>
  page.getByRole('list', { name: 'Onboarding steps' }).getByRole('listitem').filter({ hasText: label });
async function stepsDone(page: Page): Promise<Record<string, boolean>> {
  const items = page.getByRole('list', { name: 'Onboarding steps' }).getByRole('listitem');
  const done: Record<string, boolean> = {};
  for (const item of await items.all()) {
    const label = (await item.locator('.list__title').textContent()) ?? '';
    done[label] = (await item.getByText('Done', { exact: true }).count()) === 1;
  }
  return done;
}

let carol: StorageState | undefined;
const production = `org-${org}--production`;

describe('the onboarding checklist and the cost page (Chromium)', () => {
  it('carol’s checklist starts empty; a team, an invitation and a cost run from the cost page tick it', async () => {
    const { page, context } = await open();
    await signIn(page, 'carol@startupco.io', org, issuer);
    await page.getByRole('heading', { level: 1, name: 'StartupCo Console' }).waitFor();
    await page.getByRole('list', { name: 'Onboarding steps' }).waitFor();
    carol = await context.storageState();
    expect(await stepsDone(page)).toEqual({
      'Run your first agents': false,
      'Invite your team': false,
      'Create a team': false,
      'Start a workflow': false,
      // The plan includes SSO, which the organization has not connected.
      'Connect SSO': false,
    });

    // Real data, made through the API: a team and an invitation.
    expect((await asCarol(page, 'POST', '/tenants/teams', { name: 'Payments' })).status).toBe(201);
    const invited = await asCarol(page, 'POST', '/tenants/invitations', { email: 'dana@startupco.io' });
    expect(invited.status).toBe(201);

    // A priced workload of the payments team in production, then the cost agents from the cost page.
    const resources = { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } };
    const checkout = deployment('checkout', podSpec({ containers: [container('app', { resources })] }), {
      spec: { replicas: 2 },
    });
    await adminClient().apply(
      resourceOf('Deployment'),
      inNamespace(
        {
          ...checkout,
          metadata: { ...checkout.metadata, labels: { 'guardian.aiops.dev/team': 'payments' } },
        },
        production,
      ),
      { fieldManager: 'guardian-test', force: true },
    );
    await nav(page, 'Cost').click();
    await page.getByRole('heading', { level: 1, name: 'Cost' }).waitFor();
    await page.getByText('No cost runs yet').waitFor();
    const form = page.getByRole('form', { name: 'Run cost agents' });
    await form.getByRole('combobox', { name: 'Environment' }).selectOption('production');
    await form.getByRole('button', { name: 'Run cost agents' }).click();
    await form
      .getByRole('status')
      .getByText(/^production costs .* a month$/)
      .waitFor({ timeout: 120_000 });

    // What the page shows is what the platform stored for the run.
    const environments = await asCarol(page, 'GET', '/environments');
    const priced = (
      environments.body as { environments: { name: string; cost: { run_id: string } | null }[] }
    ).environments.find((entry) => entry.name === 'production');
    expect(priced?.cost).not.toBeNull();
    const run = await asCarol(page, 'GET', `/agents/runs/${priced?.cost?.run_id}`);
    const cost = (
      run.body as {
        cost: {
          currency: string;
          monthly_total: number;
          by_workload: { kind: string; name: string; monthly: number }[];
          by_team: { team: string; monthly: number }[];
        };
      }
    ).cost;
    const dollars = (amount: number) =>
      new Intl.NumberFormat('en', { style: 'currency', currency: cost.currency }).format(amount);
    expect(cost.by_workload).toContainEqual(
      expect.objectContaining({ kind: 'Deployment', name: 'checkout' }),
    );
    const checkoutCost = cost.by_workload.find((w) => w.name === 'checkout')?.monthly ?? 0;
    expect(checkoutCost).toBeGreaterThan(0);
    expect(cost.by_team).toContainEqual({ team: 'payments', monthly: checkoutCost });

    const byEnvironment = page.getByRole('list', { name: 'Cost by environment' });
    await byEnvironment
      .getByRole('listitem')
      .filter({ hasText: 'production' })
      .getByText(dollars(cost.monthly_total))
      .waitFor();
    expect(
      await byEnvironment
        .getByRole('listitem')
        .filter({ hasText: 'staging' })
        .getByText('No cost run yet')
        .count(),
    ).toBe(1);
    const workloads = page.getByRole('list', { name: 'production cost by workload' });
    await workloads
      .getByRole('listitem')
      .filter({ hasText: 'Deployment checkout' })
      .getByText(dollars(checkoutCost))
      .waitFor();
    const teams = page.getByRole('list', { name: 'production cost by team' });
    expect(
      await teams
        .getByRole('listitem')
        .filter({ hasText: 'payments' })
        .getByText(dollars(checkoutCost))
        .count(),
    ).toBe(1);

    // The overview's checklist follows the data.
    await nav(page, 'Overview').click();
    await stepOf(page, 'Create a team').getByText('Done', { exact: true }).waitFor();
    expect(await stepsDone(page)).toEqual({
      'Run your first agents': true,
      'Invite your team': true,
      'Create a team': true,
      'Start a workflow': false,
      'Connect SSO': false,
    });
    await page.getByText('2 steps left').waitFor();
  }, 300_000);
});

describe('the chat page (Chromium)', () => {
  type Session = {
    session_id: string;
    messages: number;
    history: {
      role: string;
      content: string;
      actions: { type: string; run_id?: string; workflow_id?: string }[];
    }[];
  };

  it('streams carol’s security scan, links to its findings, starts a workflow and links to it, and lists her session', async () => {
    const { page } = await open(undefined, carol);
    await page.goto(`${api.url}/o/${org}`);
    await nav(page, 'Chat').click();
    await page.getByRole('heading', { level: 1, name: 'Chat' }).waitFor();
    await page.getByText('No sessions yet').waitFor();
    await page.getByText('Ask Guardian', { exact: true }).waitFor();
    const ask = page.getByRole('form', { name: 'Ask Guardian' });

    // An environment the organization lacks: the platform's refusal beside the field, no message stored.
    await ask.getByRole('textbox', { name: 'Message' }).fill('scan the sandbox environment');
    await ask.getByRole('button', { name: 'Send' }).click();
    await ask.getByText('names the environment sandbox, which this organization does not have').waitFor();
    expect(await ask.getByRole('textbox', { name: 'Message' }).getAttribute('aria-invalid')).toBe('true');
    // (The platform opens the session before it reads the message: it may be listed, with no messages.)
    const refused = (await asCarol(page, 'GET', '/chat/sessions')).body as { sessions: Session[] };
    expect(refused.sessions.filter((entry) => entry.messages > 0)).toEqual([]);

    // The scan streams: the request asks for server-sent events and the answer is one.
    await ask.getByRole('textbox', { name: 'Message' }).fill('run a security scan on production');
    const streamed = page.waitForResponse((response) => response.url().endsWith('/chat'));
    await ask.getByRole('button', { name: 'Send' }).click();
    const response = await streamed;
    expect(response.request().headers().accept).toBe('text/event-stream');
    expect(response.headers()['content-type']).toMatch(/^text\/event-stream/);
    const answer = page
      .getByRole('list', { name: 'Conversation' })
      .getByRole('listitem', { name: 'Guardian' });
    await answer.first().waitFor({ timeout: 120_000 });
    // Markdown as elements: the headline is bold text, not asterisks.
    await answer.first().locator('strong', { hasText: 'check of production complete' }).waitFor();
    expect(await answer.first().getByText('**').count()).toBe(0);

    // The session behind it: carol's, with her message, the answer and the run it made.
    const sessions = (await asCarol(page, 'GET', '/chat/sessions')).body as { sessions: Session[] };
    expect(sessions.sessions.map((s) => s.messages)).toEqual([2]);
    const id = sessions.sessions[0]?.session_id ?? '';
    const session = (await asCarol(page, 'GET', `/chat/sessions/${id}`)).body as Session;
    const runId = session.history[1]?.actions[0]?.run_id;
    expect(session.history.map((turn) => turn.role)).toEqual(['user', 'assistant']);
    const run = await asCarol(page, 'GET', `/agents/runs/${runId}`);
    expect(run.body).toMatchObject({ environment: 'production' });
    await page.getByRole('list', { name: 'Chat sessions' }).getByText('2 messages').waitFor();

    // Its link leads to the findings.
    await answer.first().getByRole('link', { name: 'See the findings of this run' }).click();
    await page.getByRole('heading', { level: 1, name: 'Findings' }).waitFor();

    // A workflow started from the chat, and its link.
    await nav(page, 'Chat').click();
    await page.getByRole('list', { name: 'Chat sessions' }).getByRole('button').first().click();
    await answer.first().waitFor();
    await ask.getByRole('textbox', { name: 'Message' }).fill('start security hardening on staging');
    await ask.getByRole('button', { name: 'Send' }).click();
    const link = page.getByRole('link', { name: /^Open workflow wf-/ });
    await link.waitFor({ timeout: 60_000 });
    const workflowId = ((await link.textContent()) ?? '').replace('Open workflow ', '');
    await link.click();
    await page.getByRole('heading', { level: 1, name: workflowId }).waitFor();
    const workflow = await asCarol(page, 'GET', `/workflows/${workflowId}`);
    expect(workflow.body).toMatchObject({ template: 'security_hardening_pipeline', environment: 'staging' });

    // The same session now holds four messages; the checklist counts the workflow.
    const after = (await asCarol(page, 'GET', `/chat/sessions/${id}`)).body as Session;
    expect(after.history.map((turn) => turn.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    await nav(page, 'Overview').click();
    await stepOf(page, 'Start a workflow').getByText('Done', { exact: true }).waitFor();
    carol = await page.context().storageState();
  }, 300_000);

  const screens = [
    {
      name: 'cost',
      session: () => carol,
      path: () => `/o/${org}/cost`,
      ready: (page: Page) => page.getByRole('list', { name: 'production cost by team' }),
    },
    {
      name: 'chat',
      session: () => carol,
      path: () => `/o/${org}/chat`,
      act: async (page: Page) => {
        await page.getByRole('list', { name: 'Chat sessions' }).getByRole('button').first().click();
      },
      ready: (page: Page) => page.getByRole('list', { name: 'Conversation' }).getByRole('link'),
    },
    {
      name: 'dashboard-onboarding',
      session: () => carol,
      path: () => `/o/${org}`,
      ready: (page: Page) => page.getByRole('list', { name: 'Onboarding steps' }),
    },
  ];
  for (const screen of screens) {
    it(
      `${screen.name}: passes axe and the CSP in light and dark, at 1280 and 390 pixels`,
      () => check(screen),
      180_000,
    );
  }

  it('lets carol dismiss the checklist: it stays away in this browser, and comes back in another', async () => {
    const { page, context } = await open(undefined, carol);
    await page.goto(`${api.url}/o/${org}`);
    await page.getByRole('list', { name: 'Onboarding steps' }).waitFor();
    await page.getByRole('button', { name: 'Dismiss the checklist' }).click();
    await page.getByRole('list', { name: 'Onboarding steps' }).waitFor({ state: 'detached' });
    const stored = await page.evaluate(() =>
      Object.keys((globalThis as unknown as PageGlobals).localStorage).filter((key) =>
        key.startsWith('guardian.onboarding-dismissed.'),
      ),
    );
    expect(stored).toEqual([expect.stringContaining(`.${org}.`)]);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'StartupCo Console' }).waitFor();
    await page.getByRole('heading', { name: 'Plan usage' }).waitFor();
    expect(await page.getByRole('list', { name: 'Onboarding steps' }).count()).toBe(0);
    await context.close();

    // A browser without the preference (the session alone) shows it again.
    const { page: other } = await open(undefined, { cookies: carol?.cookies ?? [], origins: [] });
    await other.goto(`${api.url}/o/${org}`);
    await other.getByRole('list', { name: 'Onboarding steps' }).waitFor();
  }, 120_000);
});
