import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValidationError } from '../services/errors.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { countBySeverity, severityRank, statusOf } from './run.ts';

describe('agent runs', () => {
  it('is succeeded without failures, partial with some, failed when every agent failed', () => {
    const failure = (agent: string) => ({ agent, error: 'boom' });
    expect(statusOf(['a', 'b'], [])).toBe('succeeded');
    expect(statusOf([], [])).toBe('succeeded');
    expect(statusOf(['a', 'b'], [failure('b')])).toBe('partial');
    expect(statusOf(['a', 'b'], [failure('a'), failure('b')])).toBe('failed');
  });

  it('counts findings by every severity, zeros included, and ranks critical first', () => {
    expect(countBySeverity([{ severity: 'high' }, { severity: 'high' }, { severity: 'info' }])).toEqual({
      critical: 0,
      high: 2,
      medium: 0,
      low: 0,
      info: 1,
    });
    expect(['info', 'critical', 'medium'].map((s) => severityRank(s as 'info'))).toEqual([4, 0, 2]);
  });

  it('reads back only cursors it gave, naming the field otherwise', () => {
    const Position = z.tuple([z.iso.datetime(), z.uuid()]);
    const position: [string, string] = ['2026-01-02T03:04:05.678Z', '7d444840-9dc0-11d1-b245-5ffdce74fad2'];
    expect(decodeCursor(Position, encodeCursor(position))).toEqual(position);
    expect(decodeCursor(Position, undefined)).toBeUndefined();
    for (const forged of ['not base64 json', encodeCursor(['yesterday', 'x']), encodeCursor({ a: 1 })]) {
      expect(() => decodeCursor(Position, forged)).toThrow(ValidationError);
      try {
        decodeCursor(Position, forged);
      } catch (error) {
        expect((error as ValidationError).errors).toEqual([
          { field: 'cursor', message: 'is not a cursor this API gave' },
        ]);
      }
    }
  });
});
