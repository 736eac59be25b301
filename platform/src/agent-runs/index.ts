// @guardian/platform/agents: the agent library (../agents/, pure) and the path of a run around it,
// which the API and the operator's workflow steps share: metered before any work, one snapshot read
// as the organization's agent, stored in its tenant database (AGENTS.md, DESIGN.md).
export * from '../agents/index.ts';
export { AgentService, type AgentServiceDeps, type StartedRun } from '../services/AgentService.ts';
export type { Actor } from '../services/actor.ts';
export { QuotaExceededError } from '../services/errors.ts';
export { AgentRunStore } from '../stores/AgentRunStore.ts';
export { TenantDatabases, TenantDatabaseUnavailable } from '../tenant-db/databases.ts';
export { type AgentRun, countBySeverity, type RunStatus, type SeverityCounts } from './run.ts';
export { agentUser, NamespaceUnreadable, readSnapshot } from './snapshot-reader.ts';
