import { BackupList, BackupListQuery, RestoreBackup, RestoredBackup } from '../contract/backups.ts';
import { type Api, problem } from '../http/operation.ts';
import type { BackupService } from '../services/BackupService.ts';

export function backupRoutes(api: Api, service: BackupService): void {
  api.mount(
    {
      method: 'get',
      path: '/admin/backups',
      tag: 'backups',
      summary: 'An organization’s backups, newest first (super admins)',
      description: 'Complete backups only: one a crash or failure interrupted is never listed.',
      auth: 'any',
      query: BackupListQuery,
      responses: {
        200: { description: 'Its backups', schema: BackupList },
        400: problem('No or an invalid org_id'),
        401: problem('No valid credential'),
        403: problem('Not a super admin'),
        404: problem('No such organization'),
        409: problem('The platform may not read the organization’s storage (not provisioned for it)'),
      },
    },
    async (ctx, { query, actor }) => {
      ctx.body = BackupList.parse({ backups: await service.list(actor, query.org_id) });
    },
  );

  api.mount(
    {
      method: 'post',
      path: '/admin/backups/{backup_id}/restore',
      tag: 'backups',
      summary: 'Restore a backup into its organization, or into another (super admins)',
      description:
        'Checks the backup against its manifest (key id, size, sha256), then replaces the target organization’s ' +
        'tenant database with it in one transaction, and migrates it forward when the backup is older. ' +
        'Into the same organization this loses what was written since the backup; into another, that ' +
        'organization gets a copy owned by its own role. Large databases: `guardian restore`.',
      auth: 'any',
      body: RestoreBackup,
      responses: {
        200: { description: 'Restored', schema: RestoredBackup },
        400: problem('Invalid input'),
        401: problem('No valid credential'),
        403: problem('Not a super admin'),
        404: problem('No such backup, or no such target organization'),
        409: problem(
          'The backup fails its checksum, was made with another key or a newer schema, or the target has no database yet',
        ),
        503: problem('Backups are not configured (BACKUP_ENCRYPTION_KEY)'),
      },
    },
    async (ctx, { params, body, actor }) => {
      ctx.body = RestoredBackup.parse(await service.restore(actor, params.backup_id ?? '', body.org_id));
    },
  );
}
