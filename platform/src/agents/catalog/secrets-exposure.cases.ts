import type { V1Container } from '@kubernetes/client-node';
import { type Case, type KubeManifest, tableOf } from '../testing/case.ts';
import { container, cronJob, deployment, job, pod, podSpec } from '../testing/manifests.ts';

const { found, name } = tableOf('secrets-exposure');
const withEnv = (fields: Partial<V1Container>) => podSpec({ containers: [container('app', fields)] });
const configMap = (row: string, data: Record<string, string>): KubeManifest => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: name(row) },
  data,
});
const secret = (row: string): KubeManifest => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: name(row) },
  stringData: { password: 'not-read-by-any-agent' },
});

// Assembled from parts, so that secret scanners do not take this file for a leak: AWS's documented
// example key id, and a made-up key block and GitHub token.
export const PLANTED = {
  privateKey: [
    '-----BEGIN',
    'PRIVATE KEY-----\nMIIBVgIBADANBgkqhkiG9w0BAQEFAASCAUAwggE8\n-----END',
    'PRIVATE KEY-----',
  ].join(' '),
  awsKeyId: ['AKIA', 'IOSFODNN7EXAMPLE'].join(''),
  githubToken: ['ghp', '_', 'x'.repeat(12), '0123456789', 'ABCDEFGHIJKLMN'].join(''),
};

const passwordLiteral = deployment(
  name('password-literal'),
  withEnv({ env: [{ name: 'DB_PASSWORD', value: 'hunter2' }] }),
);
const keyIdLiteral = job(
  name('key-id-literal'),
  withEnv({ env: [{ name: 'AWS_ID', value: PLANTED.awsKeyId }] }),
);
const initLiteral = cronJob(
  name('init-literal'),
  podSpec({
    initContainers: [container('setup', { env: [{ name: 'GITHUB', value: PLANTED.githubToken }] })],
  }),
);
const keyRef = deployment(
  name('key-ref'),
  withEnv({
    env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: name('db'), key: 'password' } } }],
  }),
);
const envFrom = pod(name('env-from'), withEnv({ envFrom: [{ secretRef: { name: name('env-vars') } }] }));
const namedKey = configMap('api-key', { api_key: 'see the vault' });
const keyBlock = configMap('key-block', { 'tls.key': PLANTED.privateKey, 'tls.crt': 'public' });
const tokenInFile = configMap('token-in-file', {
  'config.yaml': `github:\n  auth: ${PLANTED.githubToken}\n`,
});

export const secretsExposureCases: readonly Case[] = [
  {
    name: 'a literal env value under a sensitive name',
    objects: [passwordLiteral],
    expect: [found('secret-literal-in-env', passwordLiteral)],
  },
  {
    name: 'a literal env value that is an AWS access key id',
    objects: [keyIdLiteral],
    expect: [found('secret-literal-in-env', keyIdLiteral)],
  },
  {
    name: 'a GitHub token in an init container literal',
    objects: [initLiteral],
    expect: [found('secret-literal-in-env', initLiteral)],
  },
  {
    name: 'the same name from a secretKeyRef is a Secret in env, not a literal',
    objects: [secret('db'), keyRef],
    expect: [found('secret-env-reference', keyRef)],
  },
  {
    name: 'a whole Secret through envFrom',
    objects: [secret('env-vars'), envFrom],
    expect: [found('secret-env-reference', envFrom)],
  },
  {
    name: 'an empty literal under a sensitive name, and plain settings',
    objects: [
      deployment(
        name('plain-env'),
        withEnv({
          env: [
            { name: 'API_TOKEN', value: '' },
            { name: 'LOG_LEVEL', value: 'debug' },
          ],
        }),
      ),
    ],
    expect: [],
  },
  {
    name: 'a ConfigMap key named api_key',
    objects: [namedKey],
    expect: [found('secret-in-configmap', namedKey)],
  },
  {
    name: 'a private key block in a ConfigMap value',
    objects: [keyBlock],
    expect: [found('secret-in-configmap', keyBlock)],
  },
  {
    name: 'a GitHub token inside a config file',
    objects: [tokenInFile],
    expect: [found('secret-in-configmap', tokenInFile)],
  },
  {
    name: 'a certificate is not a secret',
    objects: [
      configMap('certificate', {
        'ca.crt': ['-----BEGIN', 'CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END', 'CERTIFICATE-----'].join(
          ' ',
        ),
        'log-level': 'info',
      }),
    ],
    expect: [],
  },
];
