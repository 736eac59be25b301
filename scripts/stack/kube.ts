import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ensureCa, ensureCert, ensureSigningKey, type KeyPair } from './pki.ts';
import { run, waitFor } from './process.ts';
import type { Stack } from './stack.ts';

const repo = resolve(import.meta.dirname, '../..');
export const K8S_BIN = resolve(repo, '.tools/k8s/bin');
const bin = (name: string) => `${K8S_BIN}/${name}`;

/**
 * Resolves binaries of the stack (env, envtest assets, cache, else a one-time build): `groups` of
 * scripts/k8s/binaries.sh, the control plane's by default.
 */
export function ensureBinaries(groups = ['etcd', 'kwok', 'helm', 'kube']): Promise<void> {
  return new Promise((done, fail) => {
    const script = resolve(repo, 'scripts/k8s/binaries.sh');
    const child = spawn('bash', [script, K8S_BIN, ...groups], { stdio: 'inherit' });
    child.on('exit', (code) =>
      code === 0 ? done() : fail(new Error(`scripts/k8s/binaries.sh exited ${code}`)),
    );
  });
}

function kubeconfig(server: string, ca: string, user: KeyPair): string {
  const b64 = (file: string) => readFileSync(file).toString('base64');
  return `apiVersion: v1
kind: Config
clusters:
- name: guardian-stack
  cluster: {server: '${server}', certificate-authority-data: ${b64(ca)}}
users:
- name: user
  user: {client-certificate-data: ${b64(user.cert)}, client-key-data: ${b64(user.key)}}
contexts:
- name: guardian-stack
  context: {cluster: guardian-stack, user: user}
current-context: guardian-stack
`;
}

// Writes only, at Metadata level: the tests count an actor's writes from this log.
const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: Metadata
  verbs: [create, update, patch, delete, deletecollection]
- level: None
`;

// The fake Node kwok manages: Deployments scheduled here get Ready pods without containers.
const FAKE_NODE = `apiVersion: v1
kind: Node
metadata:
  name: kwok-node-0
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
  labels: {kubernetes.io/hostname: kwok-node-0, kubernetes.io/os: linux, kubernetes.io/arch: amd64, type: kwok}
status:
  allocatable: {cpu: "32", memory: 256Gi, pods: "250"}
  capacity: {cpu: "32", memory: 256Gi, pods: "250"}
`;

/** The structured authentication config; the dev identity provider's issuers are added to `jwt`. */
export function writeAuthenticationConfig(stack: Stack, jwt: unknown[] = []): string {
  const file = stack.path('kube', 'authentication.json');
  const config = { apiVersion: 'apiserver.config.k8s.io/v1', kind: 'AuthenticationConfiguration', jwt };
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/**
 * A real control plane on loopback: etcd, kube-apiserver (RBAC, service-account keys, audit log,
 * structured authentication), kube-controller-manager (namespace deletion, garbage collection),
 * kube-scheduler and kwok with one fake Node. `USE_EXISTING_CLUSTER=true` uses `KUBECONFIG` instead.
 */
export async function startKube(stack: Stack, jwt: unknown[]): Promise<{ KUBECONFIG: string }> {
  if (process.env.USE_EXISTING_CLUSTER === 'true') {
    const existing = process.env.KUBECONFIG;
    if (!existing) throw new Error('USE_EXISTING_CLUSTER=true needs KUBECONFIG');
    return { KUBECONFIG: existing };
  }
  await ensureBinaries();
  const dir = stack.path('kube');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = await ensureCa(stack);
  const sa = await ensureSigningKey(stack, 'service-accounts');
  // Written on every start: a running apiserver reloads it, so issuer changes apply live.
  const authentication = writeAuthenticationConfig(stack, jwt);

  const etcdPort = await stack.port('etcd', stack.isRunning('etcd'));
  if (!stack.isRunning('etcd')) {
    const peerPort = await stack.port('etcd-peer', false);
    const client = `http://127.0.0.1:${etcdPort}`;
    const peer = `http://127.0.0.1:${peerPort}`;
    stack.start('etcd', bin('etcd'), [
      ...['--name=guardian', `--data-dir=${stack.path('etcd')}`],
      ...[`--listen-client-urls=${client}`, `--advertise-client-urls=${client}`],
      ...[
        `--listen-peer-urls=${peer}`,
        `--initial-advertise-peer-urls=${peer}`,
        `--initial-cluster=guardian=${peer}`,
      ],
      '--log-level=warn',
      ...(stack.forTests ? ['--unsafe-no-fsync'] : []),
    ]);
  }

  const apiPort = await stack.port('kube-apiserver', stack.isRunning('kube-apiserver'));
  const server = `https://127.0.0.1:${apiPort}`;
  const admin = await ensureCert(stack, 'admin', { cn: 'guardian-stack-admin', groups: ['system:masters'] });
  const adminConfig = `${dir}/admin.kubeconfig`;
  writeFileSync(adminConfig, kubeconfig(server, ca.cert, admin), { mode: 0o600 });
  if (!stack.isRunning('kube-apiserver')) {
    const serving = await ensureCert(stack, 'kube-apiserver', {
      cn: 'kube-apiserver',
      hosts: [
        '127.0.0.1',
        'localhost',
        'kubernetes',
        'kubernetes.default',
        'kubernetes.default.svc',
        '10.96.0.1',
      ],
    });
    writeFileSync(`${dir}/audit-policy.yaml`, AUDIT_POLICY);
    stack.start('kube-apiserver', bin('kube-apiserver'), [
      `--etcd-servers=http://127.0.0.1:${etcdPort}`,
      ...['--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`],
      ...[
        `--tls-cert-file=${serving.cert}`,
        `--tls-private-key-file=${serving.key}`,
        `--client-ca-file=${ca.cert}`,
      ],
      '--authorization-mode=Node,RBAC',
      // As every real cluster: privileged containers are a matter for admission (Pod Security),
      // not refused outright, so agents and tests see the workloads tenants really run.
      '--allow-privileged=true',
      `--authentication-config=${authentication}`,
      ...[`--service-account-key-file=${sa.pub}`, `--service-account-signing-key-file=${sa.key}`],
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--service-cluster-ip-range=10.96.0.0/16',
      ...[`--audit-policy-file=${dir}/audit-policy.yaml`, `--audit-log-path=${stack.log('kube-audit')}`],
      '--audit-log-maxsize=0',
      '--profiling=false',
    ]);
  }
  const kubectl = (...args: string[]) => run(bin('kubectl'), [`--kubeconfig=${adminConfig}`, ...args]);
  await waitFor('kube-apiserver', async () => (await kubectl('get', '--raw=/readyz')).trim() === 'ok', {
    timeoutMs: 120_000,
    isRunning: () => stack.isRunning('kube-apiserver'),
  });

  await Promise.all([
    startController(stack, 'kube-controller-manager', server, ca.cert, [
      `--service-account-private-key-file=${sa.key}`,
      `--root-ca-file=${ca.cert}`,
      '--use-service-account-credentials=true',
      '--controllers=*,-nodeipam',
    ]),
    startController(stack, 'kube-scheduler', server, ca.cert, []),
  ]);

  if (!stack.isRunning('kwok')) {
    const kwokPort = await stack.port('kwok', false);
    stack.start('kwok', bin('kwok'), [
      `--kubeconfig=${adminConfig}`,
      `--config=${resolve(repo, 'scripts/kwok/stages.yaml')}`,
      '--manage-all-nodes=false',
      '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
      `--server-address=127.0.0.1:${kwokPort}`,
      '--cidr=10.244.0.0/16',
      '--node-ip=127.0.0.1',
    ]);
  }
  await run('bash', [
    '-c',
    `${bin('kubectl')} --kubeconfig=${adminConfig} apply -f - <<'EOF'\n${FAKE_NODE}EOF`,
  ]);
  await waitFor(
    'kwok node and default service account',
    async () => {
      // Ready, and untainted: the node lifecycle controller lifts the not-ready taint.
      const ready = await kubectl(
        'get',
        'node',
        'kwok-node-0',
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Ready")].status}{.spec.taints}',
      );
      const account = await kubectl('get', 'serviceaccount', 'default', '-n', 'default', '-o', 'name');
      return ready.trim() === 'True' && account.trim() !== '';
    },
    { timeoutMs: 60_000, isRunning: () => stack.isRunning('kwok') },
  );
  return { KUBECONFIG: adminConfig };
}

/** kube-controller-manager and kube-scheduler: own client certificate, loopback secure port. */
async function startController(stack: Stack, name: string, server: string, ca: string, args: string[]) {
  if (stack.isRunning(name)) return;
  const user = await ensureCert(stack, name, { cn: `system:${name}` });
  const config = stack.path('kube', `${name}.kubeconfig`);
  writeFileSync(config, kubeconfig(server, ca, user), { mode: 0o600 });
  const port = await stack.port(name, false);
  stack.start(name, bin(name), [
    ...[
      `--kubeconfig=${config}`,
      `--authentication-kubeconfig=${config}`,
      `--authorization-kubeconfig=${config}`,
    ],
    ...['--bind-address=127.0.0.1', `--secure-port=${port}`, '--leader-elect=false'],
    ...args,
  ]);
}
