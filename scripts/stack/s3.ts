import { mkdirSync } from 'node:fs';
import { ensureBinaries, K8S_BIN } from './kube.ts';
import { waitFor } from './process.ts';
import type { Stack } from './stack.ts';

/** The root account of the stack's S3 server: it creates each organization's account and bucket. */
export const S3_ROOT_ACCESS_KEY = 'guardian-root';

/**
 * A real S3-compatible server, versitygw, over a folder of the stack (its posix backend: a bucket
 * is a directory, an object a file), with its internal IAM (accounts in a file beside the data),
 * so an organization's credentials reach its own bucket only. The admin API (accounts, bucket
 * owners) is served on the same port, signed with the root account's keys.
 */
export async function startS3(stack: Stack): Promise<Record<string, string>> {
  await ensureBinaries(['versitygw']);
  const running = stack.isRunning('versitygw');
  const port = await stack.port('versitygw', running);
  const endpoint = `http://127.0.0.1:${port}`;
  const env = {
    S3_ENDPOINT: endpoint,
    S3_REGION: 'us-east-1',
    S3_ACCESS_KEY_ID: S3_ROOT_ACCESS_KEY,
    S3_SECRET_ACCESS_KEY: stack.secret('s3-root'),
  };
  if (running) return env;
  const data = stack.path('s3', 'data');
  const iam = stack.path('s3', 'iam');
  for (const dir of [data, iam]) mkdirSync(dir, { recursive: true, mode: 0o700 });
  stack.start(
    'versitygw',
    `${K8S_BIN}/versitygw`,
    ['--port', `127.0.0.1:${port}`, '--iam-dir', iam, '--health', '/healthz', '--quiet', 'posix', data],
    // The root keys go in the environment, not on a command line that `ps` shows.
    {
      env: {
        ...process.env,
        ROOT_ACCESS_KEY_ID: env.S3_ACCESS_KEY_ID,
        ROOT_SECRET_ACCESS_KEY: env.S3_SECRET_ACCESS_KEY,
      },
    },
  );
  await waitFor('versitygw', async () => (await fetch(`${endpoint}/healthz`)).ok, {
    timeoutMs: 30_000,
    isRunning: () => stack.isRunning('versitygw'),
  });
  return env;
}
