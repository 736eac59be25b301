import type { Agent, Category, Severity } from '../types.ts';
import { batchJobs } from './batch-jobs.ts';
import { cisPolicies } from './cis-policies.ts';
import { configHygiene } from './config-hygiene.ts';
import { costEstimator } from './cost-estimator.ts';
import { danglingReferences } from './dangling-references.ts';
import { events } from './events.ts';
import { highAvailability } from './high-availability.ts';
import { hostFilesystem } from './host-filesystem.ts';
import { hostNamespaces } from './host-namespaces.ts';
import { hpaConfig } from './hpa-config.ts';
import { idleResources } from './idle-resources.ts';
import { imageHygiene } from './image-hygiene.ts';
import { immutableFilesystem } from './immutable-filesystem.ts';
import { ingressHealth } from './ingress-health.ts';
import { linuxCapabilities } from './linux-capabilities.ts';
import { networkExposure } from './network-exposure.ts';
import { networkPolicy } from './network-policy.ts';
import { nodeHealth } from './node-health.ts';
import { pdbConfig } from './pdb-config.ts';
import { podRuntime } from './pod-runtime.ts';
import { podSecurityStandards } from './pod-security-standards.ts';
import { privilegedContainers } from './privileged-containers.ts';
import { probes } from './probes.ts';
import { quotaGovernance } from './quota-governance.ts';
import { rbacBindings } from './rbac-bindings.ts';
import { rbacRoles } from './rbac-roles.ts';
import { resourceLimits } from './resource-limits.ts';
import { rolloutHealth } from './rollout-health.ts';
import { runAsNonRoot } from './run-as-non-root.ts';
import { scheduling } from './scheduling.ts';
import { secretsExposure } from './secrets-exposure.ts';
import { serviceAccountTokens } from './service-account-tokens.ts';
import { serviceCost } from './service-cost.ts';
import { serviceHealth } from './service-health.ts';
import { statefulsetConfig } from './statefulset-config.ts';
import { storage } from './storage.ts';
import { syscallConfinement } from './syscall-confinement.ts';

/** The agents of AGENTS.md §2, in its order. */
export const catalog: readonly Agent[] = [
  privilegedContainers,
  hostNamespaces,
  hostFilesystem,
  linuxCapabilities,
  runAsNonRoot,
  immutableFilesystem,
  syscallConfinement,
  serviceAccountTokens,
  secretsExposure,
  rbacRoles,
  rbacBindings,
  networkExposure,
  networkPolicy,
  serviceHealth,
  ingressHealth,
  probes,
  resourceLimits,
  highAvailability,
  rolloutHealth,
  podRuntime,
  statefulsetConfig,
  hpaConfig,
  pdbConfig,
  batchJobs,
  events,
  storage,
  danglingReferences,
  imageHygiene,
  configHygiene,
  costEstimator,
  idleResources,
  serviceCost,
  podSecurityStandards,
  cisPolicies,
  quotaGovernance,
  scheduling,
  nodeHealth,
];

export interface AgentDescription {
  id: string;
  name: string;
  category: Category;
  description: string;
  checks: { id: string; severity: Severity; title: string }[];
}

/** What `GET /agents` serves: each agent and its checks, by full id (`<agent>/<check>`). */
export function describeCatalog(agents: readonly Agent[] = catalog): AgentDescription[] {
  return agents.map(({ id, name, category, description, checks }) => ({
    id,
    name,
    category,
    description,
    checks: checks.map((check) => ({
      id: `${id}/${check.id}`,
      severity: check.severity,
      title: check.title,
    })),
  }));
}
