import type { V1EnvVar } from '@kubernetes/client-node';
import { named } from '../kinds.ts';
import { type AnyContainer, allContainers } from '../semantics/containers.ts';
import { secretLooking } from '../semantics/secrets.ts';
import type { Agent, Check } from '../types.ts';
import { containerCheck } from './container-check.ts';

// Findings say where a credential is (object, container, key) and what it looks like, never its value.

/** Literal env entries that look like credentials, with why. */
function literalSecrets(container: AnyContainer): { env: V1EnvVar; reason: string }[] {
  return (container.env ?? []).flatMap((env) => {
    const reason = env.value ? secretLooking(env.name, env.value) : undefined;
    return reason ? [{ env, reason }] : [];
  });
}

const secretLiteralInEnv = containerCheck({
  id: 'secret-literal-in-env',
  severity: 'high',
  title: 'Credentials written into container environment variables',
  offending: (workload) =>
    allContainers(workload).filter((container) => literalSecrets(container).length > 0),
  problem: 'writes what look like credentials into the env of containers',
  advice:
    'Move each value into a Secret and mount it as a file (or reference it with valueFrom.secretKeyRef); rotate it, since the workload spec has exposed it.',
  fix: [
    'volumeMounts:',
    '  - name: credentials',
    '    mountPath: /var/run/secrets/app',
    '    readOnly: true',
  ],
  evidence: (offending) => ({
    env: offending.flatMap((container) =>
      literalSecrets(container).map(({ env, reason }) => ({
        container: container.name,
        name: env.name,
        reason,
      })),
    ),
  }),
});

const secretInConfigMap: Check = {
  id: 'secret-in-configmap',
  severity: 'high',
  mode: 'spec',
  title: 'ConfigMaps that hold credentials',
  target: 'ConfigMap',
  detect(configMap, { snapshot }) {
    const keys = Object.entries(configMap.data ?? {}).flatMap(([key, value]) => {
      const reason = secretLooking(key, value);
      return reason ? [{ key, reason }] : [];
    });
    if (keys.length === 0) return undefined;
    const moved = keys.map(({ key }) => `--from-literal=${key}=...`).join(' ');
    return {
      message: `${named(configMap)} holds what look like credentials under ${keys.map(({ key, reason }) => `${key} (${reason})`).join(', ')}.`,
      remediation: [
        'Move these keys into a Secret (which RBAC can keep from readers of ConfigMaps), remove them from the ConfigMap, and rotate them:',
        `kubectl -n ${snapshot.namespace} create secret generic ${configMap.metadata.name} ${moved}`,
      ].join('\n'),
      evidence: { keys },
    };
  },
};

/** Where the container takes Secrets into its environment. */
function secretEnvSources(container: AnyContainer): { secret: string; key?: string }[] {
  return [
    ...(container.env ?? []).flatMap(({ valueFrom }) =>
      valueFrom?.secretKeyRef
        ? [{ secret: valueFrom.secretKeyRef.name ?? '', key: valueFrom.secretKeyRef.key }]
        : [],
    ),
    ...(container.envFrom ?? []).flatMap(({ secretRef }) =>
      secretRef ? [{ secret: secretRef.name ?? '' }] : [],
    ),
  ];
}

const secretEnvReference = containerCheck({
  id: 'secret-env-reference',
  severity: 'low',
  title: 'Secrets passed as environment variables',
  offending: (workload) =>
    allContainers(workload).filter((container) => secretEnvSources(container).length > 0),
  problem:
    'passes Secrets to containers as environment variables (which leak into logs, crash dumps and child processes)',
  advice: 'Mount the Secrets as files instead of env or envFrom references.',
  fix: [
    'volumeMounts:',
    '  - name: <secret volume>',
    '    mountPath: /var/run/secrets/app',
    '    readOnly: true',
  ],
  evidence: (offending) => ({
    references: offending.flatMap((container) =>
      secretEnvSources(container).map((source) => ({ container: container.name, ...source })),
    ),
  }),
});

export const secretsExposure: Agent = {
  id: 'secrets-exposure',
  name: 'Secrets exposure',
  category: 'security',
  description: 'Credentials stored where they should not be: in env literals, in ConfigMaps, in env at all.',
  checks: [secretLiteralInEnv, secretInConfigMap, secretEnvReference],
};
