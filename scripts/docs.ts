// The documentation (docs/ and the README) as data, for its tests: pages, their headings' anchors as
// both renderers make them, their links, and their fenced code blocks.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export const repo = resolve(import.meta.dirname, '..');
export const docsDir = join(repo, 'docs');

export interface Fence {
  /** The info string's first word (`sh`, `yaml`), and what follows it. */
  lang: string;
  meta: string;
  code: string;
  line: number;
}

export interface Link {
  target: string;
  line: number;
}

export interface Page {
  /** Relative to the repository, e.g. `docs/install/index.md`. */
  path: string;
  text: string;
  fences: Fence[];
  links: Link[];
  /** Heading anchors that both VitePress and GitHub give this page. */
  anchors: Set<string>;
}

/** Every Markdown page of the site (docs/, without VitePress' own folder) and the README. */
export function pagePaths(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      if (entry.name.startsWith('.') || entry.name === 'public') return [];
      const path = join(dir, entry.name);
      return entry.isDirectory() ? walk(path) : entry.name.endsWith('.md') ? [path] : [];
    });
  return ['README.md', ...walk(docsDir).map((path) => relative(repo, path))].sort();
}

/** VitePress' anchor (@mdit-vue/shared's slugify; headings hold no control characters). */
export function vitepressSlug(heading: string): string {
  return heading
    .normalize('NFKD')
    .replace(/[\u0300-\u036F]/g, '')
    .replace(/[\s~`!@#$%^&*()\-_+=[\]{}|\\;:"'“”‘’<>,.?/]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/^(\d)/, '_$1')
    .toLowerCase();
}

/** GitHub's anchor (github-slugger): lower case, punctuation dropped, each space a hyphen. */
export function githubSlug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** A heading's text as the reader sees it: no code ticks, links reduced to their text. */
const headingText = (raw: string): string =>
  raw
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .trim();

export function readPage(path: string): Page {
  const text = readFileSync(join(repo, path), 'utf8');
  const fences: Fence[] = [];
  const links: Link[] = [];
  const vitepress = new Map<string, number>();
  const github = new Map<string, number>();
  const anchors = new Set<string>();
  const lines = text.split('\n');
  let fence: Fence | undefined;
  let marker = '';
  let indent = 0;
  lines.forEach((line, index) => {
    const opening = /^(\s*)(`{3,}|~{3,})(\S*)\s*(.*)$/.exec(line);
    if (fence) {
      if (opening?.[2]?.startsWith(marker) && opening[3] === '') {
        fences.push(fence);
        fence = undefined;
      } else {
        // A fence inside a list item is indented; its code is not.
        fence.code += `${line.slice(Math.min(line.search(/\S|$/), indent))}\n`;
      }
      return;
    }
    if (opening) {
      marker = opening[2] ?? '```';
      indent = opening[1]?.length ?? 0;
      fence = { lang: opening[3] ?? '', meta: opening[4] ?? '', code: '', line: index + 1 };
      return;
    }
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const plain = headingText(heading[1] ?? '');
      const slugs = [vitepressSlug(plain), githubSlug(plain)].map((slug, which) => {
        const seen = which === 0 ? vitepress : github;
        const count = seen.get(slug) ?? 0;
        seen.set(slug, count + 1);
        return count === 0 ? slug : `${slug}-${count}`;
      });
      if (slugs[0] === slugs[1]) anchors.add(slugs[0] as string);
    }
    const outsideCode = line.replace(/`[^`]*`/g, '');
    for (const match of outsideCode.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      links.push({ target: match[1] ?? '', line: index + 1 });
    }
  });
  return { path, text, fences, links, anchors };
}
