import type { WorkflowApproval, WorkflowRun } from '@guardian/crds/generated';
import type { Role, TeamRole } from '../rbac.ts';
import type { GateRole } from './approval-policy.ts';

/**
 * Decisions on gates (DESIGN.md, "The platform judges people"): what a gate's accepted decisions
 * add up to, which the operator acts on, and the platform's verdict on one more decision, which
 * the API, kubectl and every other way of deciding share.
 */
export const DECISIONS = ['approve', 'reject'] as const;
export type DecisionKind = (typeof DECISIONS)[number];

/** Why a decision was accepted or refused: WorkflowApproval.status.reason. */
export const VERDICTS = {
  accepted: 'Accepted',
  ownRun: 'OwnRun',
  roleTooLow: 'RoleTooLow',
  anotherTeam: 'AnotherTeam',
  alreadyApproved: 'AlreadyApproved',
  notAwaiting: 'NotAwaiting',
  late: 'Late',
  expired: 'Expired',
  unknownUser: 'UnknownUser',
  noSuchGate: 'NoSuchGate',
} as const;
export type VerdictReason = (typeof VERDICTS)[keyof typeof VERDICTS];

/** One accepted decision on a gate: who (the person it resolved to) and what. */
export interface Decided {
  person: string;
  user: string;
  decision: DecisionKind;
}

/** Where a gate stands: who approved (each person once), who rejected, how many are still needed. */
export interface GateState {
  approvedBy: string[];
  rejectedBy?: string;
  remaining: number;
  outcome?: 'approved' | 'rejected';
}

/**
 * What a gate's accepted decisions add up to, in the order they were accepted: the first decision
 * that settles the gate settles it (a reject, or the last approval needed); nothing after counts.
 */
export function gateState(required: number, decided: readonly Decided[]): GateState {
  const persons = new Set<string>();
  const approvedBy: string[] = [];
  for (const decision of decided) {
    if (decision.decision === 'reject') {
      return {
        approvedBy,
        rejectedBy: decision.user,
        remaining: required - approvedBy.length,
        outcome: 'rejected',
      };
    }
    if (persons.has(decision.person)) continue;
    persons.add(decision.person);
    approvedBy.push(decision.user);
    if (approvedBy.length >= required) return { approvedBy, remaining: 0, outcome: 'approved' };
  }
  return { approvedBy, remaining: Math.max(0, required - approvedBy.length) };
}

/** Who decides, as the platform resolved them. */
export interface Person {
  /** The platform user id, or the username when no platform user has that verified email. */
  id: string;
  /** Their role in the run's organization (super_admin for super admins); null: none. */
  role: Role | null;
  /** Their role in each of their Teams in that organization. */
  teamRoles: Readonly<Record<string, TeamRole>>;
  /** Every name a run's spec.requestedBy may give them (guardian:<id>, oidc:<email>). */
  names: readonly string[];
}

/** The gate decided on, as the run's status says it now (read live, never from a cache). */
export interface GateInput {
  stepPhase: string;
  policy: 'Auto' | 'Required';
  approvers: number;
  role: GateRole;
  expiresAt?: string;
}

export interface VerdictInput {
  decision: DecisionKind;
  /** undefined: the run or the step does not exist, or the step is no gate. */
  gate: GateInput | undefined;
  run: { team?: string; requestedBy: string };
  /** undefined: the user resolved to nobody the platform knows. */
  person: Person | undefined;
  /** The gate's decisions accepted before this one, in order. */
  accepted: readonly Decided[];
  now: number;
}

export interface Verdict {
  accepted: boolean;
  reason: VerdictReason;
  message: string;
}

const refused = (reason: VerdictReason, message: string): Verdict => ({ accepted: false, reason, message });

const RANK: Partial<Record<Role, number>> = { org_admin: 1, org_owner: 2, super_admin: 2 };
const NEEDED: Record<GateRole, number> = { team_lead: 0, org_admin: 1, org_owner: 2 };

/**
 * Whether the person's role meets the gate's; team leads only for runs of a team they lead (their
 * role in that Team is team_lead: being a member of it in another role is not enough).
 */
export function entitled(
  gate: Pick<GateInput, 'role'>,
  run: Pick<VerdictInput['run'], 'team'>,
  person: Person,
): Verdict | undefined {
  const rank = person.role ? RANK[person.role] : undefined;
  if (rank !== undefined && rank >= NEEDED[gate.role]) return undefined;
  if (gate.role === 'team_lead' && person.role === 'team_lead') {
    if (run.team && person.teamRoles[run.team] === 'team_lead') return undefined;
    return refused(
      VERDICTS.anotherTeam,
      run.team
        ? `Team leads decide only runs of a team they lead; this run is team ${run.team}'s`
        : 'This run has no team, so a team lead may not decide it: it needs an org_admin',
    );
  }
  const who =
    gate.role === 'team_lead' ? 'a team_lead of the run’s team, or an org_admin' : `an ${gate.role}`;
  return refused(VERDICTS.roleTooLow, `This gate needs ${who}; your role is ${person.role ?? 'none'}`);
}

/**
 * The platform's verdict on one decision, at decision time: the gate awaits a decision and has not
 * expired, nobody settled it already, the person is known, is not the requester (for an approval),
 * holds the role the gate needs (team leads: their own team's runs), and has not approved it
 * already (two approvals by one person count once).
 */
export function verdict(input: VerdictInput): Verdict {
  const { gate, person, decision, run } = input;
  if (!gate) return refused(VERDICTS.noSuchGate, 'The run has no such gate');
  const state = gateState(gate.approvers, input.accepted);
  if (state.outcome) {
    const by = state.outcome === 'rejected' ? state.rejectedBy : state.approvedBy.join(', ');
    return refused(VERDICTS.late, `Too late: the gate was already ${state.outcome} by ${by}`);
  }
  if (gate.stepPhase !== 'AwaitingApproval' || gate.policy !== 'Required') {
    return refused(VERDICTS.notAwaiting, `The gate does not await a decision (it is ${gate.stepPhase})`);
  }
  if (gate.expiresAt && input.now >= Date.parse(gate.expiresAt)) {
    return refused(VERDICTS.expired, `The gate expired at ${gate.expiresAt}`);
  }
  if (!person) return refused(VERDICTS.unknownUser, 'The user is nobody this platform knows');
  if (decision === 'approve' && person.names.includes(run.requestedBy)) {
    return refused(VERDICTS.ownRun, 'The requester never approves their own run');
  }
  const denied = entitled(gate, run, person);
  if (denied) return denied;
  if (decision === 'approve' && input.accepted.some((prior) => prior.person === person.id)) {
    return refused(VERDICTS.alreadyApproved, 'You approved this gate already; one person counts once');
  }
  return {
    accepted: true,
    reason: VERDICTS.accepted,
    message: decision === 'approve' ? 'The approval counts' : 'The rejection ends the run',
  };
}

/** A gate of an ended run, as its status recorded it. */
export interface PassedGate {
  policy?: 'Auto' | 'Required';
  role?: GateRole;
}

/**
 * Whether the person may revert what a run changed: by the rule its gates used (the strongest role
 * any gate that needed people required, team leads only for a team they lead), so a production
 * remediation that needed an org_admin is undone only by one. A run whose gates all passed on
 * their own needs no more than the permission to approve (checked by the route).
 */
export function revertVerdict(
  gates: readonly PassedGate[],
  run: Pick<VerdictInput['run'], 'team'>,
  person: Person,
): Verdict {
  const roles = gates.flatMap((gate) => (gate.policy === 'Auto' ? [] : [gate.role ?? 'team_lead']));
  const role = roles.reduce<GateRole | undefined>(
    (strongest, candidate) =>
      strongest === undefined || NEEDED[candidate] > NEEDED[strongest] ? candidate : strongest,
    undefined,
  );
  if (role === undefined) {
    return { accepted: true, reason: VERDICTS.accepted, message: 'No gate of the run needed people' };
  }
  const denied = entitled({ role }, run, person);
  if (denied) return { ...denied, message: `Reverting this run: ${denied.message}` };
  return { accepted: true, reason: VERDICTS.accepted, message: `The run's gate needed ${role}; you meet it` };
}

type Named = { metadata?: { name?: string; namespace?: string; creationTimestamp?: string | Date } };
const time = (value: string | Date | undefined) => (value === undefined ? 0 : new Date(value).getTime());

/**
 * The accepted decisions on one gate of `run`, in the order the platform accepted them (its
 * verdicts on one gate are serialized): what the operator counts and the platform judges against.
 * Decisions older than the run are another run's of the same name.
 */
export function acceptedDecisions(
  approvals: readonly (WorkflowApproval & Named)[],
  run: WorkflowRun & Named,
  step: string,
): Decided[] {
  const born = time(run.metadata?.creationTimestamp);
  return approvals
    .filter(
      (approval) =>
        // Run names are unique only in their namespace: another organization may have one too.
        approval.metadata?.namespace === run.metadata?.namespace &&
        approval.spec.workflowRun === run.metadata?.name &&
        approval.spec.step === step &&
        approval.status?.accepted === true &&
        time(approval.metadata?.creationTimestamp) >= born,
    )
    .sort(
      (a, b) =>
        time(a.status?.decidedAt) - time(b.status?.decidedAt) ||
        (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
    )
    .map((approval) => ({
      person: approval.status?.person ?? approval.spec.user,
      user: approval.spec.user,
      decision: approval.spec.decision,
    }));
}
