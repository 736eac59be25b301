import type { KubeManifest } from '../testing/case.ts';
import { type Case, tableOf } from '../testing/case.ts';
import { configMap, container, cronJob, deployment, pod, podSpec, secret } from '../testing/manifests.ts';

const { found, name } = tableOf('config-hygiene');
const DATA = { mode: 'fast' };

const unused = configMap(name('unused'), DATA);
const used = configMap(name('used'), DATA);
const optional = configMap(name('optional'), DATA);
const emptyUsed = configMap(name('empty-used'));
const emptyUnused = configMap(name('empty-unused'), {});
const notLoaded = configMap(name('not-loaded'), DATA, {
  labels: { 'k8sgpt.ai/dynamically-loaded': 'false' },
});
const unusedSecret = secret(name('unused-secret'));
const pulled = secret(name('pulled'), 'kubernetes.io/dockerconfigjson', { '.dockerconfigjson': 'e30=' });
const accountPull = secret(name('account-pull'), 'kubernetes.io/dockerconfigjson', {
  '.dockerconfigjson': 'e30=',
});
const ingressTls = secret(name('ingress-tls'), 'kubernetes.io/tls', { 'tls.crt': '', 'tls.key': '' });
const naked = pod(name('naked'));
const account: KubeManifest = {
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name: name('account') },
  imagePullSecrets: [{ name: accountPull.metadata.name }],
};
const ingress: KubeManifest = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: name('ingress') },
  spec: {
    ingressClassName: 'guardian-cases',
    tls: [{ secretName: ingressTls.metadata.name }],
    defaultBackend: { service: { name: name('ingress-backend'), port: { number: 80 } } },
  },
};

export const configHygieneCases: readonly Case[] = [
  { name: 'a ConfigMap nothing references', objects: [unused], expect: [found('configmap-unused', unused)] },
  {
    name: 'ConfigMaps a Deployment and a CronJob reference, one optionally',
    objects: [
      used,
      optional,
      deployment(
        name('reader'),
        podSpec({
          containers: [container('app', { envFrom: [{ configMapRef: { name: used.metadata.name } }] })],
        }),
      ),
      cronJob(
        name('optional-reader'),
        podSpec({
          volumes: [{ name: 'config', configMap: { name: optional.metadata.name, optional: true } }],
        }),
      ),
    ],
    expect: [],
  },
  {
    name: 'ConfigMaps loaded by label or marked to skip',
    objects: [
      configMap(name('dashboard'), DATA, { labels: { grafana_dashboard: '1' } }),
      configMap(name('loaded'), DATA, { labels: { 'k8sgpt.ai/dynamically-loaded': 'true' } }),
      configMap(name('skipped'), DATA, { annotations: { 'guardian.aiops.dev/skip-usage-check': 'true' } }),
    ],
    expect: [],
  },
  {
    name: 'dynamically-loaded=false is no exemption',
    objects: [notLoaded],
    expect: [found('configmap-unused', notLoaded)],
  },
  {
    name: 'an empty ConfigMap a Pod uses',
    objects: [
      emptyUsed,
      deployment(
        name('empty-reader'),
        podSpec({ volumes: [{ name: 'config', configMap: { name: emptyUsed.metadata.name } }] }),
      ),
    ],
    expect: [found('configmap-empty', emptyUsed)],
  },
  {
    name: 'an empty ConfigMap nothing uses',
    objects: [emptyUnused],
    expect: [found('configmap-unused', emptyUnused), found('configmap-empty', emptyUnused)],
  },
  {
    name: 'a Secret nothing references',
    objects: [unusedSecret],
    expect: [found('secret-unused', unusedSecret)],
  },
  {
    name: 'Secrets an imagePullSecrets list, a ServiceAccount and an Ingress name',
    objects: [
      pulled,
      accountPull,
      ingressTls,
      account,
      ingress,
      deployment(name('puller'), podSpec({ imagePullSecrets: [{ name: pulled.metadata.name }] })),
    ],
    expect: [],
  },
  {
    name: 'a Helm release Secret is never unused',
    objects: [secret(name('release'), 'helm.sh/release.v1', { release: '' })],
    expect: [],
  },
  { name: 'a Pod without a controller', objects: [naked], expect: [found('naked-pod', naked)] },
];
