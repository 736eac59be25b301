import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { FileObjectStore } from './file-store.ts';
import { ObjectNotFound, storedBytes } from './object-store.ts';

const text = async (stream: Readable) => {
  let out = '';
  for await (const chunk of stream) out += String(chunk);
  return out;
};

describe('FileObjectStore', () => {
  const roots: string[] = [];
  const store = () => {
    const root = mkdtempSync(join(tmpdir(), 'guardian-store-'));
    roots.push(root);
    return { root, store: new FileObjectStore(root) };
  };
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });

  it('stores, lists, reads and deletes objects by key', async () => {
    const { store: s } = store();
    expect(await s.upload('backups/a/data', Readable.from(['hello ', 'world']))).toBe(11);
    await s.put('backups/a/manifest.json', '{}');
    expect((await s.list('backups/')).map((o) => [o.key, o.size])).toEqual([
      ['backups/a/data', 11],
      ['backups/a/manifest.json', 2],
    ]);
    expect(await text(await s.download('backups/a/data'))).toBe('hello world');
    expect(await storedBytes(s)).toBe(13);
    await s.delete(['backups/a/data', 'backups/none']);
    expect((await s.list('')).map((o) => o.key)).toEqual(['backups/a/manifest.json']);
    expect(await s.read('backups/a/data')).toBeUndefined();
    await expect(s.download('backups/a/data')).rejects.toBeInstanceOf(ObjectNotFound);
  });

  it('never shows a failed upload under its key, and discards what a crash left', async () => {
    const { root, store: s } = store();
    const failing = new Readable({
      read() {
        this.push('partial');
        this.destroy(new Error('pg_dump died'));
      },
    });
    await expect(s.upload('backups/b/data', failing)).rejects.toThrow('pg_dump died');
    expect(await s.list('')).toEqual([]);
    // What a SIGKILL leaves: a partial file nobody removed.
    writeFileSync(join(root, 'backups', 'b', 'data.partial-abc123'), 'half');
    expect(await s.list('')).toEqual([]);
    await s.discardUnfinished('backups/b/');
    expect(readdirSync(join(root, 'backups', 'b'))).toEqual([]);
  });

  it('refuses keys that would leave its folder', async () => {
    const { store: s } = store();
    await expect(s.put('../escape', 'x')).rejects.toThrow('is not an object key');
    await expect(s.put('a//b', 'x')).rejects.toThrow('is not an object key');
  });
});
