import type { Case } from '../testing/case.ts';
import { cisPoliciesCases } from './cis-policies.cases.ts';
import { costEstimatorCases } from './cost-estimator.cases.ts';
import { hostFilesystemCases } from './host-filesystem.cases.ts';
import { hostNamespacesCases } from './host-namespaces.cases.ts';
import { immutableFilesystemCases } from './immutable-filesystem.cases.ts';
import { linuxCapabilitiesCases } from './linux-capabilities.cases.ts';
import { networkExposureCases } from './network-exposure.cases.ts';
import { networkPolicyCases } from './network-policy.cases.ts';
import { podSecurityStandardsCases } from './pod-security-standards.cases.ts';
import { privilegedContainersCases } from './privileged-containers.cases.ts';
import { quotaGovernanceCases } from './quota-governance.cases.ts';
import { rbacBindingsCases } from './rbac-bindings.cases.ts';
import { rbacRolesCases } from './rbac-roles.cases.ts';
import { resourceLimitsCases } from './resource-limits.cases.ts';
import { rolloutHealthCases } from './rollout-health.cases.ts';
import { runAsNonRootCases } from './run-as-non-root.cases.ts';
import { secretsExposureCases } from './secrets-exposure.cases.ts';
import { serviceAccountTokensCases } from './service-account-tokens.cases.ts';
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
  'resource-limits': resourceLimitsCases,
  'rollout-health': rolloutHealthCases,
  'cost-estimator': costEstimatorCases,
  'pod-security-standards': podSecurityStandardsCases,
  'cis-policies': cisPoliciesCases,
  'quota-governance': quotaGovernanceCases,
};
