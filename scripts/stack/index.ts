// The local stack: every server listens on loopback; data, logs and PIDs live in the stack folder.

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { pollUntil } from '@guardian/kube/poll';
import { apiserverJwtAuthenticator, startIdp } from './idp.ts';
import { startKube } from './kube.ts';
import { ensureCa } from './pki.ts';
import {
  bootstrapRoles,
  POSTGRES_SERVERS,
  type PostgresEndpoint,
  ROLES,
  startPostgres,
  url,
} from './postgres.ts';
import { isAlive, StepError } from './process.ts';
import { startRedis } from './redis.ts';
import { startS3 } from './s3.ts';
import type { Stack } from './stack.ts';

const began = Date.now();
const elapsed = () => `${((Date.now() - began) / 1000).toFixed(1)} s`;

async function step<T>(
  stack: Stack,
  name: string,
  log: string | undefined,
  work: () => Promise<T>,
): Promise<T> {
  try {
    const result = await work();
    console.log(`[stack] ${name} ready (${elapsed()})`);
    return result;
  } catch (error) {
    throw new StepError(name, log ?? stack.log(name), `${name} failed`, { cause: error });
  }
}

async function bringUp(stack: Stack): Promise<Record<string, string>> {
  console.log(`[stack] bringing up ${stack.dir}`);
  const idp = step(stack, 'identity provider', stack.log('idp'), () => startIdp(stack));
  // The apiserver trusts the default issuer, so its port must be known before the apiserver starts.
  const [oidc, kube, pg1, pg2, redisUrl, s3] = await Promise.all([
    idp,
    step(stack, 'kubernetes', stack.path('logs'), async () => {
      const { OIDC_ISSUER, OIDC_CLIENT_ID } = await idp;
      const caPem = readFileSync((await ensureCa(stack)).cert, 'utf8');
      return startKube(stack, [
        apiserverJwtAuthenticator(OIDC_ISSUER as string, caPem, OIDC_CLIENT_ID as string),
      ]);
    }),
    ...POSTGRES_SERVERS.map((server) =>
      step(stack, `postgres ${server}`, stack.log(server), async () => {
        const endpoint = await startPostgres(stack, server);
        await bootstrapRoles(stack, endpoint, server === 'pg1');
        return endpoint;
      }),
    ),
    step(stack, 'redis', stack.log('redis'), () => startRedis(stack)),
    step(stack, 's3 (versitygw)', stack.log('versitygw'), () => startS3(stack)),
  ]);
  const servers = [pg1, pg2] as PostgresEndpoint[];
  const platform = servers[0] as PostgresEndpoint;
  const env = {
    ...(kube as { KUBECONFIG: string }),
    ...(oidc as Record<string, string>),
    STACK_CA_FILE: (await ensureCa(stack)).cert,
    DATABASE_URL: url(stack, platform, ROLES.app, 'guardian'),
    DATABASE_ADMIN_URL: url(stack, platform, ROLES.owner, 'guardian'),
    DATABASE_BACKUP_URL: url(stack, platform, ROLES.backup, 'guardian'),
    TENANT_DB_SERVERS: servers
      .map((s) => `${s.server}=${url(stack, s, ROLES.provisioner, 'postgres')}`)
      .join(','),
    REDIS_URL: redisUrl as string,
    ...(s3 as Record<string, string>),
  };
  stack.writeEnv(env);
  console.log(`[stack] up in ${elapsed()}; environment in ${stack.path('env')}`);
  return env;
}

export async function down(stack: Stack, names = stack.recorded()): Promise<void> {
  // Clients first: the apiserver drains open watches on shutdown, and etcd goes last.
  const last = ['kube-apiserver', 'etcd'];
  // SIGINT is Postgres's fast shutdown; everything else stops on SIGTERM.
  const stop = (name: string) => stack.stop(name, name.startsWith('pg') ? 'SIGINT' : 'SIGTERM');
  await Promise.all(names.filter((name) => !last.includes(name)).map(stop));
  for (const name of last) if (names.includes(name)) await stop(name);
}

/** Brings the stack up; on failure stops what this call started and rethrows. */
export async function up(stack: Stack): Promise<Record<string, string>> {
  const release = await lock(stack);
  try {
    return await bringUp(stack);
  } catch (error) {
    const failed = error instanceof StepError ? error : undefined;
    const cause = failed?.cause instanceof Error ? failed.cause.message : String(error);
    console.error(`[stack] ${failed?.step ?? 'stack'} failed: ${cause}`);
    if (failed?.log) console.error(`[stack] see ${failed.log}`);
    if (stack.started.length > 0) {
      console.error(`[stack] stopping what this run started: ${stack.started.join(', ')}`);
      await down(stack, stack.started);
    }
    throw error;
  } finally {
    release();
  }
}

/**
 * One `up` at a time per stack folder: two at once (say, the global setups of two test runs)
 * would both start a component and record only one of them, orphaning the other.
 */
async function lock(stack: Stack): Promise<() => void> {
  const file = stack.path('up.lock');
  const take = () => {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(file, 'utf8'));
      // A lock whose holder died (killed mid-way) is stale; an empty one is being written.
      if (holder > 0 && !isAlive(holder)) rmSync(file, { force: true });
      return undefined;
    }
  };
  return pollUntil(`the lock ${file}`, take, { timeoutMs: Number.POSITIVE_INFINITY, intervalMs: 200 });
}
