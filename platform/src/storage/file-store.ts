import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ObjectNotFound, type ObjectStore, type StoredObject } from './object-store.ts';

const PARTIAL = '.partial-';

/**
 * A folder as an object store (a filesystem target, e.g. a PersistentVolumeClaim): a key is a
 * path below `root`. Writes go to a `.partial-*` file, are flushed to disk and then renamed, so a
 * key appears only complete; `discardUnfinished` removes what a crash left.
 */
export class FileObjectStore implements ObjectStore {
  readonly location: string;
  private readonly root: string;

  constructor(root: string) {
    this.root = root;
    this.location = root;
  }

  async upload(key: string, body: Readable): Promise<number> {
    const target = this.path(key);
    const partial = `${target}${PARTIAL}${randomBytes(6).toString('hex')}`;
    await mkdir(dirname(target), { recursive: true });
    try {
      await pipeline(body, createWriteStream(partial, { mode: 0o600 }));
      await this.flush(partial);
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    await this.flush(dirname(target));
    return (await stat(target)).size;
  }

  async put(key: string, data: Buffer | string): Promise<void> {
    await this.upload(key, Readable.from([Buffer.from(data)]));
  }

  async download(key: string): Promise<Readable> {
    const path = this.path(key);
    const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') throw new ObjectNotFound(this.location, key);
      throw error;
    });
    return handle.createReadStream();
  }

  async read(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.path(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const found: StoredObject[] = [];
    const walk = async (dir: string) => {
      const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [];
        throw error;
      });
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (entry.isFile() && !entry.name.includes(PARTIAL)) {
          const key = relative(this.root, path).split(sep).join('/');
          if (!key.startsWith(prefix)) continue;
          const info = await stat(path);
          found.push({ key, size: info.size, modified: info.mtime });
        }
      }
    };
    await walk(this.root);
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) await rm(this.path(key), { force: true });
  }

  async discardUnfinished(prefix: string): Promise<void> {
    const walk = async (dir: string) => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (
          entry.name.includes(PARTIAL) &&
          relative(this.root, path).split(sep).join('/').startsWith(prefix)
        )
          await rm(path, { force: true });
      }
    };
    await walk(this.root);
  }

  /** A key as a path below the root; keys are ours (ids, names), but never let one climb out. */
  private path(key: string): string {
    if (key === '' || key.split('/').some((part) => part === '' || part === '.' || part === '..'))
      throw new Error(`"${key}" is not an object key`);
    return join(this.root, ...key.split('/'));
  }

  private async flush(path: string): Promise<void> {
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}
