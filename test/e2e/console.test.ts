// The web console in Debian's Chromium (playwright-core), served by the platform on the test
// stack: real SSO logins through the development identity provider, what each dashboard shows,
// where the access token is kept (in memory only), the Content-Security-Policy it runs under, the
// designed error states, an axe scan and screenshots of every page, light and dark, 1280 and 390
// pixels wide (under .stack/test/artifacts/console/).
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../../platform/src/http/console.ts';
import { createDemoMemberships, demoTeams } from '../../scripts/demo-orgs.ts';
import {
  consoleBrowser,
  type PageGlobals,
  type Screen,
  type StorageState,
} from '../support/console-browser.ts';
import { uniqueName } from '../support/kube.ts';
import { organization, quotaPolicy } from '../support/platform.ts';
import { platformSuite } from '../support/platform-suite.ts';
import { stackEnv } from '../support/stack.ts';

const issuers = { default: stackEnv('OIDC_ISSUER'), techcorp: stackEnv('OIDC_ISSUER_TECHCORP') };

describe('the web console (Chromium)', () => {
  const enterprise = quotaPolicy(uniqueName('e2e-enterprise'), {
    displayName: 'Enterprise',
    features: { sso: true },
    agentExecutionsPerMonth: 100_000,
    workflowsPerMonth: 5000,
    storageGiB: 500,
    apiCallsPerHour: 10_000,
    teamMembers: 100,
  });
  const starter = quotaPolicy(uniqueName('e2e-starter'), {
    displayName: 'Starter',
    agentExecutionsPerMonth: 1000,
    workflowsPerMonth: 50,
    storageGiB: 5,
    apiCallsPerHour: 1000,
    teamMembers: 5,
  });
  // Two API calls an hour: the dashboard's third is refused, for real.
  const tight = quotaPolicy(uniqueName('e2e-tight'), { displayName: 'Tight', apiCallsPerHour: 2 });
  const tech = organization(uniqueName('e2e-tech'), {
    displayName: 'TechCorp Enterprise',
    plan: enterprise.metadata.name,
    owners: [{ kind: 'User', name: 'alice@techcorp.com' }],
    sso: {
      issuer: issuers.techcorp,
      clientId: stackEnv('OIDC_CLIENT_ID'),
      clientSecretRef: { name: 'sso-client' },
    },
  });
  const startup = organization(uniqueName('e2e-startup'), {
    displayName: 'StartupCo',
    plan: starter.metadata.name,
    owners: [{ kind: 'User', name: 'carol@startupco.io' }],
  });
  // Named to sort after startup: a token asked for no organization acts in a person's first, and
  // its calls (the console's /auth/me, say) would count against this one's two an hour.
  const labs = organization(uniqueName('e2e-trial'), {
    displayName: 'StartupCo Labs',
    plan: tight.metadata.name,
    owners: [{ kind: 'User', name: 'carol@startupco.io' }],
  });
  const api = platformSuite({
    plans: [enterprise, starter, tight],
    organizations: [tech, startup, labs],
    teams: demoTeams(startup.metadata.name),
    controlNamespaces: [startup.metadata.name],
    ssoSecrets: [tech.metadata.name],
  });

  const { open, signIn, check } = consoleBrowser(() => api.url);
  const sessions: Record<string, StorageState> = {};
  beforeAll(async () => {
    // dana (read_only), erin and frank (of the Team platform), as `make dev` makes them in startupco.
    await createDemoMemberships(stackEnv('DATABASE_URL'), issuers.default, startup.metadata.name);
  });

  const dashboard = (page: Page, name: string) => page.getByRole('heading', { level: 1, name });
  const meter = (page: Page, name: string) => page.getByRole('meter', { name });

  it('signs alice in through techcorp’s own identity provider, to her organization’s dashboard', async () => {
    const { context, page, watch } = await open();
    const exchanged = page.waitForResponse((r) => r.url().endsWith('/auth/token') && r.status() === 200);
    const usage = page.waitForRequest((r) => new URL(r.url()).pathname === '/usage');
    await signIn(page, 'alice@techcorp.com', tech.metadata.name, issuers.techcorp);
    await page.waitForURL(`${api.url}/o/${tech.metadata.name}`);
    await dashboard(page, 'TechCorp Enterprise').waitFor();
    await expect.poll(() => page.getByText('You are Owner').count()).toBe(1);
    expect(
      await page.getByText(`${enterprise.metadata.name.replace(/^./, (c) => c.toUpperCase())} plan`).count(),
    ).toBe(1);
    await meter(page, 'Agent units').waitFor();
    expect(await meter(page, 'Agent units').getAttribute('aria-valuetext')).toBe(
      '0 of 100,000 used this month',
    );
    expect(await meter(page, 'Workflows').getAttribute('aria-valuetext')).toBe('0 of 5,000 used this month');
    expect(await meter(page, 'Seats').getAttribute('aria-valuetext')).toMatch(/ of 100 used$/);
    expect(await meter(page, 'API calls').getAttribute('aria-valuetext')).toMatch(
      / of 10,000 used this hour$/,
    );
    // Her organization has no team yet: the empty state says what teams are for.
    await page.getByText('No teams yet').waitFor();
    expect(await page.getByRole('list', { name: 'Members' }).getByText('alice@techcorp.com').count()).toBe(1);

    // The token works (the API calls carry it) and is kept nowhere but in memory.
    const token = ((await (await exchanged).json()) as { access_token: string }).access_token;
    expect((await usage).headers().authorization).toBe(`Bearer ${token}`);
    expect((await usage).headers()['x-org-id']).toBe(tech.metadata.name);
    const stored = await page.evaluate(async () => {
      const { localStorage, sessionStorage, indexedDB, caches, document } =
        globalThis as unknown as PageGlobals;
      return {
        local: Object.entries(localStorage),
        session: Object.entries(sessionStorage),
        indexedDb: (await indexedDB.databases()).map((database) => database.name),
        caches: await caches.keys(),
        cookies: document.cookie,
      };
    });
    expect(stored).toMatchObject({ local: [], session: [], indexedDb: [], caches: [] });
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored.cookies).not.toContain('guardian_session');
    // The session is the browser's HttpOnly cookie: no script of the page can read it either.
    const cookies = (await context.cookies(api.url))
      .filter(({ name }) => name.startsWith('guardian_'))
      .map(({ name, httpOnly }) => ({ name, httpOnly }));
    expect(cookies).toEqual([{ name: 'guardian_session', httpOnly: true }]);
    expect(watch).toEqual({ violations: [], errors: [] });
    sessions.alice = await context.storageState();
    await context.close();
  });

  it('signs carol in through the default identity provider, to StartupCo with its people and team', async () => {
    const { context, page, watch } = await open();
    await signIn(page, 'carol@startupco.io', startup.metadata.name, issuers.default);
    await page.waitForURL(`${api.url}/o/${startup.metadata.name}`);
    await dashboard(page, 'StartupCo').waitFor();
    await page.getByText('You are Owner').waitFor();
    await meter(page, 'Seats').waitFor();
    // dana, erin and frank hold seats; carol owns it through spec.owners.
    expect(await meter(page, 'Seats').getAttribute('aria-valuetext')).toBe('3 of 5 used');
    // No tenant database in this test (no operator runs): storage is shown as not measured, with why.
    expect(await page.getByRole('heading', { name: 'Storage' }).count()).toBe(1);
    expect(await meter(page, 'Storage').count()).toBe(0);
    await page.getByText('of 5 GiB').waitFor();
    const members = page.getByRole('list', { name: 'Members' }).getByRole('listitem');
    await expect.poll(() => members.count()).toBe(4);
    expect((await members.allInnerTexts()).map((text) => text.split('\n').at(-1))).toEqual([
      'Owner',
      'Team lead',
      'Member',
      'Read-only',
    ]);
    const team = page.getByRole('list', { name: 'Teams' }).getByRole('listitem');
    await expect.poll(() => team.count()).toBe(1);
    expect(await team.innerText()).toMatch(/Platform[\s\S]*2 members[\s\S]*1 lead/);
    expect(watch).toEqual({ violations: [], errors: [] });
    sessions.carol = await context.storageState();
    await context.close();
  });

  it('signs dana in as read-only: the same dashboard, her role said', async () => {
    const { context, page, watch } = await open();
    await signIn(page, 'dana@startupco.io', startup.metadata.name, issuers.default);
    await dashboard(page, 'StartupCo').waitFor();
    await page.getByText('You are Read-only').waitFor();
    await meter(page, 'Seats').waitFor();
    expect(await page.getByRole('list', { name: 'Members' }).getByText('Dana Reviewer').count()).toBe(1);
    expect(watch).toEqual({ violations: [], errors: [] });
    sessions.dana = await context.storageState();
    await context.close();
  });

  it('lets carol, in two organizations, choose and switch between them', async () => {
    const { context, page, watch } = await open();
    await signIn(page, 'carol@startupco.io', undefined, issuers.default);
    await page.getByRole('heading', { level: 1, name: 'Choose an organization' }).waitFor();
    const choices = page.getByRole('list', { name: 'Organizations' }).getByRole('link');
    expect((await choices.allInnerTexts()).map((text) => text.split('\n')[0]).sort()).toEqual([
      'StartupCo',
      'StartupCo Labs',
    ]);
    await choices.filter({ hasText: startup.metadata.name }).click();
    await dashboard(page, 'StartupCo').waitFor();
    const switcher = page.getByRole('combobox', { name: 'Organization' });
    expect(await switcher.inputValue()).toBe(startup.metadata.name);
    await switcher.selectOption(labs.metadata.name);
    await page.waitForURL(`${api.url}/o/${labs.metadata.name}`);
    // Labs allows two API calls an hour: the dashboard's others are refused, and said so.
    await page.getByRole('heading', { name: 'Too many requests for now' }).waitFor();
    expect(await page.getByText(/Trying again in \d+:\d\d/).count()).toBe(1);
    expect(watch).toEqual({ violations: [], errors: [] });
    sessions.carolEverywhere = await context.storageState();
    await context.close();
  });

  it('tells carol she has no access to another organization (403), and lets a super admin open any', async () => {
    const carol = await open(undefined, sessions.carol);
    await carol.page.goto(`${api.url}/o/${tech.metadata.name}`);
    await carol.page
      .getByRole('heading', { name: `You don’t have access to ${tech.metadata.name}` })
      .waitFor();
    await carol.context.close();

    const root = await open();
    await signIn(root.page, 'root@guardian.local', undefined, issuers.default);
    await root.page.goto(`${api.url}/o/${tech.metadata.name}`);
    await dashboard(root.page, 'TechCorp Enterprise').waitFor();
    await root.page.getByText('You are a super admin').waitFor();
    expect(root.watch).toEqual({ violations: [], errors: [] });
    await root.context.close();
  });

  it('refuses an unknown organization beside the field, before leaving for an identity provider', async () => {
    const { context, page } = await open();
    await page.goto(`${api.url}/login`);
    const field = page.getByRole('textbox', { name: 'Organization' });
    await field.fill('Tech Corp');
    await page.getByRole('button', { name: 'Sign in with SSO' }).click();
    await page.getByText('Use the organization’s ID: lowercase letters, digits and hyphens').waitFor();
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    await field.fill('no-such-org-e2e');
    await page.getByRole('button', { name: 'Sign in with SSO' }).click();
    await page.getByText('There is no organization “no-such-org-e2e”').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    await context.close();
  });

  it('signs erin out server-side: the old session is refused, and the console asks to sign in again', async () => {
    const { context, page } = await open();
    await signIn(page, 'erin@startupco.io', startup.metadata.name, issuers.default);
    await dashboard(page, 'StartupCo').waitFor();
    await page.getByText('You are Member').waitFor();
    const cookie = (await context.cookies(api.url)).find((c) => c.name === 'guardian_session')?.value;
    expect(
      (await fetch(`${api.url}/auth/me`, { headers: { cookie: `guardian_session=${cookie}` } })).status,
    ).toBe(200);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    expect(
      (await fetch(`${api.url}/auth/me`, { headers: { cookie: `guardian_session=${cookie}` } })).status,
    ).toBe(401);
    await page.goto(`${api.url}/o/${startup.metadata.name}`);
    await page.waitForURL((url) => url.pathname === '/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe(`/o/${startup.metadata.name}`);
    expect(await page.getByRole('textbox', { name: 'Organization' }).inputValue()).toBe(
      startup.metadata.name,
    );
    await context.close();
  });

  it('serves the built console by the rules: pages no-cache under the CSP, assets immutable, the API its own', async () => {
    const page = await fetch(`${api.url}/o/${startup.metadata.name}`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=/);
    const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${api.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    for (const path of ['/no/such/route', '/tenants/nothing', '/assets/missing.js']) {
      const missing = await fetch(`${api.url}${path}`, { headers: { accept: 'text/html' } });
      expect(missing.status, path).toBe(404);
      expect(missing.headers.get('content-type'), path).toBe('application/problem+json');
    }
    const apiWins = await fetch(`${api.url}/auth/me`, { headers: { accept: 'text/html' } });
    expect(apiWins.status).toBe(401);
    expect(apiWins.headers.get('content-type')).toBe('application/problem+json');
  });

  // Every page and state, in every viewing: an axe scan (no serious or critical violation), no CSP
  // violation, and a screenshot to judge the design by.
  const PAGES: Screen[] = [
    {
      name: 'login',
      path: () => `/login?org=${startup.metadata.name}`,
      ready: (page) => page.getByRole('heading', { name: 'Sign in to Guardian' }),
    },
    {
      name: 'login-refused',
      path: () => '/login',
      act: async (page) => {
        await page.getByRole('textbox', { name: 'Organization' }).fill('no-such-org-e2e');
        await page.getByRole('button', { name: 'Sign in with SSO' }).click();
      },
      ready: (page) => page.getByText('There is no organization “no-such-org-e2e”'),
    },
    {
      name: 'dashboard',
      session: () => sessions.carol,
      path: () => `/o/${startup.metadata.name}`,
      ready: (page) => page.getByRole('list', { name: 'Teams' }),
    },
    {
      name: 'dashboard-read-only',
      session: () => sessions.dana,
      path: () => `/o/${startup.metadata.name}`,
      ready: (page) => page.getByRole('list', { name: 'Members' }),
    },
    {
      name: 'dashboard-no-teams',
      session: () => sessions.alice,
      path: () => `/o/${tech.metadata.name}`,
      ready: (page) => page.getByText('No teams yet'),
    },
    {
      name: 'organizations',
      session: () => sessions.carolEverywhere,
      path: () => '/',
      ready: (page) => page.getByRole('list', { name: 'Organizations' }),
    },
    {
      name: 'forbidden',
      session: () => sessions.carol,
      path: () => `/o/${tech.metadata.name}`,
      ready: (page) => page.getByRole('heading', { name: /You don’t have access/ }),
    },
    {
      name: 'rate-limited',
      session: () => sessions.carolEverywhere,
      path: () => `/o/${labs.metadata.name}`,
      ready: (page) => page.getByRole('heading', { name: 'Too many requests for now' }),
    },
    {
      name: 'offline',
      session: () => sessions.carol,
      path: () => `/o/${startup.metadata.name}`,
      // The network fails under the console once it has started (the shell and its token loaded).
      prepare: async (page) => {
        await page.route(/\/(usage|tenants\/.*)$/, (route) => route.abort('internetdisconnected'));
      },
      ready: (page) => page.getByRole('heading', { name: 'Can’t reach Guardian' }),
    },
    {
      name: 'session-ended',
      session: () => sessions.carol,
      path: () => `/o/${startup.metadata.name}`,
      // The session ends while the page is open: the first exchange succeeds, then the API and a
      // renewal refuse, as they do once a session expired or was revoked.
      prepare: async (page) => {
        const unauthorized = (detail: string) => ({
          status: 401,
          contentType: 'application/problem+json',
          body: JSON.stringify({ type: 'about:blank', title: 'Unauthorized', status: 401, detail }),
        });
        let exchanges = 0;
        await page.route('**/auth/token', (route) =>
          exchanges++ === 0 ? route.continue() : route.fulfill(unauthorized('No session')),
        );
        await page.route(/\/usage$/, (route) => route.fulfill(unauthorized('The token has expired')));
      },
      ready: (page) => page.getByRole('heading', { name: 'Your session has ended' }),
    },
    {
      name: 'not-found',
      session: () => sessions.carol,
      path: () => '/admin',
      ready: (page) => page.getByRole('heading', { name: 'Page not found' }),
    },
  ];

  for (const screen of PAGES) {
    it(
      `${screen.name}: passes axe and the CSP in light and dark, at 1280 and 390 pixels`,
      () => check(screen),
      180_000,
    );
  }
});
