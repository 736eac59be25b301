// The Helm chart, statically and against the local apiserver: lint, rendering, the values schema
// and validate.yaml (each refusal beside an accepted neighbor), a server-side dry run of what it
// renders, and that its copies of the one-source manifests (CRDs, policies, RBAC, plans) are
// current. Installing it for real is test/e2e/chart-install.test.ts.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMap, isScalar, parse, parseDocument, type YAMLMap } from 'yaml';
import { platformBackupConfig } from '../../operator/src/commands/backup.ts';
import { operatorConfig } from '../../operator/src/config.ts';
import { parseConfig, platformConfig } from '../../platform/src/config.ts';
import { operatorRbac, platformRbac } from '../../scripts/rbac-manifests.ts';
import { chartFiles, planValuesSchema, staleChartFiles } from '../../scripts/sync-chart-crds.ts';
import {
  type Container,
  chartDir,
  find,
  helm,
  helmFails,
  type Manifest,
  parseManifests,
  renderChart,
  repo,
  runCommand,
  valuesFile,
} from '../support/helm.ts';
import { eventually, k8s, kubeConfig, kubectl, uniqueName } from '../support/kube.ts';
import { applyGuardianManifests } from '../support/operator.ts';

const ciValues = readdirSync(resolve(chartDir, 'ci'))
  .filter((file) => file.endsWith('-values.yaml'))
  .sort()
  .map((file) => resolve(chartDir, 'ci', file));
const variants: Array<{ name: string; values: string[] }> = [
  { name: 'defaults', values: [] },
  ...ciValues.map((file) => ({ name: `ci/${file.split('/').pop()}`, values: [file] })),
];

type PodSpec = {
  securityContext?: Record<string, unknown>;
  containers: Array<Container & Record<string, unknown>>;
  initContainers?: Array<Container & Record<string, unknown>>;
  volumes?: Array<{ name: string; emptyDir?: object }>;
};

function podSpecOf(object: Manifest): PodSpec | undefined {
  const spec = object.spec as Record<string, unknown> | undefined;
  if (object.kind === 'Pod') return spec as unknown as PodSpec;
  if (object.kind === 'Deployment') return (spec?.template as { spec: PodSpec }).spec;
  if (object.kind === 'Job') return (spec?.template as { spec: PodSpec }).spec;
  if (object.kind === 'CronJob')
    return (spec?.jobTemplate as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
  return undefined;
}

/** Every price and threshold in euros: agents.prices as a values file holds it, and as `--set` pairs (integers: --set makes 2.8 a string). */
const EUROS = {
  currency: 'EUR',
  cpuCore: 21,
  memoryGiB: 2.8,
  storageGiB: 0.09,
  loadBalancer: 16,
  thresholds: { workloadMonthly: 45, hpaCeilingMonthly: 450 },
};
const PRICED = [
  'agents.prices.currency=EUR',
  'agents.prices.cpuCore=21',
  'agents.prices.memoryGiB=3',
  'agents.prices.storageGiB=1',
  'agents.prices.loadBalancer=16',
  'agents.prices.thresholds.workloadMonthly=45',
  'agents.prices.thresholds.hpaCeilingMonthly=450',
];

describe('the Helm chart, rendered', () => {
  // helm's dry run still maps every kind it renders (the plans) through the apiserver's discovery:
  // on a fresh stack, this suite may run before any other has installed Guardian's CRDs.
  beforeAll(() => applyGuardianManifests());

  it('passes helm lint --strict with the defaults and with every ci values file', async () => {
    expect(ciValues.length).toBeGreaterThanOrEqual(3);
    for (const { values } of variants) {
      const out = await helm('lint', '--strict', chartDir, ...values.flatMap((file) => ['-f', file]));
      expect(out).toContain('0 chart(s) failed');
    }
  });

  it('renders every variant with hardened pods: non-root, read-only root, no capabilities, seccomp, limits', async () => {
    for (const { name, values } of variants) {
      const { objects } = await renderChart({ values });
      const pods = objects.filter((o) => podSpecOf(o) !== undefined);
      expect(pods.length, name).toBeGreaterThanOrEqual(3);
      for (const object of pods) {
        const pod = podSpecOf(object) as PodSpec;
        const where = `${name}: ${object.kind} ${object.metadata.name}`;
        expect(pod.securityContext, where).toMatchObject({
          runAsNonRoot: true,
          seccompProfile: { type: 'RuntimeDefault' },
        });
        for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
          expect(container.securityContext, where).toMatchObject({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          });
          const resources = container.resources as { requests?: object; limits?: object };
          expect(resources.requests, where).toBeDefined();
          expect(resources.limits, where).toBeDefined();
        }
        if (object.kind !== 'Pod') {
          // Guardian's containers write only to /tmp, an emptyDir.
          expect(pod.volumes?.find((v) => v.name === 'tmp')?.emptyDir, where).toBeDefined();
          expect(pod.containers[0]?.volumeMounts, where).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
        }
      }
      for (const object of objects) {
        expect(object.metadata.labels?.['app.kubernetes.io/instance'], `${object.kind}`).toBe('guardian');
        expect(object.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('Helm');
      }
    }
  });

  it('runs the operator with 2 leader-elected replicas, POD_NAME from the pod, probes on its metrics port, and a PDB', async () => {
    const { objects } = await renderChart();
    const deployment = find(objects, 'Deployment', 'guardian-operator');
    const pod = podSpecOf(deployment) as PodSpec;
    const container = pod.containers[0] as Container & Record<string, unknown>;
    expect((deployment.spec as { replicas: number }).replicas).toBe(2);
    expect(container.args).toEqual(['operator']);
    const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e]));
    expect(env.LEADER_ELECT?.value).toBe('true');
    expect(env.OPERATOR_PROBE_ADDRESS?.value).toBe('0.0.0.0');
    expect(env.POD_NAME?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
    expect(env.OPERATOR_NAMESPACE?.value).toBe('guardian-system');
    expect(env.PLATFORM_NAMESPACE?.value).toBe('guardian-system');
    expect(env.TENANT_DB_SERVERS?.value).toBe('main=$(TENANT_DB_SERVER_0)');
    expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'metrics' } });
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/readyz', port: 'metrics' } });
    expect(pod.securityContext).toMatchObject({ runAsUser: 1000 });
    expect(find(objects, 'PodDisruptionBudget', 'guardian-operator').spec).toMatchObject({ minAvailable: 1 });

    const platform = podSpecOf(find(objects, 'Deployment', 'guardian-platform')) as PodSpec;
    expect(platform.containers[0]?.args).toEqual(['platform']);
    expect(platform.initContainers?.[0]?.args).toEqual(['migrate']);
    expect(platform.containers[0]?.livenessProbe).toMatchObject({
      httpGet: { path: '/healthz', port: 'http' },
    });
    expect(platform.containers[0]?.readinessProbe).toMatchObject({
      httpGet: { path: '/readyz', port: 'http' },
    });
  });

  it("gives each process only settings its configuration knows, and they parse with Guardian's own parsers", async () => {
    const { objects } = await renderChart({ values: [resolve(chartDir, 'ci/by-value-values.yaml')] });
    const secret = find(objects, 'Secret', 'guardian') as Manifest & { data: Record<string, string> };
    // The kubelet's view of env: literal values, the chart's own Secret and ConfigMaps, $(VAR) expansion.
    const resolveEnv = (container: Container, fields: Record<string, string>) => {
      const env: Record<string, string> = {};
      for (const source of container.envFrom ?? []) {
        const map = find(objects, 'ConfigMap', source.configMapRef?.name) as Manifest & {
          data: Record<string, string>;
        };
        Object.assign(env, map.data);
      }
      for (const variable of container.env ?? []) {
        const ref = variable.valueFrom?.secretKeyRef;
        if (ref) {
          expect(ref.name).toBe('guardian');
          env[variable.name] = Buffer.from(secret.data[ref.key] ?? '', 'base64').toString();
        } else if (variable.valueFrom?.fieldRef) {
          env[variable.name] = fields[variable.valueFrom.fieldRef.fieldPath] ?? '';
        } else {
          env[variable.name] = (variable.value ?? '').replace(
            /\$\((\w+)\)/g,
            (_, name: string) => env[name] ?? '',
          );
        }
      }
      return env;
    };
    const operator = (podSpecOf(find(objects, 'Deployment', 'guardian-operator')) as PodSpec).containers[0];
    const operatorEnv = resolveEnv(operator as Container, { 'metadata.name': 'guardian-operator-abc' });
    const knownToOperator = new Set(Object.keys(operatorConfig.shape));
    for (const name of Object.keys(operatorEnv))
      expect(
        knownToOperator.has(name) || /^TENANT_DB_SERVER_\d+$/.test(name) || name === 'NODE_OPTIONS',
        name,
      ).toBe(true);
    // Node itself refuses a NODE_OPTIONS it does not know: the chart's must start the runtime we ship.
    const node = spawnSync(process.execPath, ['-e', '0'], {
      env: { ...process.env, NODE_OPTIONS: operatorEnv.NODE_OPTIONS },
      encoding: 'utf8',
    });
    expect(operatorEnv.NODE_OPTIONS).toMatch(/--max-old-space-size=\d+/);
    expect(node.stderr).toBe('');
    expect(node.status).toBe(0);
    const parsedOperator = parseConfig(operatorConfig, operatorEnv);
    expect([...parsedOperator.TENANT_DB_SERVERS.keys()]).toEqual(['pg1', 'pg2']);
    expect(parsedOperator.POD_NAME).toBe('guardian-operator-abc');
    // The operator writes the organizations' audit chains: the platform database and its key.
    expect(parsedOperator.DATABASE_URL).toMatch(/^postgres/);
    expect(parsedOperator.GUARDIAN_ENCRYPTION_KEY).toHaveLength(32);

    const platform = (podSpecOf(find(objects, 'Deployment', 'guardian-platform')) as PodSpec).containers[0];
    const platformEnv = resolveEnv(platform as Container, {});
    const platformShape = (platformConfig as unknown as { in: { shape: Record<string, unknown> } }).in.shape;
    const branding = ['GUARDIAN_PRODUCT_NAME', 'GUARDIAN_LOGO_URL', 'GUARDIAN_PRIMARY_COLOR'];
    // Set by the chart for the platform's agent runs, which read it once its configuration does.
    const agents = ['AGENTS_CLUSTER_SCOPED_READS'];
    for (const name of Object.keys(platformEnv))
      expect(name in platformShape || branding.includes(name) || agents.includes(name), name).toBe(true);
    const parsedPlatform = parseConfig(platformConfig, platformEnv);
    expect(parsedPlatform.GUARDIAN_SUPER_ADMINS).toEqual(['admin@example.com', 'ops@example.com']);
    expect(parsedPlatform.HOST).toBe('0.0.0.0');
    expect(parsedPlatform.METRICS_PORT).toBe(9090);
    expect(parsedPlatform.GUARDIAN_ENCRYPTION_KEY).toHaveLength(32);

    const rotation = podSpecOf(find(objects, 'CronJob')) as PodSpec;
    expect(rotation.containers[0]?.args).toEqual(['platform', 'rotate-keys']);
    parseConfig(platformConfig, resolveEnv(rotation.containers[0] as Container, {}));
  });

  it('gives the operator, the platform and the backup CronJob the storage target and backup key they parse', async () => {
    const byValue = [
      'storage.s3.existingSecret=',
      'storage.s3.accessKeyId=guardian-root',
      'storage.s3.secretAccessKey=root-secret',
      'backup.encryptionKey.existingSecret=',
      'backup.encryptionKey.value=6o1MiVb0l3cQ3k1e4f+8tHk3XqjJ9oR4s2Yy1Zb8W0E=',
      'backup.platform.existingSecret=',
      'backup.platform.url=postgres://guardian_backup:pw@postgres.databases.svc:5432/guardian',
    ];
    const { objects } = await renderChart({
      values: [resolve(chartDir, 'ci/by-value-values.yaml'), resolve(chartDir, 'ci/backup-values.yaml')],
      set: byValue,
    });
    const secret = find(objects, 'Secret', 'guardian') as Manifest & { data: Record<string, string> };
    const envOf = (container: Container | undefined) =>
      Object.fromEntries(
        (container?.env ?? []).map((variable) => {
          const ref = variable.valueFrom?.secretKeyRef;
          if (ref) expect(ref.name).toBe('guardian');
          const value = ref ? Buffer.from(secret.data[ref.key] ?? '', 'base64').toString() : variable.value;
          return [variable.name, variable.valueFrom?.fieldRef ? 'a-pod' : (value ?? '')];
        }),
      );
    const operatorPod = podSpecOf(find(objects, 'Deployment', 'guardian-operator')) as PodSpec;
    const operator = parseConfig(operatorConfig, {
      ...envOf(operatorPod.containers[0]),
      TENANT_DB_SERVERS: 'pg1=postgres://p@db/postgres',
    });
    expect(operator).toMatchObject({
      S3_ENDPOINT: 'http://versitygw.storage.svc:7070',
      S3_BUCKET_PREFIX: 'acme-',
      S3_ACCESS_KEY_ID: 'guardian-root',
      S3_SECRET_ACCESS_KEY: 'root-secret',
      BACKUP_SCHEDULE: '0 2 * * *',
      BACKUP_RETENTION: 14,
      BACKUP_WORKERS: 2,
    });
    expect(operator.BACKUP_ENCRYPTION_KEY).toHaveLength(32);
    const platformPod = podSpecOf(find(objects, 'Deployment', 'guardian-platform')) as PodSpec;
    const platform = parseConfig(platformConfig, envOf(platformPod.containers[0]));
    expect(platform.BACKUP_ENCRYPTION_KEY?.equals(operator.BACKUP_ENCRYPTION_KEY ?? Buffer.alloc(0))).toBe(
      true,
    );
    // Only the operator and the backup job hold the S3 admin account; the platform opens organizations' own.
    expect(Object.keys(envOf(platformPod.containers[0]))).not.toContain('S3_SECRET_ACCESS_KEY');

    const cronJob = find(objects, 'CronJob', 'guardian-backup');
    expect(cronJob.spec).toMatchObject({
      schedule: '45 2 * * *',
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
    });
    const job = podSpecOf(cronJob) as PodSpec & { serviceAccountName?: string };
    expect(job.containers[0]?.args).toEqual(['backup', '--platform']);
    const jobEnv = envOf(job.containers[0]);
    expect(parseConfig(platformBackupConfig, jobEnv)).toMatchObject({
      DATABASE_BACKUP_URL: 'postgres://guardian_backup:pw@postgres.databases.svc:5432/guardian',
      BACKUP_RETENTION: 14,
      POD_NAMESPACE: 'guardian-system',
    });
    // Its ServiceAccount may take its Lease, and nothing else.
    expect(job.serviceAccountName).toBe('guardian-backup');
    expect(find(objects, 'Role', 'guardian-backup').rules).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        resourceNames: ['guardian-platform-backup'],
        verbs: ['get', 'update'],
      },
    ]);

    // A filesystem target: the claim mounted where STORAGE_DIR says, in the operator and the platform.
    const fs = await renderChart({
      set: ['storage.type=filesystem', 'storage.filesystem.existingClaim=guardian-backups'],
    });
    for (const name of ['guardian-operator', 'guardian-platform']) {
      const pod = podSpecOf(find(fs.objects, 'Deployment', name)) as PodSpec & {
        volumes: Array<{ name: string; persistentVolumeClaim?: { claimName: string } }>;
      };
      expect(pod.volumes, name).toContainEqual({
        name: 'storage',
        persistentVolumeClaim: { claimName: 'guardian-backups' },
      });
      expect(pod.containers[0]?.volumeMounts, name).toContainEqual({
        name: 'storage',
        mountPath: '/var/lib/guardian/storage',
      });
    }
    const fsOperator = (podSpecOf(find(fs.objects, 'Deployment', 'guardian-operator')) as PodSpec)
      .containers[0];
    expect(fsOperator?.env).toContainEqual({ name: 'STORAGE_DIR', value: '/var/lib/guardian/storage' });
    // Without storage, no backup settings and no backup CronJob.
    const none = await renderChart();
    const noneOperator = (podSpecOf(find(none.objects, 'Deployment', 'guardian-operator')) as PodSpec)
      .containers[0];
    expect(
      (noneOperator?.env ?? []).map((e) => e.name).filter((n) => /^(S3_|BACKUP_|STORAGE_)/.test(n)),
    ).toEqual([]);
    expect(none.objects.filter((o) => o.kind === 'CronJob').map((o) => o.metadata.name)).toEqual([
      'guardian-platform-rotate-keys',
    ]);
  });

  it('keeps every name within 63 characters, even for the longest release name Helm accepts', async () => {
    const release = `r${'x'.repeat(52)}`;
    const { objects } = await renderChart({ release });
    for (const object of objects) {
      const limit = object.kind === 'CronJob' ? 52 : 63;
      expect(object.metadata.name.length, `${object.kind} ${object.metadata.name}`).toBeLessThanOrEqual(
        limit,
      );
    }
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(names).size).toBe(names.length);
  });

  it('renders optional objects only when enabled: HPA, Ingress, HTTPRoute, ServiceMonitor', async () => {
    const defaults = (await renderChart()).objects.map((o) => o.kind);
    for (const kind of ['HorizontalPodAutoscaler', 'Ingress', 'HTTPRoute', 'ServiceMonitor'])
      expect(defaults).not.toContain(kind);
    const ingress = (await renderChart({ values: [resolve(chartDir, 'ci/ingress-values.yaml')] })).objects;
    expect(ingress.map((o) => o.kind)).toEqual(
      expect.arrayContaining(['HorizontalPodAutoscaler', 'Ingress', 'ServiceMonitor']),
    );
    const platform = find(ingress, 'Deployment', 'guardian-platform').spec as { replicas?: number };
    expect(platform.replicas).toBeUndefined();
    const env = (podSpecOf(find(ingress, 'Deployment', 'guardian-platform')) as PodSpec).containers[0]?.env;
    expect(env).toContainEqual({ name: 'PUBLIC_URL', value: 'https://guardian.example.com' });
    const gateway = (await renderChart({ values: [resolve(chartDir, 'ci/gateway-values.yaml')] })).objects;
    expect(find(gateway, 'HTTPRoute').spec).toMatchObject({ hostnames: ['ops.msp.example'] });
    expect(gateway.map((o) => o.kind)).not.toContain('NetworkPolicy');
  });

  it('renders the CRD upgrade hook: a pre-install/pre-upgrade Job running install-crds as an account of its own, whose rights name only the chart CRDs', async () => {
    const { objects } = await renderChart();
    const hook = objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'install-crds');
    expect(hook.map((o) => o.kind).sort()).toEqual([
      'ClusterRole',
      'ClusterRoleBinding',
      'Job',
      'ServiceAccount',
    ]);
    for (const object of hook)
      expect(object.metadata.annotations, object.kind).toMatchObject({
        'helm.sh/hook': 'pre-install,pre-upgrade',
        'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
      });
    // The rights come first: Helm runs a phase's hooks by weight.
    const weight = (kind: string) => Number(find(hook, kind).metadata.annotations?.['helm.sh/hook-weight']);
    expect(weight('ClusterRoleBinding')).toBeLessThan(weight('Job'));
    const job = podSpecOf(find(hook, 'Job')) as PodSpec & { serviceAccountName?: string };
    expect(job.serviceAccountName).toBe('guardian-install-crds');
    expect(job.containers[0]?.args).toEqual(['install-crds', '--timeout', '300']);
    expect(job.containers[0]?.image).toBe('guardian:0.1.0');

    const crdNames = readdirSync(resolve(chartDir, 'crds'))
      .map((file) => (parse(readFileSync(resolve(chartDir, 'crds', file), 'utf8')) as Manifest).metadata.name)
      .sort();
    const rules = find(hook, 'ClusterRole').rules as Array<Record<string, string[] | undefined>>;
    const named = rules.filter((rule) => rule.resourceNames);
    expect(named.length).toBe(2);
    for (const rule of named) expect([...(rule.resourceNames ?? [])].sort()).toEqual(crdNames);
    expect(
      rules.find((rule) => !rule.resourceNames && rule.apiGroups?.includes('apiextensions.k8s.io')),
    ).toEqual({
      apiGroups: ['apiextensions.k8s.io'],
      resources: ['customresourcedefinitions'],
      verbs: ['create'],
    });
    expect(rules.flatMap((rule) => rule.verbs ?? [])).not.toContain('delete');

    const off = (await renderChart({ set: ['crds.upgrade=false'] })).objects;
    expect(off.filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'install-crds')).toEqual(
      [],
    );
  });

  it("serves the platform's /metrics on its metrics port, through a ClusterIP Service of its own, never the public one", async () => {
    const objects = (await renderChart({ values: [resolve(chartDir, 'ci/ingress-values.yaml')] })).objects;
    const container = (podSpecOf(find(objects, 'Deployment', 'guardian-platform')) as PodSpec).containers[0];
    expect(container?.env).toContainEqual({ name: 'METRICS_PORT', value: '9090' });
    expect((container as Record<string, unknown>).ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
    ]);
    const metrics = find(objects, 'Service', 'guardian-platform-metrics').spec as Record<string, unknown>;
    expect(metrics).toMatchObject({
      type: 'ClusterIP',
      ports: [{ name: 'metrics', port: 9090, targetPort: 'metrics' }],
    });
    const publicPorts = (
      find(objects, 'Service', 'guardian-platform').spec as { ports: Array<{ name: string }> }
    ).ports;
    expect(publicPorts.map((port) => port.name)).toEqual(['http']);
    // The ServiceMonitor scrapes metrics ports only (the operator's and the platform's).
    const endpoints = (find(objects, 'ServiceMonitor').spec as { endpoints: Array<{ port: string }> })
      .endpoints;
    expect(endpoints.map((endpoint) => endpoint.port)).toEqual(['metrics']);
  });

  it('passes operator.organizationSelector to the operator, which parses it, only when it is set', async () => {
    const envOf = async (set: string[]) =>
      (podSpecOf(find((await renderChart({ set })).objects, 'Deployment', 'guardian-operator')) as PodSpec)
        .containers[0]?.env ?? [];
    const names = (await envOf([])).map((variable) => variable.name);
    expect(names).not.toContain('OPERATOR_ORGANIZATION_SELECTOR');
    expect(names).toContain('OPERATOR_SERVICE_ACCOUNT');
    const selector = 'guardian.aiops.dev/install in (eu)';
    const env = await envOf([`operator.organizationSelector=${selector}`]);
    expect(env).toContainEqual({ name: 'OPERATOR_ORGANIZATION_SELECTOR', value: selector });
    expect(
      parseConfig(operatorConfig, {
        TENANT_DB_SERVERS: 'main=postgres://p@h/postgres',
        DATABASE_URL: 'postgres://guardian_app:p@h/guardian',
        GUARDIAN_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
        OPERATOR_ORGANIZATION_SELECTOR: selector,
      }).OPERATOR_ORGANIZATION_SELECTOR,
    ).toBe(selector);
  });

  it('passes agents.prices to the platform as AGENTS_PRICES, which its configuration parses, only when set', async () => {
    const envOf = async (values: string[]) =>
      (podSpecOf(find((await renderChart({ values })).objects, 'Deployment', 'guardian-platform')) as PodSpec)
        .containers[0]?.env ?? [];
    expect((await envOf([])).map((variable) => variable.name)).not.toContain('AGENTS_PRICES');
    const value = (await envOf([valuesFile({ agents: { prices: EUROS } })])).find(
      (variable) => variable.name === 'AGENTS_PRICES',
    )?.value;
    const parsed = parseConfig(platformConfig, {
      DATABASE_URL: 'postgres://a@db/guardian',
      OIDC_ISSUER: 'https://idp.example',
      OIDC_CLIENT_ID: 'guardian',
      OIDC_CLIENT_SECRET: 'secret',
      GUARDIAN_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
      AGENTS_PRICES: value,
    });
    expect(parsed.AGENTS_PRICES).toEqual(EUROS);
  });

  it('lets the platform read Nodes and StorageClasses for agents only while agents.clusterScopedReads is on', async () => {
    const reads = (objects: Manifest[]) =>
      objects.filter((o) => o.metadata.name === 'guardian-platform-cluster-reads').map((o) => o.kind);
    const envOf = (objects: Manifest[]) =>
      (podSpecOf(find(objects, 'Deployment', 'guardian-platform')) as PodSpec).containers[0]?.env;
    const on = (await renderChart()).objects;
    expect(reads(on).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding']);
    expect(find(on, 'ClusterRole', 'guardian-platform-cluster-reads').rules).toEqual([
      { apiGroups: [''], resources: ['nodes'], verbs: ['list'] },
      { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['list'] },
    ]);
    expect(find(on, 'ClusterRoleBinding', 'guardian-platform-cluster-reads').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'guardian-platform', namespace: 'guardian-system' },
    ]);
    expect(envOf(on)).toContainEqual({ name: 'AGENTS_CLUSTER_SCOPED_READS', value: 'true' });
    const off = (await renderChart({ set: ['agents.clusterScopedReads=false'] })).objects;
    expect(reads(off)).toEqual([]);
    expect(envOf(off)).toContainEqual({ name: 'AGENTS_CLUSTER_SCOPED_READS', value: 'false' });
    // Nothing else of the platform's RBAC depends on it.
    const rest = (objects: Manifest[]) =>
      objects
        .filter((o) => o.kind.includes('Role') && !reads([o]).length)
        .map((o) => `${o.kind}/${o.metadata.name}`);
    expect(rest(off)).toEqual(rest(on));
  });

  it('grants no wildcard anywhere in the RBAC it renders', async () => {
    for (const { name, values } of variants) {
      const { objects } = await renderChart({ values });
      const roles = objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role');
      expect(roles.length, name).toBeGreaterThanOrEqual(10);
      for (const role of roles)
        for (const rule of (role.rules as Array<Record<string, string[]>>) ?? [])
          for (const field of ['apiGroups', 'resources', 'verbs', 'resourceNames'])
            expect(rule[field] ?? [], `${role.metadata.name}.${field}`).not.toContain('*');
    }
  });

  it('prints how to reach the console: a port-forward by default, the public URL with an Ingress', async () => {
    const notes = async (...args: string[]) =>
      // A dry run changes nothing; --take-ownership only skips the check against the objects
      // (plans, tenant roles) the other suites installed in this cluster.
      helm(
        'install',
        'guardian',
        chartDir,
        '--dry-run=client',
        '--take-ownership',
        '--namespace',
        'guardian-system',
        ...args,
      );
    const portForward = await notes();
    expect(portForward).toContain(
      'kubectl --namespace guardian-system port-forward service/guardian-platform 8080:8080',
    );
    expect(portForward).toContain('then open http://127.0.0.1:8080');
    const ingress = await notes(
      '--set',
      'ingress.enabled=true,ingress.host=guardian.example.com,ingress.tls.secretName=guardian-tls',
    );
    expect(ingress).toContain('https://guardian.example.com\n');
    expect(ingress).not.toContain('port-forward');
  });
});

// The refusal cases are independent `helm template` runs: concurrently, they take a third of the time.
describe.concurrent('the values schema', () => {
  // Each refusal beside an accepted neighbor that differs only in the value under test.
  const cases: Array<{ what: string; good: string[]; bad: string[]; error: RegExp }> = [
    {
      what: 'an unknown key',
      good: ['operator.logLevel=debug'],
      bad: ['operator.logLevl=debug'],
      error: /additional properties 'logLevl' not allowed/,
    },
    {
      what: 'an unknown top-level key',
      good: ['nameOverride=gdn'],
      bad: ['nameOverrides=gdn'],
      error: /additional properties 'nameOverrides' not allowed/,
    },
    {
      what: 'a string for a number',
      good: ['operator.replicas=3'],
      bad: ['operator.replicas=three'],
      error: /operator\/replicas.*got string, want integer/,
    },
    {
      what: 'negative replicas',
      good: ['platform.replicas=0', 'platform.podDisruptionBudget.enabled=false'],
      bad: ['platform.replicas=-1', 'platform.podDisruptionBudget.enabled=false'],
      error: /platform\/replicas.*minimum/,
    },
    {
      what: 'a bad enum',
      good: ['operator.logLevel=trace'],
      bad: ['operator.logLevel=verbose'],
      error: /operator\/logLevel.*value must be one of/,
    },
    {
      what: 'a bad plan feature',
      good: ['plans.starter.features.support=phone-24x7'],
      bad: ['plans.starter.features.support=gold'],
      error: /plans\/starter\/features\/support/,
    },
    {
      what: 'a negative plan limit',
      good: ['plans.starter.apiCallsPerHour=0'],
      bad: ['plans.starter.apiCallsPerHour=-5'],
      error: /plans\/starter\/apiCallsPerHour.*minimum/,
    },
    {
      what: 'an unknown plan field',
      good: ['plans.starter.teamMembers=9'],
      bad: ['plans.starter.teamMembrs=9'],
      error: /additional properties 'teamMembrs' not allowed/,
    },
    {
      what: 'a plan name that is not a DNS label',
      good: ['plans.gold.displayName=Gold'],
      bad: ['plans.Gold_Plan.displayName=Gold'],
      error: /Gold_Plan/,
    },
    {
      what: 'a bad color',
      good: ['branding.primaryColor=#00ff00'],
      bad: ['branding.primaryColor=green'],
      error: /branding\/primaryColor/,
    },
    {
      what: 'a negative agent price',
      good: ['agents.prices.cpuCore=0'],
      bad: ['agents.prices.cpuCore=-1'],
      error: /agents\/prices\/cpuCore.*minimum/,
    },
    {
      what: 'a currency that is not a code',
      good: PRICED.map((pair) => pair.replace('EUR', 'GBP')),
      bad: PRICED.map((pair) => pair.replace('EUR', 'euro')),
      error: /agents\/prices\/currency/,
    },
    {
      what: 'a currency without every price beside it',
      good: PRICED,
      bad: PRICED.filter((pair) => !pair.includes('hpaCeilingMonthly')),
      error: /agents\/prices\/thresholds.*hpaCeilingMonthly/,
    },
    {
      what: 'a non-postgres database URL',
      good: [
        'database.existingSecret=',
        'database.url=postgres://a@db/guardian',
        'database.adminUrl=postgres://o@db/guardian',
      ],
      bad: [
        'database.existingSecret=',
        'database.url=mysql://a@db/guardian',
        'database.adminUrl=postgres://o@db/guardian',
      ],
      error: /database\/url/,
    },
    {
      what: 'a privileged port',
      good: ['platform.port=8443'],
      bad: ['platform.port=443'],
      error: /platform\/port.*minimum/,
    },
    {
      what: 'a token lifetime out of range',
      good: ['platform.tokenTtlSeconds=60'],
      bad: ['platform.tokenTtlSeconds=59'],
      error: /tokenTtlSeconds.*minimum/,
    },
    {
      what: 'an unknown storage type',
      good: ['storage.type=none'],
      bad: ['storage.type=minio'],
      error: /storage\/type.*value must be one of/,
    },
    {
      what: 'a bucket prefix that is no bucket name',
      good: ['storage.s3.bucketPrefix=acme-'],
      bad: ['storage.s3.bucketPrefix=Acme_'],
      error: /storage\/s3\/bucketPrefix/,
    },
    {
      what: 'S3 storage without an endpoint',
      good: ['storage.type=s3', 'storage.s3.endpoint=https://s3.example.com'],
      bad: ['storage.type=s3'],
      error: /storage.type is s3 but storage.s3.endpoint is empty/,
    },
    {
      what: 'storage without a backup key',
      good: ['storage.type=filesystem', 'storage.filesystem.existingClaim=data'],
      bad: [
        'storage.type=filesystem',
        'storage.filesystem.existingClaim=data',
        'backup.encryptionKey.existingSecret=',
      ],
      error: /storage is configured but the backup key is not/,
    },
    {
      what: 'a filesystem target without a claim',
      good: ['storage.type=filesystem', 'storage.filesystem.existingClaim=data'],
      bad: ['storage.type=filesystem'],
      error: /storage.filesystem.existingClaim is empty/,
    },
    {
      what: 'a backup retention of 0',
      good: ['backup.defaults.retention=1'],
      bad: ['backup.defaults.retention=0'],
      error: /backup\/defaults\/retention.*minimum/,
    },
    {
      what: 'a default schedule that is not five fields',
      good: ['backup.defaults.schedule=0 4 * * *'],
      bad: ['backup.defaults.schedule=daily at four'],
      error: /backup\/defaults\/schedule/,
    },
    {
      what: 'a connection limit of 1',
      good: ['tenantDatabases.connectionLimit=2'],
      bad: ['tenantDatabases.connectionLimit=1'],
      error: /connectionLimit/,
    },
  ];
  for (const { what, good, bad, error } of cases) {
    it(`refuses ${what}, and accepts its neighbor`, async () => {
      const set = (pairs: string[]) => pairs.flatMap((pair) => ['--set', pair]);
      await helm('template', 'guardian', chartDir, ...set(good));
      expect(await helmFails('template', 'guardian', chartDir, ...set(bad))).toMatch(error);
    });
  }

  it('refuses no tenant database server at all, and accepts one', async () => {
    await helm(
      'template',
      'guardian',
      chartDir,
      '-f',
      valuesFile({ tenantDatabases: { servers: [{ name: 'a' }] } }),
    );
    const error = await helmFails(
      'template',
      'guardian',
      chartDir,
      '-f',
      valuesFile({ tenantDatabases: { servers: [] } }),
    );
    expect(error).toMatch(/tenantDatabases\/servers.*minItems|want at least 1/);
  });

  it('closes every object the chart defines (additionalProperties false)', () => {
    const schema = JSON.parse(readFileSync(resolve(chartDir, 'values.schema.json'), 'utf8'));
    const open: string[] = [];
    const walk = (node: Record<string, unknown>, path: string) => {
      if (node.properties) {
        if (node.additionalProperties !== false) open.push(path);
        for (const [key, child] of Object.entries(node.properties as Record<string, object>))
          walk(child as Record<string, unknown>, `${path}.${key}`);
      }
      if (node.items && typeof node.items === 'object')
        walk(node.items as Record<string, unknown>, `${path}[]`);
    };
    walk(schema, '');
    walk(schema.definitions.plan, 'definitions.plan');
    expect(open).toEqual([]);
  });

  it('documents every value in values.yaml with a helm-docs `# --` comment', () => {
    const doc = parseDocument(readFileSync(resolve(chartDir, 'values.yaml'), 'utf8'));
    const schema = JSON.parse(readFileSync(resolve(chartDir, 'values.schema.json'), 'utf8'));
    type Node = { properties?: Record<string, Node>; additionalProperties?: unknown; $ref?: string };
    const deref = (node: Node | undefined): Node | undefined =>
      node?.$ref ? schema.definitions[node.$ref.replace('#/definitions/', '')] : node;
    const undocumented: string[] = [];
    // A key with a `# --` comment documents itself and what is under it; an undocumented key must be
    // an object of the schema's whose own keys are documented.
    const walk = (map: YAMLMap, node: Node, path: string) => {
      map.items.forEach((pair, index) => {
        const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
        // The comment above a map's first key belongs to the map in the YAML library's model.
        const comment =
          (pair.key as { commentBefore?: string } | null)?.commentBefore ??
          (index === 0 ? map.commentBefore : undefined) ??
          '';
        if (/(^|\n) ?-- /.test(comment)) return;
        const child = deref(
          node.properties?.[key] ??
            (typeof node.additionalProperties === 'object' ? (node.additionalProperties as Node) : undefined),
        );
        const isObject = child?.properties !== undefined || typeof child?.additionalProperties === 'object';
        if (child && isObject && isMap(pair.value)) walk(pair.value, child, `${path}${key}.`);
        else undocumented.push(`${path}${key}`);
      });
    };
    walk(doc.contents as YAMLMap, schema, '');
    expect(undocumented).toEqual([]);
  });
});

describe.concurrent('validate.yaml', () => {
  // Each contradiction beside a consistent neighbor.
  const cases: Array<{ what: string; good: object; bad: object; message: string }> = [
    {
      what: 'an Ingress without a host',
      good: { ingress: { enabled: true, host: 'guardian.example.com' } },
      bad: { ingress: { enabled: true } },
      message: 'ingress.enabled is true but ingress.host is empty',
    },
    {
      what: 'both an Ingress and an HTTPRoute',
      good: { httpRoute: { enabled: true, hostname: 'g.example.com', parentRefs: [{ name: 'gw' }] } },
      bad: {
        ingress: { enabled: true, host: 'g.example.com' },
        httpRoute: { enabled: true, hostname: 'g.example.com', parentRefs: [{ name: 'gw' }] },
      },
      message: 'ingress.enabled and httpRoute.enabled are both true',
    },
    {
      what: 'an HTTPRoute without a Gateway',
      good: { httpRoute: { enabled: true, hostname: 'g.example.com', parentRefs: [{ name: 'gw' }] } },
      bad: { httpRoute: { enabled: true, hostname: 'g.example.com' } },
      message: 'httpRoute.parentRefs is empty',
    },
    {
      what: 'neither a database URL nor an existing Secret',
      good: { database: { existingSecret: '', url: 'postgres://a@db/g', adminUrl: 'postgres://o@db/g' } },
      bad: { database: { existingSecret: '' } },
      message: 'neither database.url nor database.existingSecret is set',
    },
    {
      what: 'a database URL and an existing Secret',
      good: { database: { existingSecret: 'db' } },
      bad: { database: { existingSecret: 'db', url: 'postgres://a@db/g' } },
      message: 'database.url/adminUrl are set and database.existingSecret is "db"',
    },
    {
      what: 'migrations without the owner URL',
      good: {
        database: { existingSecret: '', url: 'postgres://a@db/g' },
        platform: { migrations: { enabled: false } },
      },
      bad: { database: { existingSecret: '', url: 'postgres://a@db/g' } },
      message: 'database.adminUrl is empty with platform.migrations.enabled',
    },
    {
      what: 'a tenant server with nowhere to read its URL',
      good: {
        tenantDatabases: { existingSecret: '', servers: [{ name: 'a', url: 'postgres://p@db/postgres' }] },
      },
      bad: { tenantDatabases: { existingSecret: '', servers: [{ name: 'a' }] } },
      message: 'tenant database server "a" has no url',
    },
    {
      what: 'a tenant server listed twice',
      good: { tenantDatabases: { servers: [{ name: 'a' }, { name: 'b' }] } },
      bad: { tenantDatabases: { servers: [{ name: 'a' }, { name: 'a' }] } },
      message: 'tenantDatabases.servers names "a" twice',
    },
    {
      what: 'no Redis',
      good: { redis: { existingSecret: '', url: 'redis://r:6379' } },
      bad: { redis: { existingSecret: '' } },
      message: 'neither redis.url nor redis.existingSecret is set',
    },
    {
      what: 'an OIDC client secret given two ways',
      good: { oidc: { existingSecret: '', clientSecret: 's', issuer: 'https://idp', clientId: 'g' } },
      bad: { oidc: { clientSecret: 's' } },
      message: 'oidc.clientSecret is set and oidc.existingSecret is too',
    },
    {
      what: 'no issuer anywhere',
      good: { oidc: { existingSecret: '', clientSecret: 's', issuer: 'https://idp', clientId: 'g' } },
      bad: { oidc: { existingSecret: '', clientSecret: 's', clientId: 'g' } },
      message: 'oidc.issuer is empty and there is no oidc.existingSecret',
    },
    {
      what: 'no encryption key',
      good: { platform: { encryptionKey: { existingSecret: '', value: 'A'.repeat(43) } } },
      bad: { platform: { encryptionKey: { existingSecret: '' } } },
      message: 'neither platform.encryptionKey.value nor platform.encryptionKey.existingSecret is set',
    },
    {
      what: 'several operators without leader election',
      good: { operator: { replicas: 1, leaderElect: false, podDisruptionBudget: { enabled: false } } },
      bad: { operator: { replicas: 2, leaderElect: false } },
      message: 'operator.replicas is 2 with operator.leaderElect false',
    },
    {
      what: 'a disruption budget no eviction can satisfy',
      good: { operator: { replicas: 2 } },
      bad: { operator: { replicas: 1 } },
      message: 'operator.podDisruptionBudget.minAvailable (1) is not below operator.replicas (1)',
    },
    {
      what: 'an autoscaler with the replica count fixed',
      good: { platform: { autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 5 } } },
      bad: { platform: { autoscaling: { enabled: true, minReplicas: 4, maxReplicas: 4 } } },
      message: 'platform.autoscaling.minReplicas (4) is not below maxReplicas (4)',
    },
    {
      what: 'an autoscaler whose minimum the budget blocks',
      good: { platform: { autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 5 } } },
      bad: { platform: { autoscaling: { enabled: true, minReplicas: 1, maxReplicas: 5 } } },
      message:
        "platform.podDisruptionBudget.minAvailable (1) is not below the platform's autoscaling.minReplicas (1)",
    },
    {
      what: 'two CA bundles',
      good: { oidc: { caBundle: { existingConfigMap: 'ca' } } },
      bad: { oidc: { caBundle: { existingConfigMap: 'ca', pem: '-----BEGIN CERTIFICATE-----\nx\n' } } },
      message: 'oidc.caBundle.pem and oidc.caBundle.existingConfigMap are both set',
    },
  ];
  for (const { what, good, bad, message } of cases) {
    it(`refuses ${what}, and accepts its neighbor`, async () => {
      await helm('template', 'guardian', chartDir, '-f', valuesFile(good));
      const error = await helmFails('template', 'guardian', chartDir, '-f', valuesFile(bad));
      expect(error).toContain("Guardian's values contradict each other");
      expect(error).toContain(message);
    });
  }
});

describe('the chart against the local apiserver', () => {
  const namespace = uniqueName('it-chart');
  const core = kubeConfig().makeApiClient(k8s.CoreV1Api);

  beforeAll(async () => {
    await applyGuardianManifests();
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    // Pods (the helm test hook) are admitted only once the namespace's default ServiceAccount exists.
    await eventually('the default ServiceAccount', () =>
      core.readNamespacedServiceAccount({ name: 'default', namespace }).then(() => true),
    );
  });
  afterAll(async () => {
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it('accepts its CRDs in a server-side dry run', async () => {
    const out = await kubectl(
      'apply',
      '--server-side',
      '--dry-run=server',
      '--field-manager=guardian-chart-test',
      '-f',
      resolve(chartDir, 'crds'),
    );
    expect(out.trim().split('\n')).toHaveLength(readdirSync(resolve(chartDir, 'crds')).length);
  });

  it('accepts everything each variant renders in a server-side dry run (but kinds of CRDs not installed here)', async () => {
    const served = new Set((await kubectl('api-resources', '-o', 'name')).split('\n').filter(Boolean));
    const resourceOf: Record<string, string> = {
      ServiceMonitor: 'servicemonitors.monitoring.coreos.com',
      HTTPRoute: 'httproutes.gateway.networking.k8s.io',
    };
    for (const { name, values } of variants) {
      const { objects } = await renderChart({ namespace, values });
      const absent = objects.filter(
        (o) => resourceOf[o.kind] !== undefined && !served.has(resourceOf[o.kind] as string),
      );
      const rest = objects.filter((o) => !absent.includes(o));
      const input = rest.map((o) => JSON.stringify(o)).join('\n---\n');
      const result = await runCommand('kubectl', ['apply', '--dry-run=server', '-f', '-'], { input });
      expect(result.stderr.replace(/^Warning: .*\n/gm, ''), name).toBe('');
      expect(result.code, name).toBe(0);
      expect(result.stdout.trim().split('\n'), name).toHaveLength(rest.length);
      // Only the Prometheus Operator and Gateway API kinds are left out, and only when enabled.
      expect(absent.map((o) => o.kind).sort(), name).toEqual(
        name.includes('ingress') ? ['ServiceMonitor'] : name.includes('gateway') ? ['HTTPRoute'] : [],
      );
    }
  });

  it('and refuses what the apiserver must refuse: the same dry run fails for a broken object', async () => {
    const { objects } = await renderChart({ namespace });
    const broken = structuredClone(find(objects, 'QuotaPolicy', 'starter'));
    (broken.spec as Record<string, unknown>).apiCallsPerHour = 'lots';
    const result = await runCommand('kubectl', ['apply', '--dry-run=server', '-f', '-'], {
      input: JSON.stringify(broken),
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/apiCallsPerHour/);
  });
});

describe("the chart's copies of the one-source manifests", () => {
  it('are current (make chart-sync): CRDs, admission policies, RBAC, and the plan schema', () => {
    expect(staleChartFiles(), 'stale chart files: run `make chart-sync`').toEqual([]);
    const files = chartFiles();
    for (const file of readdirSync(resolve(repo, 'crds')).filter((f) => f.endsWith('.yaml')))
      expect(files.get(`charts/guardian/crds/${file}`)).toContain(
        readFileSync(resolve(repo, 'crds', file), 'utf8'),
      );
  });

  it('and the check notices a difference', () => {
    const [path, content] = [...chartFiles()][0] as [string, string];
    expect(
      staleChartFiles((file) =>
        file === path ? `${content}# edited\n` : readFileSync(resolve(repo, file), 'utf8'),
      ),
    ).toEqual([path]);
  });

  it('render the same rules as operator/rbac and platform/rbac (the manifests the tests run with)', async () => {
    const { objects } = await renderChart();
    const rulesOf = (list: Array<{ kind?: string; metadata?: { name?: string }; rules?: unknown }>) =>
      Object.fromEntries(
        list
          .filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role')
          .map((o) => [`${o.kind}/${o.metadata?.name}`, o.rules]),
      );
    const sources = rulesOf([...operatorRbac('guardian-system'), ...platformRbac('guardian-system')]);
    // The CRD hook's role is the chart's own (named after its crds/), checked by the hook's test.
    const rendered = rulesOf(
      objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] !== 'install-crds') as never,
    );
    expect(Object.keys(sources).length).toBeGreaterThanOrEqual(10);
    expect(rendered).toEqual(sources);
    // The bindings bind the chart's ServiceAccounts.
    const binding = find(objects, 'ClusterRoleBinding', 'guardian-operator');
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'guardian-operator', namespace: 'guardian-system' },
    ]);
    expect(find(objects, 'ClusterRoleBinding', 'guardian-platform').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'guardian-platform', namespace: 'guardian-system' },
    ]);
  });

  it('render the default plans with the numbers of crds/plans/default-plans.yaml, kept on uninstall', async () => {
    const { objects } = await renderChart();
    const seed = parseManifests(readFileSync(resolve(repo, 'crds/plans/default-plans.yaml'), 'utf8'));
    const plans = objects.filter((o) => o.kind === 'QuotaPolicy');
    expect(plans.map((p) => p.metadata.name).sort()).toEqual(seed.map((p) => p.metadata.name).sort());
    for (const plan of seed) {
      const rendered = find(plans, 'QuotaPolicy', plan.metadata.name);
      expect(rendered.spec, plan.metadata.name).toEqual(plan.spec);
      expect(rendered.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
    }
    // The positive control: a changed number shows up.
    const changed = await renderChart({ set: ['plans.starter.apiCallsPerHour=150'] });
    expect(
      (find(changed.objects, 'QuotaPolicy', 'starter').spec as { apiCallsPerHour: number }).apiCallsPerHour,
    ).toBe(150);
  });

  it('validate a plan as the CRD does (the schema is generated from it)', () => {
    const crd = parse(readFileSync(resolve(repo, 'crds/quotapolicies.yaml'), 'utf8'));
    const spec = crd.spec.versions[0].schema.openAPIV3Schema.properties.spec;
    const plan = planValuesSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(plan.properties).sort()).toEqual(['enabled', ...Object.keys(spec.properties)].sort());
  });

  it('name the image version the chart deploys after package.json', () => {
    const chart = parse(readFileSync(resolve(chartDir, 'Chart.yaml'), 'utf8'));
    const pkg = JSON.parse(readFileSync(resolve(repo, 'package.json'), 'utf8'));
    expect(chart.appVersion).toBe(pkg.version);
    expect(chart.kubeVersion).toBe('>=1.30.0-0');
  });
});
