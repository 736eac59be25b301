// /docs in Debian's Chromium (playwright-core), served by a platform on the test stack: the API
// reference renders every tag of the platform's own OpenAPI document, asks nothing of another
// origin, and runs under its Content-Security-Policy without a violation but the one eval probe
// that Scalar's schema library makes (and falls back from) when eval is refused.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { platformSuite } from '../support/platform-suite.ts';

interface PageGlobals {
  document: { addEventListener(type: string, listener: (event: CspEvent) => void): void };
}
interface CspEvent {
  effectiveDirective: string;
  blockedURI: string;
}

describe('/docs in a browser', () => {
  const api = platformSuite({ plans: [], organizations: [] });
  let chromium: Browser;
  beforeAll(async () => {
    chromium = await launchChromium();
  });
  afterAll(() => chromium?.close());

  it('renders the platform’s OpenAPI document from its own origin, within its CSP', async () => {
    const context = await chromium.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      await context.addInitScript(() => {
        const { document } = globalThis as unknown as PageGlobals;
        document.addEventListener('securitypolicyviolation', (event) => {
          console.error(`CSP violation: ${event.effectiveDirective} ${event.blockedURI}`);
        });
      });
      const page = await context.newPage();
      const violations: string[] = [];
      const errors: string[] = [];
      const elsewhere: string[] = [];
      page.on('console', (message) => {
        if (message.text().startsWith('CSP violation:')) violations.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('request', (request) => {
        if (new URL(request.url()).origin !== new URL(api.url).origin) elsewhere.push(request.url());
      });

      const document = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
        info: { title: string };
        tags?: Array<{ name: string }>;
        paths: Record<string, Record<string, { tags?: string[] }>>;
      };
      const tags = [
        ...new Set(
          Object.values(document.paths).flatMap((operations) =>
            Object.values(operations).flatMap((operation) => operation.tags ?? []),
          ),
        ),
      ];
      expect(tags.length).toBeGreaterThan(5);

      await page.goto(`${api.url}/docs`);
      await page.getByRole('heading', { name: document.info.title }).waitFor({ timeout: 30_000 });
      const navigation = await page.locator('body').innerText();
      for (const tag of tags) expect(navigation).toContain(tag);
      // The operations themselves, as Scalar lists them under their tag.
      await expect.poll(() => page.getByText('/openapi.json').count()).toBeGreaterThan(0);

      expect(errors).toEqual([]);
      expect(elsewhere).toEqual([]);
      expect(violations.filter((violation) => violation !== 'CSP violation: script-src eval')).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
