import type { ObjectStore } from '../storage/object-store.ts';
import { BackupManifest, backupKeys } from './manifest.ts';

/** A backup's manifest; undefined when there is none (no such backup, or not complete). */
export async function readManifest(store: ObjectStore, id: string): Promise<BackupManifest | undefined> {
  const data = await store.read(backupKeys(id).manifest);
  if (!data) return undefined;
  return BackupManifest.parse(JSON.parse(data.toString('utf8')));
}

const ID_OF = /^backups\/([^/]+)\//;

/** The complete backups in a store (those with a manifest), newest first. */
export async function listBackups(store: ObjectStore): Promise<BackupManifest[]> {
  const objects = await store.list('backups/');
  const ids = new Set(
    objects.filter((o) => o.key.endsWith('/manifest.json')).map((o) => ID_OF.exec(o.key)?.[1] ?? ''),
  );
  const manifests: BackupManifest[] = [];
  for (const id of ids) {
    const manifest = await readManifest(store, id).catch(() => undefined);
    if (manifest?.id === id) manifests.push(manifest);
  }
  return manifests.sort((a, b) =>
    a.completedAt < b.completedAt ? 1 : a.completedAt > b.completedAt ? -1 : 0,
  );
}

/**
 * Keeps the newest `keep` complete backups and deletes the rest, and whatever incomplete backups
 * (data without a manifest: a crash, a failure) left, except `inProgress`'s. Returns the ids deleted.
 */
export async function pruneBackups(store: ObjectStore, keep: number, inProgress?: string): Promise<string[]> {
  const objects = await store.list('backups/');
  const complete = await listBackups(store);
  const kept = new Set(complete.slice(0, keep).map((m) => m.id));
  if (inProgress) kept.add(inProgress);
  const doomed = new Set(
    objects
      .map((o) => ID_OF.exec(o.key)?.[1])
      .filter((id): id is string => id !== undefined && !kept.has(id)),
  );
  for (const id of doomed) {
    const { prefix, manifest } = backupKeys(id);
    // The manifest first: a backup half deleted is an incomplete one, never a listed one without data.
    await store.delete([manifest]);
    await store.delete(objects.filter((o) => o.key.startsWith(prefix)).map((o) => o.key));
    await store.discardUnfinished(prefix);
  }
  return [...doomed];
}
