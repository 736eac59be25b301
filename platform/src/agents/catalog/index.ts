import type { Agent, Category, Severity } from '../types.ts';
import { batchJobs } from './batch-jobs.ts';
import { configHygiene } from './config-hygiene.ts';
import { costEstimator } from './cost-estimator.ts';
import { danglingReferences } from './dangling-references.ts';
import { events } from './events.ts';
import { highAvailability } from './high-availability.ts';
import { hostNamespaces } from './host-namespaces.ts';
import { hpaConfig } from './hpa-config.ts';
import { idleResources } from './idle-resources.ts';
import { imageHygiene } from './image-hygiene.ts';
import { ingressHealth } from './ingress-health.ts';
import { nodeHealth } from './node-health.ts';
import { pdbConfig } from './pdb-config.ts';
import { podRuntime } from './pod-runtime.ts';
import { privilegedContainers } from './privileged-containers.ts';
import { probes } from './probes.ts';
import { resourceLimits } from './resource-limits.ts';
import { rolloutHealth } from './rollout-health.ts';
import { scheduling } from './scheduling.ts';
import { serviceCost } from './service-cost.ts';
import { serviceHealth } from './service-health.ts';
import { statefulsetConfig } from './statefulset-config.ts';
import { storage } from './storage.ts';

/** The agents of AGENTS.md §2 implemented so far, in its order. */
export const catalog: readonly Agent[] = [
  privilegedContainers,
  hostNamespaces,
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
