import { z } from 'zod';
import { contract } from './registry.ts';
import { orgId } from './token.ts';

export const BackupView = contract(
  'Backup',
  z.strictObject({
    backup_id: z.string().describe('<org_id>.<yyyymmddThhmmssZ>'),
    org_id: orgId,
    database: z.string(),
    server: z.string().describe('The tenant database server it was taken on'),
    server_version: z.string(),
    completed_at: z.iso.datetime(),
    bytes: z.number().int().nonnegative().describe('As stored, encrypted'),
    checksum: z.string().describe('sha256 of the stored object, checked before every restore'),
    schema_version: z.string().nullable().describe('The last tenant migration it holds'),
    guardian_version: z.string(),
  }),
);
export type BackupView = z.infer<typeof BackupView>;

export const BackupList = contract('BackupList', z.strictObject({ backups: z.array(BackupView) }));

export const BackupListQuery = contract(
  'BackupListQuery',
  z.strictObject({ org_id: orgId.describe('The organization whose backups to list') }),
);

export const RestoreBackup = contract(
  'RestoreBackup',
  z.strictObject({
    org_id: orgId
      .optional()
      .describe(
        'The organization to restore into (its database is replaced); default: the backup’s own. Another organization gets a copy it owns.',
      ),
  }),
);
export type RestoreBackup = z.infer<typeof RestoreBackup>;

export const RestoredBackup = contract(
  'RestoredBackup',
  z.strictObject({
    backup_id: z.string(),
    source_org_id: orgId,
    org_id: orgId.describe('The organization restored into'),
    schema_before: z.string().nullable().describe('The schema the backup held'),
    schema_after: z.string().nullable().describe('After migrating forward to this Guardian’s schema'),
  }),
);
export type RestoredBackup = z.infer<typeof RestoredBackup>;
