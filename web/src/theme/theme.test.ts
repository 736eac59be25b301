import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..');
const THEME = join(SRC, 'theme');
const COLOUR =
  /#[0-9a-f]{3,8}\b|\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\(|(?<![-\w])(?:white|black)(?![-\w])/gi;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe('the theme', () => {
  it('is the only place colours live: components and pages use its custom properties', () => {
    const offenders = files(SRC)
      .filter((file) => !file.startsWith(THEME) && /\.(css|tsx?)$/.test(file) && !file.endsWith('.test.ts'))
      .flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(COLOUR)].map(
          (match) => `${relative(SRC, file)}: ${match[0]}`,
        ),
      );
    expect(offenders).toEqual([]);
  });

  it('sets every colour it defines for light and for dark', () => {
    const css = readFileSync(join(THEME, 'tokens.css'), 'utf8');
    const [light = '', dark = ''] = css.split('@media (prefers-color-scheme: dark)');
    const names = (block: string) => [...block.matchAll(/(--[\w-]+):/g)].map((match) => match[1]).sort();
    expect(names(light).length).toBeGreaterThan(20);
    expect(names(dark)).toEqual(names(light));
  });
});
