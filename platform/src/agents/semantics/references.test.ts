import type { V1PodSpec } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { podSpecReferences } from './references.ts';

describe('podSpecReferences', () => {
  it('names every ConfigMap, Secret and claim, where, and whether optional', () => {
    const spec: V1PodSpec = {
      volumes: [
        { name: 'tls', secret: { secretName: 'tls' } },
        { name: 'config', configMap: { name: 'config', optional: true } },
        { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
        {
          name: 'bundle',
          projected: {
            sources: [{ secret: { name: 'token' } }, { configMap: { name: 'ca', optional: true } }],
          },
        },
        { name: 'scratch', emptyDir: {} },
      ],
      initContainers: [{ name: 'setup', envFrom: [{ secretRef: { name: 'setup' } }] }],
      containers: [
        {
          name: 'app',
          env: [
            { name: 'PLAIN', value: 'x' },
            { name: 'DB', valueFrom: { secretKeyRef: { name: 'db', key: 'url', optional: true } } },
            { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'modes', key: 'mode' } } },
            { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          ],
          envFrom: [{ configMapRef: { name: 'env' } }],
        },
      ],
      ephemeralContainers: [{ name: 'debug', envFrom: [{ secretRef: { name: 'debug' } }] }],
      imagePullSecrets: [{ name: 'registry' }],
    };
    expect(podSpecReferences(spec).map((r) => [r.kind, r.name, r.via, r.at, r.optional])).toEqual([
      ['Secret', 'tls', 'volume', 'volume tls', false],
      ['ConfigMap', 'config', 'volume', 'volume config', true],
      ['PersistentVolumeClaim', 'data', 'volume', 'volume data', false],
      ['Secret', 'token', 'volume', 'volume bundle', false],
      ['ConfigMap', 'ca', 'volume', 'volume bundle', true],
      ['Secret', 'setup', 'envFrom', 'container setup envFrom', false],
      ['Secret', 'db', 'env', 'container app env DB', true],
      ['ConfigMap', 'modes', 'env', 'container app env MODE', false],
      ['ConfigMap', 'env', 'envFrom', 'container app envFrom', false],
      ['Secret', 'debug', 'envFrom', 'container debug envFrom', false],
      ['Secret', 'registry', 'imagePullSecrets', 'imagePullSecrets', false],
    ]);
  });

  it('leaves out replaced volumes', () => {
    const spec: V1PodSpec = {
      containers: [],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'x' } }],
    };
    expect(podSpecReferences(spec, ['data'])).toEqual([]);
    expect(podSpecReferences(spec)).toHaveLength(1);
  });
});
