import { ApiError, type KubeClient } from '@guardian/kube/client';
import {
  type BackupManifest,
  BackupNotFound,
  backupOwner,
  ChecksumMismatch,
  organizationBackups,
  restoreOrganizationBackup,
  SchemaTooNew,
  TargetNotProvisioned,
  WrongKeyError,
} from '../backup/index.ts';
import type { BackupView, RestoredBackup } from '../contract/backups.ts';
import { type Actor, requireSuperAdmin } from './actor.ts';
import { ConflictError, NotFoundError, UnavailableError } from './errors.ts';
import type { OrganizationDirectory } from './OrganizationDirectory.ts';

export function backupView(manifest: BackupManifest): BackupView {
  return {
    backup_id: manifest.id,
    org_id: manifest.organization,
    database: manifest.database,
    server: manifest.server,
    server_version: manifest.serverVersion,
    completed_at: manifest.completedAt,
    bytes: manifest.bytes,
    checksum: manifest.checksum.value,
    schema_version: manifest.schemaVersion,
    guardian_version: manifest.guardianVersion,
  };
}

/**
 * Organizations' backups for super admins: listing them, and restoring one into its own
 * organization (replacing its data) or into another (a copy it owns). The restore itself runs
 * here, with the organizations' own credentials, read through the operator's per-organization Role.
 */
export class BackupService {
  private readonly kube: KubeClient;
  private readonly directory: OrganizationDirectory;
  private readonly key: Buffer | undefined;

  constructor(options: { kube: KubeClient; directory: OrganizationDirectory; key: Buffer | undefined }) {
    this.kube = options.kube;
    this.directory = options.directory;
    this.key = options.key;
  }

  async list(actor: Actor, orgId: string): Promise<BackupView[]> {
    requireSuperAdmin(actor, 'list backups');
    if (!this.directory.get(orgId)) throw new NotFoundError('No such organization');
    try {
      return (await organizationBackups(this.kube, orgId)).map(backupView);
    } catch (error) {
      // The operator lets this platform read the storage Secret of the organizations it provisions
      // for it; any other (another installation's, one not provisioned yet) is refused.
      if (error instanceof ApiError && error.status === 403) {
        throw new ConflictError(
          'This platform may not read the organization’s storage (not provisioned for it)',
          {
            cause: error,
          },
        );
      }
      throw error;
    }
  }

  async restore(actor: Actor, backupId: string, into: string | undefined): Promise<RestoredBackup> {
    requireSuperAdmin(actor, 'restore backups');
    if (!this.key)
      throw new UnavailableError('Backups are not configured here (BACKUP_ENCRYPTION_KEY is not set)');
    // A backup of an organization that does not exist (any more) is not one this API restores.
    const source = backupOwner(backupId);
    if (!source || !this.directory.get(source)) throw new NotFoundError('No such backup');
    if (into !== undefined && !this.directory.get(into)) throw new NotFoundError('No such organization');
    try {
      const result = await restoreOrganizationBackup(this.kube, this.key, backupId, into);
      return {
        backup_id: backupId,
        source_org_id: result.source,
        org_id: result.target,
        schema_before: result.schemaBefore,
        schema_after: result.schemaAfter,
      };
    } catch (error) {
      if (error instanceof BackupNotFound) throw new NotFoundError('No such backup');
      if (
        error instanceof WrongKeyError ||
        error instanceof ChecksumMismatch ||
        error instanceof SchemaTooNew ||
        error instanceof TargetNotProvisioned
      )
        throw new ConflictError(error.message, { cause: error });
      throw error;
    }
  }
}
