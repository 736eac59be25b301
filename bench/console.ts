// `make bench` (console): the JavaScript the console's first page loads (its entry and what that
// preloads), gzip, against the budget of 180 KB, and the dashboard's time to interactive in
// Chromium on the bench stack (.stack/bench), as a ratio to a static page of the same size served
// by the same platform in the same run.
//
// Time to interactive here: from the navigation's start until the dashboard shows its data (the
// plan's meters, the members and the teams), as a person can use it; each load in a new browser
// profile (nothing cached), signed in, so it includes the token exchange and the API calls. The
// static page loads the same bytes (its HTML, the stylesheet, a script as large as the initial
// JavaScript) and is interactive at its load event. Results go to bench/results/console.json.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { installManifests } from '@guardian/crds/install';
import { KubeClient } from '@guardian/kube/client';
import { loadClusterAccess } from '@guardian/kube/kubeconfig';
import type { BrowserContext, Page } from 'playwright-core';
import { up } from '../scripts/stack/index.ts';
import { Stack } from '../scripts/stack/stack.ts';
import { percentile, ratio, report } from './report.ts';

const BUDGET_KB = 180;
const RUNS = Number(process.env.BENCH_CONSOLE_RUNS ?? 15);
const WEB = resolve(import.meta.dirname, '../web');
const DIST = join(WEB, 'dist');
const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;
const gzipped = (file: string) => gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length;

// --- The initial JavaScript --------------------------------------------------------------------
console.log('[bench] building the console');
execFileSync(
  process.execPath,
  [resolve(WEB, '../node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
  {
    cwd: WEB,
    stdio: 'inherit',
  },
);
const indexHtml = readFileSync(join(DIST, 'index.html'), 'utf8');
const initial = [
  ...indexHtml.matchAll(
    /<script[^>]*\bsrc="\/([^"]+\.js)"|<link[^>]*rel="modulepreload"[^>]*href="\/([^"]+)"/g,
  ),
].map((match) => match[1] ?? match[2] ?? '');
const stylesheet = /<link rel="stylesheet"[^>]*href="\/([^"]+\.css)"/.exec(indexHtml)?.[1];
if (initial.length === 0 || !stylesheet)
  throw new Error('bench: web/dist/index.html names no script or stylesheet');
const initialGzip = initial.reduce((sum, file) => sum + gzipped(file), 0);
const initialRaw = initial.reduce((sum, file) => sum + readFileSync(join(DIST, file)).length, 0);
const lazy = readdirSync(join(DIST, 'assets'))
  .filter((file) => file.endsWith('.js') && !initial.includes(`assets/${file}`))
  .map((file) => ({ file, gzipKb: kb(gzipped(`assets/${file}`)) }))
  .sort((a, b) => b.gzipKb - a.gzipKb);

// The static page of the same size, beside the console's files in a copy the platform serves.
const consoleDir = mkdtempSync(join(tmpdir(), 'guardian-bench-console-'));
cpSync(DIST, consoleDir, { recursive: true });
const initialCode = initial.map((file) => readFileSync(join(DIST, file), 'utf8')).join('\n');
writeFileSync(
  join(consoleDir, 'assets', 'baseline.js'),
  `globalThis.baseline = ${JSON.stringify(initialCode)};\n`,
);
const baselineHtml = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Guardian</title>
<link rel="stylesheet" href="/${stylesheet}"><script type="module" src="/assets/baseline.js"></script></head>
<body><main><h1>Guardian</h1><p>A static page as large as the console's first load.</p></main></body></html>`;
writeFileSync(
  join(consoleDir, 'assets', 'baseline.html'),
  `${baselineHtml}<!--${'.'.repeat(Math.max(0, indexHtml.length - baselineHtml.length - 7))}-->`,
);

// --- The stack, the platform, an organization and a signed-in person ---------------------------
const stack = new Stack(resolve(import.meta.dirname, '../.stack/bench'), true);
const env = await up(stack);
Object.assign(process.env, env);
await installManifests(new KubeClient(loadClusterAccess(env)));
// Imported after the stack's environment is in place: the test support reads it.
const {
  applyAll,
  deleteAll,
  deleteNamespace,
  ensureControlNamespace,
  organization,
  platformKubeconfig,
  quotaPolicy,
  startPlatform,
  until,
} = await import('../test/support/platform.ts');
const { createDemoMemberships, demoTeams } = await import('../scripts/demo-orgs.ts');
const { launchChromium } = await import('../test/support/chromium.ts');

const run = `bench-${Date.now().toString(36)}`;
const plan = quotaPolicy(`${run}-plan`, {
  displayName: 'bench',
  agentExecutionsPerMonth: 1000,
  workflowsPerMonth: 50,
  storageGiB: 5,
  apiCallsPerHour: 100_000,
  teamMembers: 10,
});
const orgId = `${run}-org`;
const org = organization(orgId, {
  displayName: 'StartupCo',
  plan: plan.metadata.name,
  owners: [{ kind: 'User', name: 'carol@startupco.io' }],
});
const teams = demoTeams(orgId);
await applyAll(plan, org);
await ensureControlNamespace(orgId);
await applyAll(...teams);
const namespace = `${run}-pl`;
const api = await startPlatform({
  kubeconfig: await platformKubeconfig(namespace),
  env: { LOG_LEVEL: 'silent', CONSOLE_DIR: consoleDir },
});
await until(
  'the platform to see the organization and its team',
  () => api.platform.teams.get(orgId, 'platform') !== undefined,
);
await createDemoMemberships(env.DATABASE_URL ?? '', env.OIDC_ISSUER ?? '', orgId);

const chromium = await launchChromium();
const profile = (session?: Awaited<ReturnType<BrowserContext['storageState']>>) =>
  chromium.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 900 },
    ...(session ? { storageState: session } : {}),
  });
const signIn = await profile();
const page = await signIn.newPage();
await page.goto(`${api.url}/login?org=${orgId}`);
await page.getByRole('button', { name: 'Sign in with SSO' }).click();
await page.getByLabel('Email').fill('carol@startupco.io');
await page.getByLabel('Password').fill('demo');
await page.getByRole('button', { name: 'Sign in' }).click();
await page.waitForURL(`${api.url}/o/${orgId}`);
const session = await signIn.storageState();
await signIn.close();

/** Milliseconds from the navigation's start to what `ready` returns, in a fresh profile. */
async function measure(signedIn: boolean, load: (page: Page) => Promise<number>): Promise<number> {
  const context = await profile(signedIn ? session : undefined);
  try {
    return await load(await context.newPage());
  } finally {
    await context.close();
  }
}

interface PageGlobals {
  document: { querySelectorAll(selector: string): { length: number } };
  performance: { now(): number; getEntriesByType(type: string): Array<{ loadEventEnd: number }> };
}

const dashboard: number[] = [];
const baseline: number[] = [];
console.log(`[bench] ${RUNS} cold loads each of the dashboard and of the static page, alternating`);
for (let i = 0; i < RUNS; i++) {
  dashboard.push(
    await measure(true, async (tab) => {
      await tab.goto(`${api.url}/o/${orgId}`, { waitUntil: 'commit' });
      const shown = await tab.waitForFunction(
        () => {
          const { document, performance } = globalThis as unknown as PageGlobals;
          const ready =
            document.querySelectorAll('meter').length >= 4 &&
            document.querySelectorAll('[aria-label="Members"] li').length >= 4 &&
            document.querySelectorAll('[aria-label="Teams"] li').length >= 1;
          return ready ? performance.now() : false;
        },
        undefined,
        { polling: 'raf', timeout: 30_000 },
      );
      return (await shown.jsonValue()) as number;
    }),
  );
  baseline.push(
    await measure(false, async (tab) => {
      await tab.goto(`${api.url}/assets/baseline.html`, { waitUntil: 'load' });
      return tab.evaluate(() => {
        const [navigation] = (globalThis as unknown as PageGlobals).performance.getEntriesByType(
          'navigation',
        );
        return navigation?.loadEventEnd ?? Number.NaN;
      });
    }),
  );
}

const median = (values: number[]) => percentile(values, 0.5);
const figures = {
  budgetKb: BUDGET_KB,
  initialJsGzipKb: kb(initialGzip),
  initialJsRawKb: kb(initialRaw),
  initialFiles: initial,
  withinBudget: kb(initialGzip) <= BUDGET_KB,
  lazyChunks: lazy,
  runs: RUNS,
  dashboardTtiMedianMs: Math.round(median(dashboard)),
  dashboardTtiP90Ms: Math.round(percentile(dashboard, 0.9)),
  staticPageMedianMs: Math.round(median(baseline)),
  staticPageP90Ms: Math.round(percentile(baseline, 0.9)),
  ttiRatio: ratio(median(dashboard), median(baseline)),
};
report('console', figures, [
  `initial JavaScript ${figures.initialJsGzipKb} KB gzip (${figures.initialJsRawKb} KB raw, ${initial.length} file${initial.length === 1 ? '' : 's'}) against the budget of ${BUDGET_KB} KB: ${figures.withinBudget ? 'met' : 'NOT met'}`,
  `each page its own chunk, loaded when visited: ${lazy
    .slice(0, 4)
    .map((chunk) => `${chunk.file.replace(/-[\w-]{8}\.js$/, '')} ${chunk.gzipKb} KB`)
    .join(', ')}, ...`,
  `dashboard time to interactive ${figures.dashboardTtiMedianMs} ms (p90 ${figures.dashboardTtiP90Ms}) vs a static page of the same size ${figures.staticPageMedianMs} ms (p90 ${figures.staticPageP90Ms}) = ${figures.ttiRatio}× (median of ${RUNS} cold loads each)`,
]);

console.log('[bench] cleaning up (the bench stack stays for inspection: make stack-down STACK=.stack/bench)');
await chromium.close();
await api.stop();
await deleteAll(...teams, org, plan);
await deleteNamespace(`org-${orgId}`);
await deleteNamespace(namespace);
rmSync(consoleDir, { recursive: true, force: true });
process.exit(0);
