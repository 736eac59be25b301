// The documentation's own checks: every link between pages and every anchor resolves (as VitePress
// and a forge render them alike), every page is in the site's navigation, and the tables copied
// from code (the permission matrix, the default plans) say what the code says. The helm blocks and
// the runnable shell blocks run against the test stack: test/integration/docs.test.ts.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { MATRIX, PERMISSIONS, ROLES } from '../platform/src/rbac.ts';
import { docsDir, githubSlug, type Page, pagePaths, readPage, repo, vitepressSlug } from './docs.ts';

const pages = new Map(pagePaths().map((path) => [path, readPage(path)]));

/** Where a link leads: the file it names (resolved as the site does) and its anchor, if any. */
function resolveLink(page: Page, target: string): { file: string; anchor?: string } {
  const [path = '', anchor] = target.split('#');
  if (path === '') return { file: page.path, ...(anchor ? { anchor } : {}) };
  // The site's absolute links are its public folder (images) or its pages.
  const file = path.startsWith('/')
    ? existsSync(join(docsDir, 'public', path))
      ? relative(repo, join(docsDir, 'public', path))
      : relative(repo, join(docsDir, path))
    : normalize(join(dirname(page.path), decodeURIComponent(path)));
  return { file, ...(anchor ? { anchor } : {}) };
}

/** The Markdown table that follows `header` in a page, as rows of cells. */
function table(page: Page, header: string): string[][] {
  const lines = page.text.split('\n');
  const start = lines.findIndex((line) => line.startsWith(header));
  expect(start, `${page.path} has a table starting ${header}`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

describe('the documentation', () => {
  it('finds the pages, their links and their anchors (a near miss beside each)', () => {
    expect(pages.size).toBeGreaterThan(20);
    expect(vitepressSlug('Several installs per cluster')).toBe('several-installs-per-cluster');
    expect(githubSlug('Several installs per cluster')).toBe('several-installs-per-cluster');
    // The two renderers disagree on apostrophes: such a heading is no anchor to link to.
    expect(vitepressSlug("An organization's own")).not.toBe(githubSlug("An organization's own"));
    const install = pages.get('docs/install/index.md');
    expect(install?.anchors.has('white-label-for-msps')).toBe(true);
    expect(install?.anchors.has('white-label')).toBe(false);
    expect(install?.links.length).toBeGreaterThan(0);
  });

  it('links only to pages, files and anchors that exist', () => {
    const broken: string[] = [];
    for (const page of pages.values()) {
      for (const { target, line } of page.links) {
        if (/^[a-z]+:/i.test(target)) continue;
        const { file, anchor } = resolveLink(page, target);
        const where = `${page.path}:${line} → ${target}`;
        if (!existsSync(join(repo, file))) {
          broken.push(`${where}: no ${file}`);
          continue;
        }
        if (anchor === undefined) continue;
        const linked = statSync(join(repo, file)).isDirectory() ? undefined : pages.get(file);
        if (!linked) broken.push(`${where}: an anchor into ${file}, which is no page`);
        else if (!linked.anchors.has(anchor)) broken.push(`${where}: ${file} has no heading #${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('lists every page of docs/ in the site’s navigation, and nothing that is not a page', () => {
    const config = readFileSync(join(docsDir, '.vitepress/config.ts'), 'utf8');
    const linked = new Set(
      [...config.matchAll(/link: '(\/[^']*)'/g)].map(([, link = '']) =>
        link.endsWith('/') ? `docs${link}index.md` : `docs${link}.md`,
      ),
    );
    const docs = [...pages.keys()].filter((path) => path.startsWith('docs/'));
    expect(docs.filter((path) => !linked.has(path))).toEqual([]);
    expect([...linked].filter((path) => !pages.has(path))).toEqual([]);
  });

  it('shows the permission matrix of platform/src/rbac.ts', () => {
    const roles = pages.get('docs/concepts/roles.md');
    if (!roles) throw new Error('docs/concepts/roles.md is missing');
    const rows = table(roles, '| Permission |');
    expect(rows.map(([permission]) => permission)).toEqual(PERMISSIONS.map((p) => `\`${p}\``));
    for (const [permission = '', ...marks] of rows) {
      const name = permission.replaceAll('`', '') as (typeof PERMISSIONS)[number];
      expect(marks, name).toEqual(ROLES.map((role) => (MATRIX[role].includes(name) ? '✓' : '')));
    }
  });

  it('shows the default plans of crds/plans/default-plans.yaml', () => {
    const plansPage = pages.get('docs/concepts/plans.md');
    if (!plansPage) throw new Error('docs/concepts/plans.md is missing');
    const plans = parseAllDocuments(readFileSync(join(repo, 'crds/plans/default-plans.yaml'), 'utf8')).map(
      (doc) => doc.toJS() as { metadata: { name: string }; spec: Record<string, unknown> },
    );
    const rows = table(plansPage, '| Limit |');
    expect(rows.length).toBeGreaterThan(6);
    for (const [field = '', ...values] of rows) {
      const path = field.replaceAll('`', '').split('.');
      const expected = plans.map((plan) => {
        const value = path.reduce<unknown>(
          (at, key) => (at as Record<string, unknown> | undefined)?.[key],
          plan.spec,
        );
        return value === undefined ? 'unlimited' : String(value);
      });
      expect(values, field).toEqual(expected);
    }
  });
});
