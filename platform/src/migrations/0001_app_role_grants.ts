import type { Migration } from './index.ts';

/**
 * The app role reads and writes rows of every table the owner creates, and can create nothing
 * itself. Default privileges make that hold for tables later migrations add.
 */
export function appRoleGrants(appRole: string): Migration {
  return {
    name: '0001_app_role_grants',
    async up(db) {
      await db.raw('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
      await db.raw('GRANT USAGE ON SCHEMA public TO ??', [appRole]);
      await db.raw(
        'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ??',
        [appRole],
      );
      await db.raw('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ??', [
        appRole,
      ]);
    },
    async down(db) {
      await db.raw('ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM ??', [appRole]);
      await db.raw('ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM ??', [appRole]);
      await db.raw('REVOKE USAGE ON SCHEMA public FROM ??', [appRole]);
    },
  };
}
