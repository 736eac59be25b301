// The console's analytics page in Chromium: carol, owner of an organization on a plan with full
// analytics and of one on a basic plan, opens it from the navigation and reads what the ledger and
// the audit trail hold (the chart drawn, its figures in the table behind it, failed sign-ins),
// changes the range, and sees what the basic plan locks and which plan has it. The page passes axe
// and the CSP in every viewing, with screenshots.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../platform/src/audit/AuditLog.ts';
import { checkpointKey } from '../../platform/src/audit/hash.ts';
import { connect } from '../../platform/src/db.ts';
import { consume, currentPeriod } from '../../platform/src/quota/index.ts';
import { consoleBrowser, type StorageState } from '../support/console-browser.ts';
import { uniqueName } from '../support/kube.ts';
import { organization, quotaPolicy } from '../support/platform.ts';
import { platformSuite } from '../support/platform-suite.ts';
import { encryptionKey, stackEnv } from '../support/stack.ts';

const DAY_MS = 86_400_000;
const owners = [{ kind: 'User', name: 'carol@startupco.io' }];
const fullPlan = quotaPolicy(uniqueName('e2e-an-full'), {
  displayName: 'Full analytics',
  workflowsPerMonth: 50,
  features: { advancedAnalytics: 'full' },
});
const basicPlan = quotaPolicy(uniqueName('e2e-an-basic'), {
  displayName: 'Basic analytics',
  features: { advancedAnalytics: 'basic' },
});
const full = organization(uniqueName('e2e-an'), {
  displayName: 'Insights',
  plan: fullPlan.metadata.name,
  owners,
});
const basic = organization(uniqueName('e2e-an'), {
  displayName: 'Basics',
  plan: basicPlan.metadata.name,
  owners,
});

const api = platformSuite({ plans: [fullPlan, basicPlan], organizations: [full, basic] });
const { open, signIn, check } = consoleBrowser(() => api.url);
const db = connect(stackEnv('DATABASE_URL'), { max: 2 });
const sessions: Record<string, StorageState> = {};

/** What the chart's table says for a series: the sum over its rows. */
async function tableSum(page: Page, caption: string, column: number): Promise<number> {
  const rows = page
    .getByRole('table', { name: caption, includeHidden: true })
    .getByRole('row', { includeHidden: true });
  const texts = await rows.evaluateAll(
    (elements, index) =>
      elements
        .slice(1)
        .map(
          (row) =>
            (row as unknown as { cells: Array<{ textContent: string }> }).cells[index]?.textContent ?? '',
        ),
    column,
  );
  return texts.reduce((sum, text) => sum + (Number(text) || 0), 0);
}

beforeAll(async () => {
  // 60 days of use: a unit of cost-estimator a day, a workflow every other day, and a failed
  // sign-in on three of the last ten days.
  const id = full.metadata.name;
  const org = api.platform.directory.get(id);
  if (!org) throw new Error('the organization is not known');
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  for (let n = 59; n >= 0; n--) {
    const at = new Date(today - n * DAY_MS + 6 * 3_600_000);
    const period = currentPeriod(org, at).key;
    await consume(db, id, 'agent_executions', `${randomUUID()}:cost-estimator`, null, period, at);
    if (n % 2 === 0) await consume(db, id, 'workflows', randomUUID(), null, period, at);
    if (n === 1 || n === 4 || n === 8) {
      await new AuditLog({
        db,
        key: checkpointKey(Buffer.from(encryptionKey(), 'base64')),
        clock: {
          now: () => at.getTime(),
          setTimeout,
          clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
        },
      }).append({
        orgId: id,
        actor: 'anonymous',
        action: 'auth.login.failure',
        detail: { ip: '203.0.113.7' },
      });
    }
  }
});
afterAll(() => db.destroy());

describe('the analytics page (Chromium)', () => {
  it('shows carol usage over the range she picks, with charts, and her security events', async () => {
    const { context, page, watch } = await open();
    await signIn(page, 'carol@startupco.io', full.metadata.name, stackEnv('OIDC_ISSUER'));
    await page.waitForURL(`${api.url}/o/${full.metadata.name}`);
    await page
      .getByRole('navigation', { name: 'Organization pages' })
      .getByRole('link', { name: 'Analytics' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Analytics' }).waitFor();
    const chart = 'Agent units and workflows per period';
    await page.getByRole('figure', { name: chart }).locator('canvas').first().waitFor();
    // The last 30 days: 30 units, 15 workflows; three failed sign-ins.
    expect(await tableSum(page, chart, 1)).toBe(30);
    expect(await tableSum(page, chart, 2)).toBe(15);
    const security = page.getByRole('region', { name: 'Security' });
    expect(await security.getByRole('definition').first().innerText()).toBe('3');
    // 90 days, per week: all 60 units.
    await page.getByRole('combobox', { name: 'Range' }).selectOption({ label: 'Last 90 days' });
    await page.getByRole('combobox', { name: 'Per' }).selectOption('week');
    await expect.poll(() => tableSum(page, chart, 1)).toBe(60);
    // No cost agent ran (no tenant database here): the cost panel says so, and why.
    await page.getByRole('region', { name: 'Cost' }).getByText('No cost estimates in this range').waitFor();
    expect(watch).toEqual({ violations: [], errors: [] });
    sessions.carol = await context.storageState();
    await context.close();
  });

  it('shows what the basic plan locks, and which plan has it', async () => {
    const { context, page, watch } = await open(undefined, sessions.carol);
    await page.goto(`${api.url}/o/${basic.metadata.name}/analytics`);
    const cost = page.getByRole('region', { name: 'Cost' });
    await cost.getByText('Not on your plan').waitFor();
    const named = await cost.getByText(/Full analytics come with the .* plan\./).innerText();
    const plan = /with the (.*) plan\./.exec(named)?.[1];
    expect(
      api.platform.directory.allPlans().find((p) => p.metadata?.name === plan)?.spec?.features
        ?.advancedAnalytics,
    ).toBe('full');
    expect(await page.getByRole('region', { name: 'Usage' }).getByRole('figure').count()).toBe(1);
    expect(watch).toEqual({ violations: [], errors: [] });
    await context.close();
  });

  for (const [name, org] of [
    ['analytics', () => full.metadata.name],
    ['analytics-basic', () => basic.metadata.name],
  ] as const) {
    it(
      `${name}: passes axe and the CSP in light and dark, at 1280 and 390 pixels`,
      () =>
        check({
          name,
          session: () => sessions.carol,
          path: () => `/o/${org()}/analytics`,
          // Drawn: the chart library has loaded and painted the usage chart.
          ready: (page: Page) =>
            page
              .getByRole('figure', { name: 'Agent units and workflows per period' })
              .locator('canvas')
              .first(),
        }),
      180_000,
    );
  }
});
