import { existsSync, readdirSync } from 'node:fs';
import { run } from './process.ts';

let updated = false;

/** Installs Debian packages whose marker file is missing (the stack runs as root, as CI does). */
export async function ensurePackages(wanted: Record<string, () => boolean>): Promise<void> {
  const missing = Object.entries(wanted)
    .filter(([, present]) => !present())
    .map(([name]) => name);
  if (missing.length === 0) return;
  console.log(`[stack] installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
  try {
    await install();
  } catch (error) {
    if (updated) throw error;
    updated = true;
    await run('apt-get', ['update'], { env });
    await install();
  }
}

/** The newest PostgreSQL server binaries Debian installed (`/usr/lib/postgresql/<v>/bin`). */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(`${root}/${v}/bin/postgres`))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : `${root}/${versions[0]}/bin`;
}
