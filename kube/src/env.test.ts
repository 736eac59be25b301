import { describe, expect, it } from 'vitest';
import { type DescribedEnvSchema, environmentHelp } from './env.ts';

/** A schema as zod's toJSONSchema({ io: 'input' }) describes it (zod is the platform's, not ours). */
const described = (json: object): DescribedEnvSchema => ({ toJSONSchema: () => json });

describe('environmentHelp', () => {
  it('lists every variable with its description, then its default or that it is required', () => {
    const schema = described({
      type: 'object',
      properties: {
        PORT: { type: 'integer', default: 8080, description: 'Where it listens.' },
        DATABASE_URL: { type: 'string', description: 'The database.' },
        LIST: { type: 'string', default: '', description: 'A list; empty by default.' },
        OPTIONAL: { type: 'string' },
      },
      required: ['DATABASE_URL'],
    });
    expect(environmentHelp(schema)).toBe(
      [
        '  PORT',
        '      Where it listens. Default: 8080.',
        '  DATABASE_URL',
        '      The database. Required.',
        '  LIST',
        '      A list; empty by default.',
        '  OPTIONAL',
      ].join('\n'),
    );
  });

  it('wraps long descriptions to the width, indented under the name', () => {
    const schema = described({ properties: { LONG: { description: 'word '.repeat(30).trim() } } });
    const lines = environmentHelp(schema, 40).split('\n');
    expect(lines[0]).toBe('  LONG');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines.slice(1)) {
      expect(line).toMatch(/^ {6}word( word)*$/);
      expect(line.length).toBeLessThanOrEqual(40);
    }
  });
});
