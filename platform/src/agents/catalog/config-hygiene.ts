import { named, type Stored } from '../kinds.ts';
import { referencedByPods, secretReferencedOutsidePods } from '../lookups/references.ts';
import { controllerOf } from '../owners.ts';
import type { Agent, Check } from '../types.ts';

/** Created in every namespace by Kubernetes itself: never reported by the hygiene checks (§0.11). */
const ROOT_CA = 'kube-root-ca.crt';
/** Labels of ConfigMaps that sidecars and operators load by label, not by reference. */
const LOADED_BY_LABEL = ['grafana_dashboard', 'grafana_datasource', 'prometheus_rule', 'fluentd_config'];
const SKIP_USAGE_CHECK = 'guardian.aiops.dev/skip-usage-check';
/** Secrets that tokens, bootstrap and Helm own; nothing mounts them. */
const UNREFERENCED_TYPES = [
  'kubernetes.io/service-account-token',
  'bootstrap.kubernetes.io/token',
  'helm.sh/release.v1',
];

function loadedElsewhere(configMap: Stored<'ConfigMap'>): boolean {
  const labels = configMap.metadata.labels ?? {};
  return (
    LOADED_BY_LABEL.some((label) => label in labels) ||
    labels['k8sgpt.ai/dynamically-loaded'] === 'true' ||
    configMap.metadata.annotations?.[SKIP_USAGE_CHECK] === 'true'
  );
}

const configMapUnused: Check = {
  id: 'configmap-unused',
  severity: 'info',
  mode: 'spec',
  title: 'ConfigMaps no Pod uses',
  target: 'ConfigMap',
  detect(configMap, { snapshot }) {
    const { name } = configMap.metadata;
    if (name === ROOT_CA || loadedElsewhere(configMap) || referencedByPods(snapshot, 'ConfigMap', name))
      return undefined;
    return {
      message: `${named(configMap)} is referenced by no pod template or Pod.`,
      remediation: `Delete it if nothing reads it through the API; otherwise annotate it so this check skips it:\nkubectl -n ${snapshot.namespace} annotate configmap ${name} ${SKIP_USAGE_CHECK}=true`,
      evidence: { keys: Object.keys({ ...configMap.data, ...configMap.binaryData }) },
    };
  },
};

const configMapEmpty: Check = {
  id: 'configmap-empty',
  severity: 'info',
  mode: 'spec',
  title: 'Empty ConfigMaps',
  target: 'ConfigMap',
  detect(configMap) {
    const keys = Object.keys({ ...configMap.data, ...configMap.binaryData });
    if (configMap.metadata.name === ROOT_CA || keys.length > 0) return undefined;
    return {
      message: `${named(configMap)} holds no data.`,
      remediation: 'Fill it, or delete it if nothing needs it.',
      evidence: { keys: [] },
    };
  },
};

const secretUnused: Check = {
  id: 'secret-unused',
  severity: 'info',
  mode: 'spec',
  title: 'Secrets nothing references',
  target: 'Secret',
  detect(secret, { snapshot }) {
    const { name } = secret.metadata;
    if (UNREFERENCED_TYPES.includes(secret.type ?? '')) return undefined;
    if (referencedByPods(snapshot, 'Secret', name) || secretReferencedOutsidePods(snapshot, name))
      return undefined;
    return {
      message: `${named(secret)} is referenced by no pod template, Pod, ServiceAccount or Ingress.`,
      remediation: `Delete it if nothing reads it through the API (credentials kept are credentials to rotate):\nkubectl -n ${snapshot.namespace} delete secret ${name}`,
      evidence: { type: secret.type ?? 'Opaque', keys: Object.keys(secret.data ?? {}) },
    };
  },
};

const nakedPod: Check = {
  id: 'naked-pod',
  severity: 'low',
  mode: 'spec',
  title: 'Pods without a controller',
  target: 'Pod',
  detect(pod) {
    if (controllerOf(pod) !== undefined) return undefined;
    return {
      message: `${named(pod)} has no controller: nothing recreates it when it is evicted or its node fails.`,
      remediation: 'Run it from a Deployment (long-running) or a Job (run to completion).',
      evidence: {
        ownerReferences: (pod.metadata.ownerReferences ?? []).map((owner) => `${owner.kind} ${owner.name}`),
      },
    };
  },
};

export const configHygiene: Agent = {
  id: 'config-hygiene',
  name: 'Configuration hygiene',
  category: 'deployment',
  description: 'ConfigMaps and Secrets nothing uses, empty ConfigMaps, and Pods without a controller.',
  checks: [configMapUnused, configMapEmpty, secretUnused, nakedPod],
};
