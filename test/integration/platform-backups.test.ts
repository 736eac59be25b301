// The platform's backup routes against the real stack: listing and restoring for super admins
// only, 404 problem+json for an unknown backup, restores into the same organization or another,
// each audited.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { execute, requestBackup, tenantRows } from '../support/backup.ts';
import { uniqueName } from '../support/kube.ts';
import { operatorSuite } from '../support/operator-suite.ts';
import { type Answer, call, platformKubeconfig, signedIn, startPlatform } from '../support/platform.ts';
import { organization as unlabelled } from '../support/tenancy.ts';
import { databaseSecret } from '../support/tenant-db.ts';

interface AuditPage {
  entries: Array<{ action: string; actor: string; target: string; detail: Record<string, unknown> }>;
}

describe('platform backup routes', () => {
  const key = randomBytes(32).toString('base64');
  const a = uniqueName('it-pba');
  const b = uniqueName('it-pbb');
  const carol = [{ kind: 'User' as const, name: 'carol@startupco.io' }];
  const suite = operatorSuite({
    suite: 'platform-backups',
    env: { BACKUP_ENCRYPTION_KEY: key },
    organizations: [unlabelled(a, { owners: carol }), unlabelled(b)],
  });

  /** Asks the operator for a backup of `org` and returns its id once complete. */
  const backUp = async (org: string, value: string) => {
    const done = await requestBackup(suite.organization(org, org === a ? { owners: carol } : {}), value);
    const id = done.status?.backup?.lastSuccess?.id;
    if (!id)
      throw new Error(`Backup ${value} of ${org} failed: ${done.status?.backup?.lastFailure?.message}`);
    return id;
  };

  it('lists and restores for super admins only, answers 404 for unknown backups, and audits', async () => {
    const url = (await databaseSecret(a)).url;
    await execute(url, `insert into chat_sessions (id, user_id) values ('in-backup', 'carol')`);
    const id = await backUp(a, 'api-1');
    const rowsInBackup = await tenantRows(url);
    await execute(url, `insert into chat_sessions (id, user_id) values ('after-backup', 'carol')`);

    const api = await startPlatform({
      kubeconfig: await platformKubeconfig('guardian-system'),
      env: { BACKUP_ENCRYPTION_KEY: key },
    });
    try {
      const root = await (await signedIn(api.url, 'root@guardian.local')).browser.token();
      const owner = await (await signedIn(api.url, 'carol@startupco.io')).browser.token(a);
      const restore = (token: string | undefined, backup: string, body: unknown = {}) =>
        call(api.url, 'POST', `/admin/backups/${backup}/restore`, token, body);

      // Listing: the super admin sees the backup; the organization's own owner may not.
      const listed = await call(api.url, 'GET', `/admin/backups?org_id=${a}`, root);
      expect(listed.status).toBe(200);
      expect((listed.body as { backups: Array<{ backup_id: string; org_id: string }> }).backups).toEqual([
        expect.objectContaining({ backup_id: id, org_id: a, schema_version: expect.any(String) }),
      ]);
      expect((await call(api.url, 'GET', `/admin/backups?org_id=${a}`, owner)).status).toBe(403);
      expect((await call(api.url, 'GET', `/admin/backups?org_id=${a}`, undefined)).status).toBe(401);

      // Unknown backups: 404 problem+json, malformed or well-formed.
      for (const unknown of [
        `${a}.20200101T000000Z`,
        'not-a-backup-id',
        `${uniqueName('nobody')}.20200101T000000Z`,
      ]) {
        const missing = await restore(root, unknown);
        expect(missing.status, unknown).toBe(404);
        expect(missing.headers.get('content-type')).toContain('application/problem+json');
        expect(missing.body).toMatchObject({ status: 404, detail: 'No such backup' });
      }
      // Not a super admin: 403, even as the organization's owner, and nothing is restored.
      const refused = await restore(owner, id);
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(await tenantRows(url)).toContain('after-backup');
      // Unknown fields and organizations are refused too.
      expect((await restore(root, id, { org: a })).status).toBe(400);
      expect((await restore(root, id, { org_id: uniqueName('nobody') })).status).toBe(404);

      // The super admin restores into the same organization: what came after the backup is gone.
      const same = await restore(root, id);
      expect(same.status, same.text).toBe(200);
      expect(same.body).toMatchObject({ backup_id: id, source_org_id: a, org_id: a });
      expect(await tenantRows(url)).toBe(rowsInBackup);

      // And into another organization, which gets a copy.
      const other = await restore(root, id, { org_id: b });
      expect(other.status, other.text).toBe(200);
      expect(other.body).toMatchObject({ backup_id: id, source_org_id: a, org_id: b });
      expect(await tenantRows((await databaseSecret(b)).url)).toBe(rowsInBackup);

      // Audited: in the organization restored into, and in the one whose data was copied out.
      const audit = async (org: string, action: string) => {
        const page = await call(api.url, 'GET', `/audit?action=${action}`, root, undefined, {
          'x-org-id': org,
        });
        expect(page.status).toBe(200);
        return (page.body as AuditPage).entries;
      };
      expect(await audit(a, 'backup.restored')).toEqual([
        expect.objectContaining({ target: id, detail: expect.objectContaining({ from: a, into: a }) }),
      ]);
      expect(await audit(b, 'backup.restored')).toEqual([
        expect.objectContaining({ target: id, detail: expect.objectContaining({ from: a, into: b }) }),
      ]);
      expect(await audit(a, 'backup.copied')).toHaveLength(1);
      expect(await audit(a, 'backup.restore.refused')).toEqual([
        expect.objectContaining({ target: id, detail: expect.objectContaining({ status: 403 }) }),
      ]);
    } finally {
      await api.stop();
    }
  });

  it('names the failing field of bad input (400), and answers 503 where no backup key is configured', async () => {
    const api = await startPlatform({ kubeconfig: await platformKubeconfig('guardian-system') });
    try {
      const root = await (await signedIn(api.url, 'root@guardian.local')).browser.token();
      const restorePath = `/admin/backups/${a}.20200101T000000Z/restore`;
      const cases: Array<[string, Answer, string]> = [
        ['no org_id', await call(api.url, 'GET', '/admin/backups', root), 'org_id'],
        [
          'no organization name',
          await call(api.url, 'GET', '/admin/backups?org_id=Not_An_Org', root),
          'org_id',
        ],
        ['an unknown field', await call(api.url, 'POST', restorePath, root, { org: a }), 'org'],
        [
          'an org_id of another type',
          await call(api.url, 'POST', restorePath, root, { org_id: 42 }),
          'org_id',
        ],
      ];
      for (const [what, answer, field] of cases) {
        expect(answer.status, what).toBe(400);
        expect(answer.headers.get('content-type'), what).toContain('application/problem+json');
        expect(
          (answer.body as { errors?: { field: string }[] }).errors?.map((e) => e.field),
          what,
        ).toEqual([field]);
      }
      // The same request, well-formed: refused only for the missing key.
      const answer = await call(api.url, 'POST', restorePath, root, {});
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({
        status: 503,
        detail: expect.stringContaining('BACKUP_ENCRYPTION_KEY'),
      });
    } finally {
      await api.stop();
    }
  });

  it('refuses a backup made with another key (409), naming the key ids only, and restores nothing', async () => {
    const url = (await databaseSecret(b)).url;
    const id = await backUp(b, 'api-other-key');
    await execute(url, `insert into chat_sessions (id, user_id) values ('after-other-key', 'carol')`);
    const before = await tenantRows(url);
    const otherKey = randomBytes(32).toString('base64');
    const api = await startPlatform({
      kubeconfig: await platformKubeconfig('guardian-system'),
      env: { BACKUP_ENCRYPTION_KEY: otherKey },
    });
    try {
      const root = await (await signedIn(api.url, 'root@guardian.local')).browser.token();
      const refused = await call(api.url, 'POST', `/admin/backups/${id}/restore`, root, {});
      expect(refused.status, refused.text).toBe(409);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body).toMatchObject({ status: 409, detail: expect.stringMatching(/key/) });
      expect(refused.text).not.toContain(key);
      expect(refused.text).not.toContain(otherKey);
      expect(await tenantRows(url)).toBe(before);
    } finally {
      await api.stop();
    }
  });
});
