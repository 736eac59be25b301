import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { stackEnv } from '../support/stack.ts';

const guardian = resolve(import.meta.dirname, '../../bin/guardian.ts');
const exec = promisify(execFile);

function run(env: NodeJS.ProcessEnv) {
  return exec(process.execPath, [guardian, 'migrate'], { env: { PATH: process.env.PATH, ...env } }).then(
    ({ stdout }) => ({ code: 0, out: stdout }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, out: error.stderr }),
  );
}

describe('guardian migrate', () => {
  const env = { DATABASE_URL: stackEnv('DATABASE_URL'), DATABASE_ADMIN_URL: stackEnv('DATABASE_ADMIN_URL') };

  it('brings the schema up to date, then finds nothing to do', async () => {
    const first = await run(env);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/Applied 0001_app_role_grants|Already up to date/);
    expect(await run(env)).toEqual({ code: 0, out: 'Already up to date\n' });

    const client = new pg.Client({ connectionString: env.DATABASE_ADMIN_URL });
    await client.connect();
    try {
      const { rows } = await client.query(
        `select defaclobjtype as kind, array_to_string(defaclacl, ',') as acl from pg_default_acl order by 1`,
      );
      expect(rows.map((r) => r.kind)).toEqual(['S', 'r']);
      for (const row of rows) expect(row.acl).toContain('guardian_app=');
    } finally {
      await client.end();
    }
  });

  it('stops with the names of missing settings and never echoes a secret', async () => {
    const result = await run({ DATABASE_URL: 'mysql://root:hunter2@127.0.0.1/guardian' });
    expect(result.code).toBe(1);
    expect(result.out).toContain('DATABASE_ADMIN_URL: is required');
    expect(result.out).toContain('DATABASE_URL: must be a postgres:// URL');
    expect(result.out).not.toContain('hunter2');
  });
});
