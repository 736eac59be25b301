// @guardian/platform/workflows: what the operator and the API both need of workflows, once: the
// vocabulary, the templates (data, validated by a schema) and their parameters, the approval
// policy, and the names and keys of runs and steps.

export {
  type RemediationRecord,
  type RemediationStatus,
  RemediationStore,
} from '../stores/RemediationStore.ts';
export { admissible, admits, type QueuedRun, queueOrder } from './admission.ts';
export {
  type ApprovalPolicy,
  approvalPolicy,
  DEFAULT_APPROVAL_POLICY,
  DEFAULT_APPROVAL_TIMEOUT,
  DEFAULT_PRODUCTION_ENVIRONMENTS,
  GATE_ROLES,
  type Gate,
  type GateRole,
  gateFor,
  loosening,
  type OrganizationApprovals,
  type Requirement,
  type RiskRequirements,
} from './approval-policy.ts';
export {
  acceptedDecisions,
  DECISIONS,
  type Decided,
  type DecisionKind,
  type GateInput,
  type GateState,
  gateState,
  type PassedGate,
  type Person,
  revertVerdict,
  VERDICTS,
  type Verdict,
  type VerdictInput,
  type VerdictReason,
  verdict,
} from './decisions.ts';
export { formatDuration, parseDuration } from './duration.ts';
export { registryProblems } from './image-registries.ts';
export {
  PLATFORM_REQUESTER_PREFIX,
  platformUserOf,
  REMEDIATOR_SERVICE_ACCOUNT,
  remediatorUser,
  runName,
  stepKey,
  uuidFrom,
} from './names.ts';
export {
  checkTemplateResource,
  organizationTemplates,
  resourceNameOf,
  type TemplateCheck,
  type TemplateResource,
  type TemplateSource,
  type Templates,
  templateInputOf,
  templateNameOf,
  templatesFor,
} from './org-templates.ts';
export {
  checkParameters,
  type ParameterCheck,
  type ParameterContext,
  type ParameterError,
  parseWorkload,
} from './parameters.ts';
export { type PinnedCheck, type PinnedTemplate, pinnedTemplates, pinTemplate } from './pinned.ts';
export {
  applyConfiguration,
  changedSince,
  currentValue,
  type FieldChange,
  fieldPath,
  plannedChanges,
  podTemplateKind,
  REMEDIATED_CHECKS,
  REMEDIATIONS,
  type Remediation,
  type ResourceDefaults,
  remediates,
  remediationFieldManager,
  unpatchableReason,
  type Workload,
} from './remediation.ts';
export { type Admission, type GoneRuns, type SlotRun, slotsHeld, WorkflowSlots } from './slots.ts';
export { DEFAULT_STEP_TIMEOUT } from './step-schemas.ts';
export {
  AGENT_IDS,
  builtInTemplates,
  type Parameter,
  type Step,
  TEMPLATE_NAME,
  TemplateCatalog,
  type TemplateInput,
  WorkflowTemplate,
} from './templates.ts';
export {
  FINAL_PHASES,
  FINAL_STEP_PHASES,
  isFinal,
  PHASES,
  type Phase,
  REASONS,
  type Reason,
  RISKS,
  type Risk,
  SLOT_PHASES,
  STEP_PHASES,
  STEP_TYPES,
  STEP_TYPES_AVAILABLE,
  type StepPhase,
  type StepType,
} from './vocabulary.ts';
