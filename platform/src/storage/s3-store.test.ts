import { describe, expect, it } from 'vitest';
import { partsOf } from './s3-store.ts';

async function collect(chunks: Array<string | Uint8Array>, size: number): Promise<string[]> {
  const out: string[] = [];
  async function* source() {
    yield* chunks;
  }
  for await (const part of partsOf(source(), size)) out.push(part.toString());
  return out;
}

describe('partsOf', () => {
  it('cuts a stream into parts of exactly the size, the last one shorter', async () => {
    expect(await collect(['abc', 'defgh', 'ij'], 4)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('splits a chunk larger than several parts', async () => {
    expect(await collect(['abcdefghij'], 3)).toEqual(['abc', 'def', 'ghi', 'j']);
  });

  it('yields no short part when the stream ends on a boundary, and nothing for an empty stream', async () => {
    expect(await collect(['ab', 'cd'], 2)).toEqual(['ab', 'cd']);
    expect(await collect([], 2)).toEqual([]);
  });

  it('copes with views into larger buffers', async () => {
    const backing = Buffer.from('xxabcdxx');
    expect(await collect([new Uint8Array(backing.buffer, backing.byteOffset + 2, 4)], 3)).toEqual([
      'abc',
      'd',
    ]);
  });
});
