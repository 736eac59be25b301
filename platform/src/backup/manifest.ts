import { z } from 'zod';

/** A backup's id: `<organization>.<yyyymmddThhmmssZ>`, or `_platform.<...>` for the platform database. */
const ID = /^(_platform|[a-z0-9]([-a-z0-9]*[a-z0-9])?)\.(\d{8}T\d{6}Z)$/;

export const PLATFORM_OWNER = '_platform';

/** The id of the backup of `owner` (an organization, or PLATFORM_OWNER) scheduled or asked for at `at`. */
export function backupId(owner: string, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replaceAll('-', '')
    .replaceAll(':', '');
  return `${owner}.${stamp}`;
}

/** Whose backup an id names (an organization, or PLATFORM_OWNER); undefined when it is no backup id. */
export function backupOwner(id: string): string | undefined {
  const match = ID.exec(id);
  return match && !match[0].includes('--') ? match[1] : undefined;
}

/** Where a backup's objects are in its store; the manifest is written last and marks it complete. */
export const backupKeys = (id: string) => ({
  prefix: `backups/${id}/`,
  data: `backups/${id}/dump.pgc.enc`,
  manifest: `backups/${id}/manifest.json`,
});

/**
 * What is stored beside each backup: enough to check it before a restore (checksum and size of the
 * stored object, the key's id), to restore it into the right place, and to know what it holds.
 */
export const BackupManifest = z.object({
  format: z.literal('guardian-backup/v1'),
  id: z.string().regex(ID),
  /** The organization, or `_platform` for the platform database. */
  organization: z.string(),
  database: z.string(),
  /** The tenant database server's name (TENANT_DB_SERVERS), or `platform`. */
  server: z.string(),
  serverVersion: z.string(),
  startedAt: z.iso.datetime(),
  completedAt: z.iso.datetime(),
  /** Bytes of the stored (encrypted) object. */
  bytes: z.number().int().nonnegative(),
  /** Bytes of the pg_dump archive before encryption. */
  dumpBytes: z.number().int().nonnegative(),
  /** Of the stored object, checked before a restore decrypts anything. */
  checksum: z.object({ algorithm: z.literal('sha256'), value: z.string().regex(/^[0-9a-f]{64}$/) }),
  encryption: z.object({ algorithm: z.string(), keyId: z.string().regex(/^[0-9a-f]{16}$/) }),
  dump: z.object({ tool: z.string(), format: z.literal('custom') }),
  guardianVersion: z.string(),
  /** The last migration the database had applied (tenant or platform schema); null for none. */
  schemaVersion: z.string().nullable(),
});
export type BackupManifest = z.infer<typeof BackupManifest>;
