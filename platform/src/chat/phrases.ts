import type { Phrases } from './vocabulary.ts';

/** A message as the tables are matched against it: lower-case words, without punctuation. */
export function words(message: string): string[] {
  const text = message
    .toLowerCase()
    .replace(/[’']/g, '')
    .replace(/[^a-z0-9-]+/g, ' ')
    .trim();
  return text === '' ? [] : text.split(' ');
}

/** How many first letters index the one-word prefixes. */
const KEY = 3;

/** Where a phrase matched: its first word and how many words it spans. */
export interface Span {
  at: number;
  length: number;
}

interface Compiled {
  table: string;
  words: string[];
  /** Whether the last word is a prefix (the phrase ended in `*`). */
  prefix: boolean;
}

/** The matches of every table in one message. */
export interface Reading {
  readonly tokens: readonly string[];
  has(table: string): boolean;
  /** The table's matches, in the order of the message. */
  spans(table: string): readonly Span[];
}

/**
 * Named phrase tables compiled once, indexed by first word (and one-word prefixes by their
 * letters), so that reading a message is one pass over its words whatever the tables' size: the
 * parser's p99 is benchmarked against the 2,000-character limit.
 */
export class Lexicon {
  private readonly byFirst = new Map<string, Compiled[]>();
  /** One-word prefixes by their first KEY letters (shorter ones under their whole selves). */
  private readonly prefixes = new Map<string, Array<{ prefix: string; table: string }>>();

  constructor(tables: Readonly<Record<string, Phrases>>) {
    for (const [table, phrases] of Object.entries(tables)) {
      for (const phrase of phrases) {
        const prefix = phrase.endsWith('*');
        const list = (prefix ? phrase.slice(0, -1) : phrase).split(' ');
        const first = list[0] ?? '';
        if (list.length === 1 && prefix) {
          const key = first.slice(0, KEY);
          this.prefixes.set(key, [...(this.prefixes.get(key) ?? []), { prefix: first, table }]);
        } else {
          this.byFirst.set(first, [...(this.byFirst.get(first) ?? []), { table, words: list, prefix }]);
        }
      }
    }
  }

  read(tokens: readonly string[]): Reading {
    const found = new Map<string, Span[]>();
    const add = (table: string, span: Span) => {
      const spans = found.get(table);
      if (!spans) found.set(table, [span]);
      else if (!spans.some((s) => s.at === span.at && s.length >= span.length)) spans.push(span);
    };
    for (let at = 0; at < tokens.length; at++) {
      const token = tokens[at] ?? '';
      for (let n = 1; n <= Math.min(KEY, token.length); n++) {
        for (const { prefix, table } of this.prefixes.get(token.slice(0, n)) ?? []) {
          if (token.startsWith(prefix)) add(table, { at, length: 1 });
        }
      }
      for (const phrase of this.byFirst.get(token) ?? []) {
        const n = phrase.words.length;
        if (at + n > tokens.length) continue;
        let ok = true;
        for (let k = 1; k < n && ok; k++) {
          const want = phrase.words[k] ?? '';
          const have = tokens[at + k] ?? '';
          ok = k === n - 1 && phrase.prefix ? have.startsWith(want) : have === want;
        }
        if (ok) add(phrase.table, { at, length: n });
      }
    }
    return {
      tokens,
      has: (table) => found.has(table),
      spans: (table) => found.get(table) ?? [],
    };
  }
}
