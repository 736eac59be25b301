import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { GUARDIAN_VERSION } from './version.ts';

it('is the version of package.json, which the image and the chart carry', () => {
  const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as {
    version: string;
  };
  expect(GUARDIAN_VERSION).toBe(pkg.version);
});
