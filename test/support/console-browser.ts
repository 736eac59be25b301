// The console's browser tests' shared harness: Debian's Chromium, a fresh profile per person and
// viewing, SSO sign-in through the console's login page, and the page check every page passes (an
// axe scan, the CSP, no uncaught error, nothing scrolling sideways, a screenshot under
// .stack/test/artifacts/console/).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { CONSOLE_CSP } from '../../platform/src/http/console.ts';
import { launchChromium } from './chromium.ts';
import { TEST_STACK_DIR } from './stack.ts';

export const ARTIFACTS = join(TEST_STACK_DIR, 'artifacts', 'console');

export type Scheme = 'light' | 'dark';
export type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;
export interface Viewing {
  scheme: Scheme;
  width: 1280 | 390;
}
export const VIEWINGS: Viewing[] = [
  { scheme: 'light', width: 1280 },
  { scheme: 'dark', width: 1280 },
  { scheme: 'light', width: 390 },
  { scheme: 'dark', width: 390 },
];

/** What the tests read of a page's globals, inside page.evaluate (their TypeScript has no DOM library). */
export interface PageGlobals {
  localStorage: Record<string, string>;
  sessionStorage: Record<string, string>;
  indexedDB: { databases(): Promise<Array<{ name?: string }>> };
  caches: { keys(): Promise<string[]> };
  document: {
    cookie: string;
    fonts: { ready: Promise<unknown> };
    documentElement: { scrollWidth: number };
    addEventListener(
      type: string,
      listener: (event: { violatedDirective: string; blockedURI: string }) => void,
    ): void;
  };
}

/** What a page did that it must not: CSP violations, uncaught errors. */
export interface Watch {
  violations: string[];
  errors: string[];
}

export interface Opened {
  context: BrowserContext;
  page: Page;
  watch: Watch;
}

/** One page of the console and how to tell it is ready, for the page check. */
export interface Screen {
  name: string;
  session?: () => StorageState | undefined;
  path: () => string;
  prepare?: (page: Page) => Promise<void>;
  act?: (page: Page) => Promise<void>;
  ready: (page: Page) => ReturnType<Page['getByRole']>;
}

export interface ConsoleBrowser {
  /** A new browser profile (a person on a new device), optionally already signed in. */
  open(viewing?: Viewing, session?: StorageState): Promise<Opened>;
  /** Signs in through the console's login page and the identity provider's form. */
  signIn(page: Page, email: string, org: string | undefined, issuer: string): Promise<void>;
  /** `screen` in every viewing passes axe (no serious or critical violation) and the CSP; a screenshot of each. */
  check(screen: Screen): Promise<void>;
}

/**
 * Registers the browser's lifecycle in the calling suite: Chromium for its tests; after a failed
 * test, a picture of each page it had open and what its console said (artifacts/console/failed-*).
 */
export function consoleBrowser(baseUrl: () => string): ConsoleBrowser {
  let chromium: Browser | undefined;
  const opened: Array<{ context: BrowserContext; log: string[] }> = [];
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    chromium = await launchChromium();
  });
  afterAll(() => chromium?.close());
  afterEach(async ({ task }) => {
    for (const [index, { context, log }] of opened.splice(0).entries()) {
      if (task.result?.state === 'fail') {
        const name = `failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}-${index}`;
        writeFileSync(join(ARTIFACTS, `${name}.log`), log.join('\n'));
        for (const page of context.pages()) {
          await page
            .screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true })
            .catch(() => undefined);
        }
      }
      await context.close().catch(() => undefined);
    }
  });

  async function open(viewing: Viewing = VIEWINGS[0] as Viewing, session?: StorageState): Promise<Opened> {
    if (!chromium) throw new Error('Chromium starts in beforeAll');
    const context = await chromium.newContext({
      viewport: { width: viewing.width, height: 900 },
      colorScheme: viewing.scheme,
      // The identity provider's certificate is from the stack's CA, which this browser does not trust.
      ignoreHTTPSErrors: true,
      ...(session ? { storageState: session } : {}),
    });
    const log: string[] = [];
    opened.push({ context, log });
    const watch: Watch = { violations: [], errors: [] };
    await context.addInitScript(() => {
      const { document } = globalThis as unknown as PageGlobals;
      document.addEventListener('securitypolicyviolation', (event) => {
        console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
      });
    });
    const page = await context.newPage();
    page.on('console', (message) => {
      log.push(`${message.type()}: ${message.text()}`);
      if (/Content Security Policy|CSP violation/i.test(message.text()))
        watch.violations.push(message.text());
    });
    page.on('pageerror', (error) => watch.errors.push(error.message));
    return { context, page, watch };
  }

  async function signIn(page: Page, email: string, org: string | undefined, issuer: string): Promise<void> {
    await page.goto(`${baseUrl()}/login${org ? `?org=${org}` : ''}`);
    const field = page.getByRole('textbox', { name: 'Organization' });
    expect(await field.inputValue()).toBe(org ?? '');
    await page.getByRole('button', { name: 'Sign in with SSO' }).click();
    await page.waitForURL((url) => url.href.startsWith(issuer));
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(
      (url) => url.origin === new URL(baseUrl()).origin && url.pathname !== '/auth/callback',
    );
  }

  async function check(screen: Screen): Promise<void> {
    for (const viewing of VIEWINGS) {
      const label = `${screen.name} ${viewing.scheme} ${viewing.width}`;
      const { context, page, watch } = await open(viewing, screen.session?.());
      await screen.prepare?.(page);
      const response = await page.goto(`${baseUrl()}${screen.path()}`);
      expect(response?.headers()['content-security-policy']).toBe(CONSOLE_CSP);
      await screen.act?.(page);
      await screen.ready(page).first().waitFor();
      // Fonts and late layout settle before the picture is taken.
      await page.evaluate(() =>
        (globalThis as unknown as PageGlobals).document.fonts.ready.then(() => undefined),
      );
      const { violations } = await new AxeBuilder({ page }).analyze();
      const serious = violations
        .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
        .map(
          (violation) =>
            `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
        );
      expect(serious, label).toEqual([]);
      await page.screenshot({
        path: join(ARTIFACTS, `${screen.name}-${viewing.scheme}-${viewing.width}.png`),
        fullPage: true,
      });
      expect(watch, label).toEqual({ violations: [], errors: [] });
      // At 390 pixels nothing scrolls sideways.
      const scrollWidth = await page.evaluate(
        () => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth,
      );
      expect(scrollWidth, label).toBeLessThanOrEqual(viewing.width);
      await context.close();
    }
  }

  return { open, signIn, check };
}
