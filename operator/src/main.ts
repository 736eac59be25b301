import { parseArgs } from 'node:util';
import { KubeClient } from '@guardian/kube/client';
import { systemClock } from '@guardian/kube/clock';
import { parseConfig } from '@guardian/kube/env';
import { loadClusterAccess } from '@guardian/kube/kubeconfig';
import { TenantProvisioner } from '@guardian/platform/tenant-db';
import { pino } from 'pino';
import { auditTrail, noAudit } from './audit/trail.ts';
import { operatorConfig, operatorFlags } from './config.ts';
import { registerControllers } from './controllers/index.ts';
import { eventRecorder } from './runtime/events.ts';
import { Manager } from './runtime/manager.ts';
import { OperatorMetrics } from './runtime/metrics.ts';

export const operatorUsage = `Usage: guardian operator [--metrics-port N] [--probe-address IP] [--namespace NS] [--service-account SA]
                        [--leader-elect true|false] [--resync-seconds N] [--workers N]
                        [--deletion-grace-seconds N]
                        [--organization-selector SELECTOR]
                        [--oidc-subject-prefix P] [--platform-namespace NS] [--platform-service-account SA]
                        [--log-level L]

Runs Guardian's controllers. Kubernetes credentials come from KUBECONFIG (a file it names that
cannot be read is an error) or, in a Pod, its ServiceAccount.

  --organization-selector SELECTOR  Reconcile only the Organizations this label selector matches
                                    (e.g. 'guardian.aiops.dev/install=eu'; default empty: all), and
                                    only their Teams and children, so that several installs share a
                                    cluster. The plan counts it writes are of the plans the selector
                                    matches too (label an install's plans like its organizations).
  --deletion-grace-seconds N        How long an organization deleted through the API stays
                                    restorable (default 604800, 7 days); then the operator deletes it.

Every flag has an environment variable: ${Object.values(operatorFlags).join(', ')}.`;

/** `guardian operator`: parse the configuration, run the manager until SIGTERM/SIGINT. */
export async function runOperator(args: string[]): Promise<void> {
  const options = Object.fromEntries(
    Object.keys(operatorFlags).map((flag) => [flag, { type: 'string' as const }]),
  );
  const { values } = parseArgs({ args, options, allowPositionals: false });
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [flag, variable] of Object.entries(operatorFlags)) {
    const value = values[flag];
    if (value !== undefined) env[variable] = String(value);
  }
  const config = parseConfig(operatorConfig, env);
  const log = pino({ level: config.LOG_LEVEL, base: { component: 'operator', pod: config.POD_NAME } });
  const client = new KubeClient(loadClusterAccess());
  const manager = new Manager({
    client,
    log,
    metrics: new OperatorMetrics(),
    probes: { host: config.OPERATOR_PROBE_ADDRESS, port: config.OPERATOR_METRICS_PORT },
    resyncMs: config.OPERATOR_RESYNC_SECONDS * 1000,
    leaderElection: config.LEADER_ELECT
      ? { namespace: config.OPERATOR_NAMESPACE, name: 'guardian-operator', identity: config.POD_NAME }
      : undefined,
  });
  const events = eventRecorder(client, log, config.POD_NAME);
  const provisioner = new TenantProvisioner(config.TENANT_DB_SERVERS, {
    connectionLimit: config.TENANT_DB_CONNECTION_LIMIT,
  });
  const audit =
    config.DATABASE_URL && config.GUARDIAN_ENCRYPTION_KEY
      ? auditTrail(config.DATABASE_URL, config.GUARDIAN_ENCRYPTION_KEY, systemClock)
      : noAudit;
  if (audit === noAudit) log.warn('No DATABASE_URL: the operator writes no audit entries');
  registerControllers(manager, client, systemClock, events, {
    audit,
    subjectPrefix: config.OIDC_SUBJECT_PREFIX,
    platformNamespace: config.PLATFORM_NAMESPACE,
    platformServiceAccount: config.PLATFORM_SERVICE_ACCOUNT,
    operatorNamespace: config.OPERATOR_NAMESPACE,
    operatorServiceAccount: config.OPERATOR_SERVICE_ACCOUNT,
    provisioner,
    workers: config.OPERATOR_WORKERS,
    deletionGraceMs: config.OPERATOR_DELETION_GRACE_SECONDS * 1000,
    organizationSelector: config.OPERATOR_ORGANIZATION_SELECTOR,
    // Half the resync period, so that every resync checks each tenant database again.
    databaseCheckMs: (config.OPERATOR_RESYNC_SECONDS * 1000) / 2,
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'Shutting down');
    await manager.stop();
    await provisioner.close();
    await audit.close();
    await client.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  log.info(
    { server: client.server, probes: `${config.OPERATOR_PROBE_ADDRESS}:${config.OPERATOR_METRICS_PORT}` },
    'Starting operator',
  );
  await manager.start();
}
