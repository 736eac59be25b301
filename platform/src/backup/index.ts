// @guardian/platform/backup: logical backups of tenant databases and the platform database
// (pg_dump, encrypted in chunks, streamed into object storage, with a manifest written last) and
// their restore (checked against the manifest, in one transaction, migrated forward).
export { listBackups, pruneBackups, readManifest } from './catalog.ts';
export { CorruptBackupError, decryptStream, encryptStream, keyId, WrongKeyError } from './crypto.ts';
export { BackupManifest, backupId, backupKeys, backupOwner, PLATFORM_OWNER } from './manifest.ts';
export { organizationBackups, restoreOrganizationBackup, TargetNotProvisioned } from './organization.ts';
export {
  BackupNotFound,
  ChecksumMismatch,
  type RestoreRequest,
  type RestoreResult,
  restoreDatabase,
  SchemaTooNew,
  verify,
} from './restore.ts';
export { type BackupRequest, backupDatabase } from './run.ts';
