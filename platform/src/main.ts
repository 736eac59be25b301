import { parseArgs } from 'node:util';
import { systemClock } from '@guardian/kube/clock';
import { environmentHelp } from '@guardian/kube/env';
import { loadClusterAccess } from '@guardian/kube/kubeconfig';
import { pino } from 'pino';
import { parseConfig, platformConfig } from './config.ts';
import { connect } from './db.ts';
import { Platform } from './platform.ts';
import { SigningKeyService } from './services/SigningKeyService.ts';
import { SigningKeyStore } from './stores/SigningKeyStore.ts';

export const platformUsage = `Usage: guardian platform [--port N] [--host IP] [--metrics-port N]
       guardian platform rotate-keys

Runs the HTTP API: login, tokens, tenancy, quotas, rate limits, usage and audit. Kubernetes
credentials come from KUBECONFIG or, in a Pod, its ServiceAccount.

rotate-keys publishes a new token signing key now, which starts signing one token lifetime later,
and deletes keys whose tokens have all expired. Run it on a schedule (e.g. a CronJob); nobody is
logged out by it.

Environment:
${environmentHelp(platformConfig)}`;

/** `guardian platform [rotate-keys]`. */
export async function runPlatform(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { port: { type: 'string' }, host: { type: 'string' }, 'metrics-port': { type: 'string' } },
    allowPositionals: true,
  });
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (values.port !== undefined) env.PORT = values.port;
  if (values.host !== undefined) env.HOST = values.host;
  if (values['metrics-port'] !== undefined) env.METRICS_PORT = values['metrics-port'];
  const config = parseConfig(platformConfig, env);
  const log = pino({ level: config.LOG_LEVEL, base: { component: 'platform' } });

  if (positionals[0] === 'rotate-keys') {
    const db = connect(config.DATABASE_URL, { max: 1 });
    try {
      const keys = new SigningKeyService({
        store: new SigningKeyStore(db),
        encryptionKey: config.GUARDIAN_ENCRYPTION_KEY,
        tokenTtlMs: config.TOKEN_TTL_SECONDS * 1000,
        clock: systemClock,
      });
      const { kid, activateAt } = await keys.rotate();
      const deleted = await keys.prune();
      console.log(`Published signing key ${kid}; it signs from ${activateAt.toISOString()}`);
      if (deleted.length > 0) console.log(`Deleted expired signing keys ${deleted.join(', ')}`);
    } finally {
      await db.destroy();
    }
    return;
  }
  if (positionals.length > 0)
    throw new Error(`Unknown platform command: ${positionals.join(' ')}\n\n${platformUsage}`);

  const platform = await Platform.create({ config, kube: loadClusterAccess(), log });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'Shutting down');
    await platform.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  await platform.start();
}
