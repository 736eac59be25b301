import { parseArgs } from 'node:util';
import { KubeClient } from '@guardian/kube/client';
import { type Clock, systemClock } from '@guardian/kube/clock';
import { parseConfig } from '@guardian/kube/env';
import { type ClusterAccess, loadClusterAccess } from '@guardian/kube/kubeconfig';
import { type Agent, AgentRunStore, TenantDatabases } from '@guardian/platform/agents';
import { checkpointKey } from '@guardian/platform/audit';
import { connect } from '@guardian/platform/db';
import { StorageProvisioner, storageTarget } from '@guardian/platform/storage';
import { TenantPools, TenantProvisioner } from '@guardian/platform/tenant-db';
import { builtInTemplates, RemediationStore, type TemplateCatalog } from '@guardian/platform/workflows';
import { type Logger, pino } from 'pino';
import { auditTrail } from './audit/trail.ts';
import { type OperatorConfig, operatorConfig, operatorFlags } from './config.ts';
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

/** What a test may replace of what `guardian operator` runs: time, templates, agents, where the apiserver is. */
export interface OperatorOptions {
  clock?: Clock;
  templates?: TemplateCatalog;
  agents?: readonly Agent[];
  kube?: ClusterAccess;
  log?: Logger;
}

export interface RunningOperatorProcess {
  manager: Manager;
  /** Stops the controllers (finishing reconciles in flight), releases the Lease, closes connections. */
  stop(): Promise<void>;
}

/**
 * The operator's one composition root: the apiserver client, the manager and its informers, the
 * databases (tenant servers, the platform database) and every controller; `manager.start()` runs
 * it. `guardian operator` calls it; tests build it in-process with their own clock.
 */
export function createOperator(
  config: OperatorConfig,
  options: OperatorOptions = {},
): RunningOperatorProcess {
  const log =
    options.log ?? pino({ level: config.LOG_LEVEL, base: { component: 'operator', pod: config.POD_NAME } });
  const clock = options.clock ?? systemClock;
  const client = new KubeClient(options.kube ?? loadClusterAccess());
  const manager = new Manager({
    client,
    log,
    metrics: new OperatorMetrics(),
    probes: { host: config.OPERATOR_PROBE_ADDRESS, port: config.OPERATOR_METRICS_PORT },
    resyncMs: config.OPERATOR_RESYNC_SECONDS * 1000,
    clock,
    leaderElection: config.LEADER_ELECT
      ? {
          namespace: config.OPERATOR_NAMESPACE,
          name: 'guardian-operator',
          identity: config.POD_NAME,
          leaseDurationMs: config.LEADER_ELECT_LEASE_DURATION_SECONDS * 1000,
          renewDeadlineMs: config.LEADER_ELECT_RENEW_DEADLINE_SECONDS * 1000,
          retryPeriodMs: config.LEADER_ELECT_RETRY_PERIOD_SECONDS * 1000,
        }
      : undefined,
  });
  const events = eventRecorder(client, log, config.POD_NAME);
  const provisioner = new TenantProvisioner(config.TENANT_DB_SERVERS, {
    connectionLimit: config.TENANT_DB_CONNECTION_LIMIT,
  });
  const storage = new StorageProvisioner(storageTarget(config));
  // The platform database as its app role, and tenant databases for agents steps' runs.
  const db = connect(config.DATABASE_URL, { max: 4 });
  const pools = new TenantPools({ maxTenants: 50, connectionsPerTenant: 1 });
  const databases = new TenantDatabases({ kube: client, pools });
  registerControllers(manager, client, clock, events, {
    // What the operator changes, appended to each organization's audit chain.
    audit: auditTrail(db, config.GUARDIAN_ENCRYPTION_KEY, clock),
    subjectPrefix: config.OIDC_SUBJECT_PREFIX,
    platformNamespace: config.PLATFORM_NAMESPACE,
    platformServiceAccount: config.PLATFORM_SERVICE_ACCOUNT,
    operatorNamespace: config.OPERATOR_NAMESPACE,
    operatorServiceAccount: config.OPERATOR_SERVICE_ACCOUNT,
    provisioner,
    storage,
    workers: config.OPERATOR_WORKERS,
    deletionGraceMs: config.OPERATOR_DELETION_GRACE_SECONDS * 1000,
    organizationSelector: config.OPERATOR_ORGANIZATION_SELECTOR,
    // Half the resync period, so that every resync checks each tenant database again.
    databaseCheckMs: (config.OPERATOR_RESYNC_SECONDS * 1000) / 2,
    backup: {
      key: config.BACKUP_ENCRYPTION_KEY,
      defaults: { schedule: config.BACKUP_SCHEDULE || undefined, retention: config.BACKUP_RETENTION },
      workers: config.BACKUP_WORKERS,
    },
    workflows: {
      db,
      auditKey: checkpointKey(config.GUARDIAN_ENCRYPTION_KEY),
      agentRuns: new AgentRunStore(databases),
      remediations: new RemediationStore(databases),
      templates: options.templates ?? builtInTemplates,
      ...(options.agents ? { agents: options.agents } : {}),
    },
  });
  return {
    manager,
    async stop() {
      await manager.stop();
      await provisioner.close();
      await pools.close();
      await db.destroy();
      await client.close();
    },
  };
}

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
  const operator = createOperator(config, { log });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'Shutting down');
    await operator.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  log.info(
    { probes: `${config.OPERATOR_PROBE_ADDRESS}:${config.OPERATOR_METRICS_PORT}` },
    'Starting operator',
  );
  await operator.manager.start();
}
