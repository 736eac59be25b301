import { randomBytes } from 'node:crypto';
import { connect } from '../../platform/src/db.ts';
import { stackEnv } from './stack.ts';

/**
 * A platform database of its own for a release under test, on the stack's platform server: the
 * other suites keep the shared one at the newest schema, which an older release refuses to migrate
 * (its migrations do not know the newer ones), just as a real installation of that release starts
 * from an empty database. The provisioning role creates it (and so owns it and runs migrations in
 * it); the app role may connect. While it exists DATABASE_URL and DATABASE_ADMIN_URL name it, so
 * the release's Secrets and the test's own reads go there. The returned function drops it and
 * restores the environment.
 */
export async function ownPlatformDatabase(): Promise<() => Promise<void>> {
  const saved = {
    DATABASE_URL: stackEnv('DATABASE_URL'),
    DATABASE_ADMIN_URL: stackEnv('DATABASE_ADMIN_URL'),
  };
  const platformServer = new URL(saved.DATABASE_ADMIN_URL).host;
  const provisioner = stackEnv('TENANT_DB_SERVERS')
    .split(',')
    .map((pair) => pair.slice(pair.indexOf('=') + 1))
    .find((url) => new URL(url).host === platformServer);
  if (!provisioner)
    throw new Error(`No provisioning role on the platform database's server ${platformServer}`);
  const name = `guardian_release_${randomBytes(4).toString('hex')}`;
  const appRole = decodeURIComponent(new URL(saved.DATABASE_URL).username);
  const server = connect(provisioner, { max: 1 });
  try {
    await server.raw(`CREATE DATABASE ${name}`);
    await server.raw(`REVOKE ALL ON DATABASE ${name} FROM PUBLIC`);
    await server.raw(`GRANT CONNECT ON DATABASE ${name} TO ??`, [appRole]);
  } finally {
    await server.destroy();
  }
  const inDatabase = (url: string) => Object.assign(new URL(url), { pathname: `/${name}` }).toString();
  process.env.DATABASE_ADMIN_URL = inDatabase(provisioner);
  process.env.DATABASE_URL = inDatabase(saved.DATABASE_URL);
  return async () => {
    Object.assign(process.env, saved);
    const again = connect(provisioner, { max: 1 });
    try {
      await again.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await again.destroy();
    }
  };
}
