import { describe, expect, it } from 'vitest';
import { Lexicon, words } from './phrases.ts';

describe('the phrase tables', () => {
  const lexicon = new Lexicon({
    cost: ['cost*', 'money'],
    network: ['network polic*'],
    start: ['kick off'],
  });
  const read = (message: string) => lexicon.read(words(message));

  it('reads a message as lower-case words without punctuation', () => {
    expect(words('  Run a SCAN on prod?! (now) ')).toEqual(['run', 'a', 'scan', 'on', 'prod', 'now']);
    expect(words('what’s up')).toEqual(['whats', 'up']);
    expect(words(' ?! ')).toEqual([]);
  });

  it('matches whole words, a trailing * as a prefix, and phrases word by word', () => {
    expect(read('costs please').has('cost')).toBe(true);
    expect(read('costly').has('cost')).toBe(true);
    expect(read('moneybags').has('cost')).toBe(false);
    expect(read('show network policies').spans('network')).toEqual([{ at: 1, length: 2 }]);
    expect(read('network settings').has('network')).toBe(false);
    expect(read('please kick off the run').spans('start')).toEqual([{ at: 1, length: 2 }]);
    expect(read('kick the ball off').has('start')).toBe(false);
  });

  it('lists every match of a table in order', () => {
    expect(read('money money').spans('cost')).toEqual([
      { at: 0, length: 1 },
      { at: 1, length: 1 },
    ]);
  });
});
