import type { V1Container, V1Volume } from '@kubernetes/client-node';
import { type Case, tableOf } from '../testing/case.ts';
import {
  claim,
  configMap,
  container,
  cronJob,
  daemonSet,
  deployment,
  podSpec,
  secret,
  statefulSet,
} from '../testing/manifests.ts';

const { found, name } = tableOf('dangling-references');
const withApp = (fields: Omit<Partial<V1Container>, 'name'>, volumes?: V1Volume[]) =>
  podSpec({ containers: [container('app', fields)], volumes });
const secretEnv = (secretName: string, optional?: boolean) => ({
  env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: secretName, key: 'token', optional } } }],
});

const missingSecrets = deployment(
  name('secrets'),
  withApp(secretEnv(name('no-token')), [{ name: 'tls', secret: { secretName: name('no-tls') } }]),
);
const missingConfigMaps = deployment(
  name('configmaps'),
  withApp({ envFrom: [{ configMapRef: { name: name('no-env') } }] }, [
    { name: 'bundle', projected: { sources: [{ configMap: { name: name('no-bundle') } }] } },
  ]),
);
const missingClaim = statefulSet(
  name('claims'),
  withApp({}, [
    { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
    { name: 'cache', persistentVolumeClaim: { claimName: name('no-cache') } },
  ]),
  {
    spec: {
      serviceName: name('claims'),
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
        },
      ],
    },
  },
);
const missingPull = daemonSet(name('pull'), podSpec({ imagePullSecrets: [{ name: name('no-registry') }] }));
const cronSecret = cronJob(name('cron'), withApp(secretEnv(name('no-cron-token'))));
const token = secret(name('token'));
const settings = configMap(name('settings'), { mode: 'fast' });
const data = claim(name('data'), { storageClassName: '' });
const registry = secret(name('registry'), 'kubernetes.io/dockerconfigjson', { '.dockerconfigjson': 'e30=' });

export const danglingReferencesCases: readonly Case[] = [
  {
    name: 'a secret volume and a secretKeyRef naming Secrets that do not exist',
    objects: [missingSecrets],
    expect: [found('missing-secret', missingSecrets)],
  },
  {
    name: 'an envFrom and a projected source naming ConfigMaps that do not exist',
    objects: [missingConfigMaps],
    expect: [found('missing-configmap', missingConfigMaps)],
  },
  {
    name: "a claim that does not exist; a volume the StatefulSet's claim template replaces is not one",
    objects: [missingClaim],
    expect: [found('missing-pvc', missingClaim)],
  },
  {
    name: 'an image pull Secret that does not exist',
    objects: [missingPull],
    expect: [found('missing-image-pull-secret', missingPull)],
  },
  {
    name: "a CronJob's template counts",
    objects: [cronSecret],
    expect: [found('missing-secret', cronSecret)],
  },
  {
    name: 'optional references to objects that do not exist',
    objects: [
      deployment(
        name('optional'),
        withApp(
          {
            ...secretEnv(name('no-optional-token'), true),
            envFrom: [{ configMapRef: { name: name('no-optional-env'), optional: true } }],
          },
          [{ name: 'tls', secret: { secretName: name('no-optional-tls'), optional: true } }],
        ),
      ),
    ],
    expect: [],
  },
  {
    name: 'references to objects that exist',
    objects: [
      token,
      settings,
      data,
      registry,
      deployment(
        name('present'),
        podSpec({
          containers: [
            container('app', {
              ...secretEnv(token.metadata.name),
              envFrom: [{ configMapRef: { name: settings.metadata.name } }],
            }),
          ],
          volumes: [{ name: 'data', persistentVolumeClaim: { claimName: data.metadata.name } }],
          imagePullSecrets: [{ name: registry.metadata.name }],
        }),
      ),
    ],
    expect: [],
    note: 'the claim asks for no StorageClass, so it stays Pending, and so do the Pods: no check here reads that',
  },
];
