import type { AgentSettingsOverride } from '../settings.ts';
import type { Case } from '../testing/case.ts';
import { batchJobsCases } from './batch-jobs.cases.ts';
import { cisPoliciesCases } from './cis-policies.cases.ts';
import { configHygieneCases } from './config-hygiene.cases.ts';
import { costEstimatorCases } from './cost-estimator.cases.ts';
import { danglingReferencesCases } from './dangling-references.cases.ts';
import { eventsCases } from './events.cases.ts';
import { highAvailabilityCases } from './high-availability.cases.ts';
import { hostFilesystemCases } from './host-filesystem.cases.ts';
import { hostNamespacesCases } from './host-namespaces.cases.ts';
import { hpaConfigCases } from './hpa-config.cases.ts';
import { idleResourcesCases } from './idle-resources.cases.ts';
import { imageHygieneCases, imageHygieneSettings } from './image-hygiene.cases.ts';
import { immutableFilesystemCases } from './immutable-filesystem.cases.ts';
import { ingressHealthCases } from './ingress-health.cases.ts';
import { linuxCapabilitiesCases } from './linux-capabilities.cases.ts';
import { networkExposureCases } from './network-exposure.cases.ts';
import { networkPolicyCases } from './network-policy.cases.ts';
import { nodeHealthCases } from './node-health.cases.ts';
import { pdbConfigCases } from './pdb-config.cases.ts';
import { podRuntimeCases } from './pod-runtime.cases.ts';
import { podSecurityStandardsCases } from './pod-security-standards.cases.ts';
import { privilegedContainersCases } from './privileged-containers.cases.ts';
import { probesCases } from './probes.cases.ts';
import { quotaGovernanceCases } from './quota-governance.cases.ts';
import { rbacBindingsCases } from './rbac-bindings.cases.ts';
import { rbacRolesCases } from './rbac-roles.cases.ts';
import { resourceLimitsCases } from './resource-limits.cases.ts';
import { rolloutHealthCases } from './rollout-health.cases.ts';
import { runAsNonRootCases } from './run-as-non-root.cases.ts';
import { schedulingCases } from './scheduling.cases.ts';
import { secretsExposureCases } from './secrets-exposure.cases.ts';
import { serviceAccountTokensCases } from './service-account-tokens.cases.ts';
import { serviceCostCases } from './service-cost.cases.ts';
import { serviceHealthCases } from './service-health.cases.ts';
import { statefulsetConfigCases } from './statefulset-config.cases.ts';
import { storageCases } from './storage.cases.ts';
import { syscallConfinementCases } from './syscall-confinement.cases.ts';

/** Every agent's case table, by agent id: what the integration test applies to a real namespace. */
export const catalogCases: Readonly<Record<string, readonly Case[]>> = {
  'privileged-containers': privilegedContainersCases,
  'host-namespaces': hostNamespacesCases,
  'host-filesystem': hostFilesystemCases,
  'linux-capabilities': linuxCapabilitiesCases,
  'run-as-non-root': runAsNonRootCases,
  'immutable-filesystem': immutableFilesystemCases,
  'syscall-confinement': syscallConfinementCases,
  'service-account-tokens': serviceAccountTokensCases,
  'secrets-exposure': secretsExposureCases,
  'rbac-roles': rbacRolesCases,
  'rbac-bindings': rbacBindingsCases,
  'network-exposure': networkExposureCases,
  'network-policy': networkPolicyCases,
  'service-health': serviceHealthCases,
  'ingress-health': ingressHealthCases,
  probes: probesCases,
  'resource-limits': resourceLimitsCases,
  'high-availability': highAvailabilityCases,
  'rollout-health': rolloutHealthCases,
  'pod-runtime': podRuntimeCases,
  'statefulset-config': statefulsetConfigCases,
  'hpa-config': hpaConfigCases,
  'pdb-config': pdbConfigCases,
  'batch-jobs': batchJobsCases,
  events: eventsCases,
  storage: storageCases,
  'dangling-references': danglingReferencesCases,
  'image-hygiene': imageHygieneCases,
  'config-hygiene': configHygieneCases,
  'cost-estimator': costEstimatorCases,
  'idle-resources': idleResourcesCases,
  'service-cost': serviceCostCases,
  'pod-security-standards': podSecurityStandardsCases,
  'cis-policies': cisPoliciesCases,
  'quota-governance': quotaGovernanceCases,
  scheduling: schedulingCases,
  'node-health': nodeHealthCases,
};

/** Settings a table is evaluated with, by agent id (the defaults for the others): the integration test uses them too. */
export const catalogCaseSettings: Readonly<Record<string, AgentSettingsOverride>> = {
  'image-hygiene': imageHygieneSettings,
};
