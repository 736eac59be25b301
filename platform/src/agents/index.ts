// @guardian/platform/agents: deterministic analyzers over one namespace's objects (AGENTS.md).
// Pure: the caller lists the objects, builds a snapshot, and evaluates the agents it selected.

export { type CostSummary, costSummary, TEAM_LABEL, UNASSIGNED } from './catalog/cost-summary.ts';
export { type AgentDescription, catalog, describeCatalog } from './catalog/index.ts';
export {
  type AgentFailure,
  type EvaluateOptions,
  type Evaluation,
  evaluate,
  type Skipped,
} from './evaluate.ts';
export { findingId } from './findings.ts';
export {
  API_VERSIONS,
  type ClusterKind,
  type Kind,
  NAMESPACED_KINDS,
  type NamespacedKind,
  type NamespacedObjects,
  PLURALS,
  type Stored,
} from './kinds.ts';
export {
  type AgentSettings,
  type AgentSettingsOverride,
  agentSettings,
  type CostThresholds,
  defaultAgentSettings,
  type Prices,
} from './settings.ts';
export { buildSnapshot, type Snapshot, type SnapshotInput, withoutSecretValues } from './snapshot.ts';
export type { Case, ExpectedFinding, KubeManifest } from './testing/case.ts';
export {
  type Agent,
  CATEGORIES,
  type Category,
  type Check,
  type CheckResult,
  type ClusterRead,
  type Evidence,
  type Finding,
  type FindingResource,
  type Mode,
  type NamespaceSubject,
  SEVERITIES,
  type Severity,
} from './types.ts';
export type { Workload } from './workloads.ts';
