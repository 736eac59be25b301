// `make dev`: the development stack, Guardian's CRDs, policies and plans, the web console (built,
// then rebuilt on every change by Vite's build watch), then Guardian's own processes in the
// foreground with their logs prefixed, until Ctrl-C; then it stops what it started (a stack that
// was already up stays up).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { installManifests } from '@guardian/crds/install';
import { KubeClient } from '@guardian/kube/client';
import { loadClusterAccess } from '@guardian/kube/kubeconfig';
import * as k8s from '@kubernetes/client-node';
import { migrate } from '../platform/src/db.ts';
import { startSmtp } from '../test/support/smtp.ts';
import { createDemoOrganizations } from './demo-orgs.ts';
import { operatorIdentity, platformIdentity } from './service-account-identity.ts';
import { down, up } from './stack/index.ts';
import { Stack } from './stack/stack.ts';

const OPERATOR_NAMESPACE = 'guardian-system';

interface Service {
  name: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
}

const buildConsole = [resolve('node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'];

const stack = new Stack('.stack', false);
let env: Record<string, string>;
try {
  env = await up(stack);
} catch {
  process.exit(1);
}

const admin = new k8s.KubeConfig();
admin.loadFromFile(env.KUBECONFIG ?? '');
await installManifests(new KubeClient(loadClusterAccess(env)), { fieldManager: 'guardian-dev' });
console.log('[dev] installed CRDs, admission policies and default plans');
const operatorKubeconfig = await operatorIdentity(
  admin,
  OPERATOR_NAMESPACE,
  stack.path('kube', 'operator.kubeconfig'),
);
const operatorPort = process.env.OPERATOR_METRICS_PORT ?? '8081';
await migrate(env.DATABASE_ADMIN_URL ?? '', env.DATABASE_URL ?? '');
const platformKubeconfig = await platformIdentity(
  admin,
  OPERATOR_NAMESPACE,
  stack.path('kube', 'platform.kubeconfig'),
);
const platformPort = process.env.PORT ?? '8080';
const platformMetricsPort = process.env.METRICS_PORT ?? '9090';
// Derived from a secret kept with the stack's data, so signing keys stay readable across restarts.
const encryptionKey = createHash('sha256').update(stack.secret('platform-encryption')).digest('base64');
// Likewise the backup key: backups of earlier runs stay restorable.
const backupKey = createHash('sha256').update(stack.secret('backup-encryption')).digest('base64');

// Guardian's processes, one line each; they get the stack's environment plus their own.
// Invitation mail goes over real SMTP to a local sink that prints each message's links here.
const mail = await startSmtp();
let printed = 0;
setInterval(() => {
  for (const message of mail.messages.slice(printed)) {
    const links = message.text.match(/https?:\/\/[^\s"<>]+/g) ?? [];
    console.log(`[mail] to ${message.to.join(', ')}: ${links.join(' ') || '(no link)'}`);
  }
  printed = mail.messages.length;
}, 500).unref();

// Built once before the platform starts, so the console is there when its URL is printed; the
// watch that follows rebuilds it on every change (reload the page to see it).
execFileSync(process.execPath, buildConsole, { cwd: 'web', stdio: 'inherit' });
console.log('[dev] built the console into web/dist');

const services: Service[] = [
  {
    name: 'console',
    args: [...buildConsole, '--watch'],
    cwd: 'web',
  },
  {
    name: 'operator',
    args: ['bin/guardian.ts', 'operator', '--metrics-port', operatorPort, '--namespace', OPERATOR_NAMESPACE],
    // Organizations' buckets on the stack's S3 server (S3_* from .stack/env), and their backups; the
    // platform database for workflow runs (their ledger, audit trail and slots).
    env: {
      KUBECONFIG: operatorKubeconfig,
      BACKUP_ENCRYPTION_KEY: backupKey,
      GUARDIAN_ENCRYPTION_KEY: encryptionKey,
    },
  },
  {
    name: 'platform',
    args: ['bin/guardian.ts', 'platform', '--port', platformPort, '--metrics-port', platformMetricsPort],
    env: {
      KUBECONFIG: platformKubeconfig,
      OIDC_CA_FILE: env.STACK_CA_FILE ?? '',
      // The development identity provider listens on loopback, which outbound requests may not reach otherwise.
      OUTBOUND_ALLOWED_CIDRS: '127.0.0.1/32',
      GUARDIAN_ENCRYPTION_KEY: encryptionKey,
      GUARDIAN_SUPER_ADMINS: process.env.GUARDIAN_SUPER_ADMINS ?? 'root@guardian.local',
      SMTP_URL: mail.url,
      BACKUP_ENCRYPTION_KEY: backupKey,
    },
  },
];

const withoutPassword = (url: string) => url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
const pad = '\n                     ';
console.log(`
Guardian development stack is up. Credentials: ${stack.path('env')} (\`source .stack/env\`)
  Kubernetes         export KUBECONFIG=${env.KUBECONFIG}   (kubectl get qp; kubectl explain organization.spec)
  Console            http://127.0.0.1:${platformPort}/   (rebuilt on every change to web/; reload the page)
  Platform API       http://127.0.0.1:${platformPort}/openapi.json   (metrics: http://127.0.0.1:${platformMetricsPort}/metrics)
  Operator           http://127.0.0.1:${operatorPort}/metrics, /healthz, /readyz (as ServiceAccount ${OPERATOR_NAMESPACE}/guardian-operator)
  Identity providers ${env.OIDC_ISSUER} (default)${pad}${env.OIDC_ISSUER_TECHCORP} (techcorp)${pad}HTTPS with the stack's CA, which browsers do not trust: see docs/development/local-stack.md ("Demo logins")
  OIDC client        ${env.OIDC_CLIENT_ID} (secret in .stack/env)
  Platform database  ${withoutPassword(env.DATABASE_URL ?? '')}
  Tenant servers     ${(env.TENANT_DB_SERVERS ?? '').split(',').map(withoutPassword).join(pad)}
  Redis              ${withoutPassword(env.REDIS_URL ?? '')}
  S3 (versitygw)     ${env.S3_ENDPOINT}   (organizations' buckets; backups daily at 03:00 UTC: kubectl get org -o wide)
  Mail (dev sink)    ${mail.url}   (invitation mail is printed here as [mail] lines)
Demo logins (password: demo)
  root@guardian.local    super admin                            default issuer
  alice@techcorp.com     owner of techcorp                      techcorp issuer
  bob@techcorp.com       member of techcorp                     techcorp issuer
  carol@startupco.io     owner of startupco                     default issuer
  dana@startupco.io      read-only in startupco                 default issuer
  erin@startupco.io      member of startupco's team platform    default issuer
  frank@startupco.io     lead of startupco's team platform      default issuer
Press Ctrl-C to stop.
`);

const children: ChildProcess[] = services.map((service) => {
  const child = spawn(process.execPath, service.args, {
    cwd: service.cwd,
    env: { ...process.env, ...env, ...service.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => console.log(`[${service.name}] ${line}`));
  }
  child.on('exit', (code, signal) => console.log(`[${service.name}] exited (${signal ?? code})`));
  return child;
});

// After the services start: the operator makes the namespaces the demo organizations' Secrets go in.
createDemoOrganizations(admin, env, OPERATOR_NAMESPACE).then(
  () =>
    console.log('[dev] demo organizations techcorp and startupco (with its team and people) are in place'),
  (error: unknown) => console.error('[dev] could not create the demo organizations', error),
);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping...');
  await Promise.all(
    children.map(
      (child) =>
        new Promise((exited) => {
          if (child.exitCode !== null || child.signalCode !== null) return exited(undefined);
          child.once('exit', exited);
          child.kill('SIGTERM');
        }),
    ),
  );
  await down(stack, stack.started);
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
