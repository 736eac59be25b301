import { existsSync, writeFileSync } from 'node:fs';
import { ensurePackages } from './packages.ts';
import { run, waitFor } from './process.ts';
import type { Stack } from './stack.ts';

const REDIS = '/usr/bin/redis-server';

/** Redis without persistence: it holds only the hourly API limiter, which may be lost. */
export async function startRedis(stack: Stack): Promise<string> {
  await ensurePackages({ 'redis-server': () => existsSync(REDIS) });
  const running = stack.isRunning('redis');
  const port = await stack.port('redis', running);
  const password = stack.secret('redis');
  const url = `redis://:${password}@127.0.0.1:${port}/0`;
  if (running) return url;
  // The password goes in a private config file, not on a command line that `ps` shows.
  const config = stack.path('redis.conf');
  const settings = [`bind 127.0.0.1`, `port ${port}`, `save ""`, 'appendonly no', `dir ${stack.dir}`];
  writeFileSync(config, `${[...settings, `requirepass ${password}`].join('\n')}\n`, { mode: 0o600 });
  stack.start('redis', REDIS, [config]);
  const env = { ...process.env, REDISCLI_AUTH: password };
  await waitFor(
    'redis',
    async () =>
      (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ping'], { env })).trim() === 'PONG',
    { timeoutMs: 15_000, isRunning: () => stack.isRunning('redis') },
  );
  return url;
}
