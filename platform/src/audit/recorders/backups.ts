import { backupOwner } from '../../backup/manifest.ts';
import type { AuditEvent } from '../AuditLog.ts';
import { byCaller, type Recorders, refusal, requestBody, responseBody } from './recorder.ts';

/**
 * Restores: in the chain of the organization restored into (its data was replaced) and, when the
 * backup was another organization's, in that one's too (its data was copied out). Refusals (403)
 * go to the backup's organization.
 */
export function backupRecorders(): Recorders {
  return {
    'POST /admin/backups/{backup_id}/restore': (ctx, failed) => {
      const id = ctx.params?.backup_id ?? '';
      const source = backupOwner(id);
      if (failed) {
        if (!source) return undefined;
        const into = requestBody(ctx).org_id;
        return refusal(
          ctx,
          failed,
          { action: 'backup.restore.refused', target: id, detail: { into: into ?? source } },
          source,
        );
      }
      const restored = responseBody(ctx);
      const target = String(restored.org_id ?? '');
      const from = String(restored.source_org_id ?? '');
      const detail = {
        from,
        into: target,
        schema_before: restored.schema_before,
        schema_after: restored.schema_after,
      };
      const events = [byCaller(ctx, { action: 'backup.restored', target: id, detail }, target)];
      if (from !== target) events.push(byCaller(ctx, { action: 'backup.copied', target: id, detail }, from));
      return events.filter((event): event is AuditEvent => event !== undefined);
    },
  };
}
