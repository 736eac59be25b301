// @guardian/platform/audit: the tamper-evident audit trail, written by the API and the operator.
export {
  type AuditEntry,
  type AuditEvent,
  AuditLog,
  type AuditLogOptions,
  type AuditQuery,
  INSTANCE_CHAIN,
} from './AuditLog.ts';
export { AuditService, type AuditServiceOptions } from './AuditService.ts';
export { auditUsage, runAudit } from './cli.ts';
export {
  CHECKPOINT_EVERY,
  checkpointKey,
  ENTRY_HASH_SQL,
  GENESIS,
  signCheckpoint,
  signHead,
} from './hash.ts';
export { type ProblemKind, type Verification, type VerifyProblem, verifyChain } from './verify.ts';
