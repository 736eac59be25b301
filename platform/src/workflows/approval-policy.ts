import { formatDuration, parseDuration } from './duration.ts';
import { RISKS, type Risk } from './vocabulary.ts';

/**
 * Who may approve, weakest first: `team_lead` is a team lead of the run's team or anyone at least
 * org_admin; `org_admin` an org_admin or owner; `org_owner` an owner. The platform judges people
 * (Workflows 3/3); this module says only what a gate needs.
 */
export const GATE_ROLES = ['team_lead', 'org_admin', 'org_owner'] as const;
export type GateRole = (typeof GATE_ROLES)[number];

/** What one gate needs: `approvers` distinct people of at least `role`; 0 approvers is auto. */
export interface Requirement {
  approvers: number;
  role?: GateRole;
}

export interface RiskRequirements {
  outsideProduction: Requirement;
  inProduction: Requirement;
}

/** The Organization's `spec.approvals` (the CRD refuses any loosening of the floor below). */
export interface OrganizationApprovals {
  productionEnvironments?: string[];
  timeout?: string;
  risks?: Partial<Record<Risk, Partial<RiskRequirements>>>;
}

/** DESIGN.md's default approval policy: the floor every organization's policy stays at or above. */
export const DEFAULT_APPROVAL_POLICY: Readonly<Record<Risk, RiskRequirements>> = {
  low: { outsideProduction: { approvers: 0 }, inProduction: { approvers: 0 } },
  medium: { outsideProduction: { approvers: 0 }, inProduction: { approvers: 1, role: 'team_lead' } },
  high: {
    outsideProduction: { approvers: 1, role: 'team_lead' },
    inProduction: { approvers: 1, role: 'org_admin' },
  },
  critical: {
    outsideProduction: { approvers: 2, role: 'org_admin' },
    inProduction: { approvers: 2, role: 'org_admin' },
  },
};

export const DEFAULT_PRODUCTION_ENVIRONMENTS = ['production'];
export const DEFAULT_APPROVAL_TIMEOUT = '24h';

const roleRank = (role: GateRole | undefined) => (role === undefined ? -1 : GATE_ROLES.indexOf(role));

/**
 * Why `wanted` would loosen `floor` (fewer approvers, or a weaker role while any are needed), or
 * undefined when it is at least as strict. The CRD's CEL rules say the same per field.
 */
export function loosening(wanted: Requirement, floor: Requirement): string | undefined {
  if (wanted.approvers < floor.approvers)
    return `needs at least ${floor.approvers} approver${floor.approvers === 1 ? '' : 's'}`;
  if (floor.approvers > 0 && roleRank(wanted.role) < roleRank(floor.role))
    return `needs approvers of at least ${floor.role}`;
  return undefined;
}

/** The stricter of two requirements, field by field: what applies even if CEL were bypassed. */
function stricter(a: Requirement, b: Requirement): Requirement {
  const approvers = Math.max(a.approvers, b.approvers);
  if (approvers === 0) return { approvers };
  const role = roleRank(a.role) >= roleRank(b.role) ? a.role : b.role;
  return { approvers, role: role ?? 'team_lead' };
}

/** An organization's approval policy in force: its own tightening of the floor. */
export interface ApprovalPolicy {
  productionEnvironments: readonly string[];
  timeoutMs: number;
  risks: Readonly<Record<Risk, RiskRequirements>>;
}

export function approvalPolicy(approvals: OrganizationApprovals | undefined): ApprovalPolicy {
  const own = approvals?.risks ?? {};
  const risks = Object.fromEntries(
    RISKS.map((risk) => {
      const floor = DEFAULT_APPROVAL_POLICY[risk];
      const wanted = own[risk] ?? {};
      return [
        risk,
        {
          outsideProduction: stricter(floor.outsideProduction, wanted.outsideProduction ?? { approvers: 0 }),
          inProduction: stricter(floor.inProduction, wanted.inProduction ?? { approvers: 0 }),
        },
      ];
    }),
  ) as Record<Risk, RiskRequirements>;
  return {
    productionEnvironments: approvals?.productionEnvironments ?? DEFAULT_PRODUCTION_ENVIRONMENTS,
    timeoutMs: parseDuration(approvals?.timeout ?? DEFAULT_APPROVAL_TIMEOUT) ?? 86_400_000,
    risks,
  };
}

/** What a gate of `risk` in one environment needs: auto, or approvers within a timeout. */
export type Gate =
  | { auto: true; production: boolean; reason: string }
  | {
      auto: false;
      production: boolean;
      approvers: number;
      role: GateRole;
      timeoutMs: number;
      reason: string;
    };

export function gateFor(policy: ApprovalPolicy, risk: Risk, environment: string): Gate {
  const production = policy.productionEnvironments.includes(environment);
  const where = production ? 'in production' : 'outside production';
  const requirement = policy.risks[risk][production ? 'inProduction' : 'outsideProduction'];
  if (requirement.approvers === 0) {
    return {
      auto: true,
      production,
      reason: `A ${risk}-risk gate ${where} (${environment}) passes on its own`,
    };
  }
  const role = requirement.role ?? 'team_lead';
  const who = role === 'team_lead' ? 'team_lead of the run’s team, or org_admin' : role;
  const count = requirement.approvers === 1 ? '1 approver' : `${requirement.approvers} distinct approvers`;
  return {
    auto: false,
    production,
    approvers: requirement.approvers,
    role,
    timeoutMs: policy.timeoutMs,
    reason:
      `A ${risk}-risk gate ${where} (${environment}) needs ${count}, at least ${who}, ` +
      `within ${formatDuration(policy.timeoutMs)}; the requester never approves their own run`,
  };
}
