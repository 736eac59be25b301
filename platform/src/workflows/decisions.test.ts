import { describe, expect, it } from 'vitest';
import {
  acceptedDecisions,
  type Decided,
  type GateInput,
  gateState,
  type Person,
  revertVerdict,
  VERDICTS,
  verdict,
} from './decisions.ts';

const now = Date.parse('2026-01-01T12:00:00Z');
const gate = (change: Partial<GateInput> = {}): GateInput => ({
  stepPhase: 'AwaitingApproval',
  policy: 'Required',
  approvers: 1,
  role: 'team_lead',
  expiresAt: '2026-01-02T12:00:00Z',
  ...change,
});
const person = (id: string, role: Person['role'], teamRoles: Person['teamRoles'] = {}): Person => ({
  id,
  role,
  teamRoles,
  names: [`guardian:${id}`, `oidc:${id}@example.com`],
});
const run = { team: 'payments', requestedBy: 'guardian:req' };
const approve = (p: string): Decided => ({ person: p, user: `guardian:${p}`, decision: 'approve' });
const judge = (change: Partial<Parameters<typeof verdict>[0]>) =>
  verdict({
    decision: 'approve',
    gate: gate(),
    run,
    person: person('ada', 'org_admin'),
    accepted: [],
    now,
    ...change,
  });

describe('gateState', () => {
  it('counts each person once, and stops at the first decision that settles the gate', () => {
    expect(gateState(2, [approve('a'), approve('a')])).toEqual({ approvedBy: ['guardian:a'], remaining: 1 });
    expect(gateState(2, [approve('a'), approve('b'), { ...approve('c'), decision: 'reject' }])).toMatchObject(
      {
        outcome: 'approved',
        approvedBy: ['guardian:a', 'guardian:b'],
        remaining: 0,
      },
    );
    expect(gateState(2, [approve('a'), { ...approve('c'), decision: 'reject' }, approve('b')])).toMatchObject(
      {
        outcome: 'rejected',
        rejectedBy: 'guardian:c',
      },
    );
  });
});

describe('acceptedDecisions', () => {
  const born = '2026-01-01T11:00:00Z';
  const approval = (namespace: string, name: string, accepted: boolean, decidedAt: string) => ({
    metadata: { name, namespace, creationTimestamp: '2026-01-01T11:30:00Z' },
    spec: { workflowRun: 'wf-one', step: 'gate', decision: 'approve' as const, user: `guardian:${name}` },
    status: { accepted, person: name, decidedAt },
  });

  it('counts the accepted approvals of this run’s gate, in its own namespace, in the order accepted', () => {
    const run = { metadata: { name: 'wf-one', namespace: 'org-a', creationTimestamp: born } };
    const approvals = [
      approval('org-a', 'second', true, '2026-01-01T11:50:00Z'),
      approval('org-a', 'first', true, '2026-01-01T11:40:00Z'),
      approval('org-a', 'refused', false, '2026-01-01T11:45:00Z'),
      // The same run name in another organization's namespace is another run.
      approval('org-b', 'stranger', true, '2026-01-01T11:35:00Z'),
    ];
    expect(acceptedDecisions(approvals as never, run as never, 'gate').map((d) => d.person)).toEqual([
      'first',
      'second',
    ]);
  });
});

describe('the platform’s verdict', () => {
  it('accepts an org_admin’s approval of a waiting gate', () => {
    expect(judge({})).toMatchObject({ accepted: true, reason: VERDICTS.accepted });
  });

  it.each([
    ['no such gate', { gate: undefined }, VERDICTS.noSuchGate],
    ['a gate that does not wait', { gate: gate({ stepPhase: 'Pending' }) }, VERDICTS.notAwaiting],
    ['an expired gate', { now: Date.parse('2026-01-02T12:00:00Z') }, VERDICTS.expired],
    ['an unknown user', { person: undefined }, VERDICTS.unknownUser],
    ['the requester’s own run', { person: person('req', 'org_owner') }, VERDICTS.ownRun],
    [
      'a team member',
      { person: person('tim', 'team_member', { payments: 'team_member' }) },
      VERDICTS.roleTooLow,
    ],
    [
      'a lead of another team',
      { person: person('lee', 'team_lead', { search: 'team_lead' }) },
      VERDICTS.anotherTeam,
    ],
    [
      'a team lead who is only a member of the run’s team',
      { person: person('lee', 'team_lead', { payments: 'team_member', search: 'team_lead' }) },
      VERDICTS.anotherTeam,
    ],
    [
      'a lead of the run’s team whose organization role is below team_lead',
      { person: person('lee', 'team_member', { payments: 'team_lead' }) },
      VERDICTS.roleTooLow,
    ],
    [
      'a team lead on an org_admin gate',
      { person: person('lee', 'team_lead', { payments: 'team_lead' }), gate: gate({ role: 'org_admin' }) },
      VERDICTS.roleTooLow,
    ],
    [
      'a second approval by one person',
      { gate: gate({ approvers: 2 }), accepted: [approve('ada')] },
      VERDICTS.alreadyApproved,
    ],
    ['a gate already approved', { accepted: [approve('bob')] }, VERDICTS.late],
  ] as const)('refuses %s', (_, change, reason) => {
    expect(judge(change as never)).toMatchObject({ accepted: false, reason });
  });

  it('lets a team lead decide their own team’s run, and the requester reject it', () => {
    expect(judge({ person: person('lee', 'team_lead', { payments: 'team_lead' }) }).accepted).toBe(true);
    expect(judge({ decision: 'reject', person: person('req', 'org_admin') }).accepted).toBe(true);
  });

  it('needs two different people for a two-approver gate: a reject after one approval still ends it', () => {
    const two = gate({ approvers: 2, role: 'org_admin' });
    expect(
      judge({ gate: two, person: person('bob', 'org_owner'), accepted: [approve('ada')] }).accepted,
    ).toBe(true);
    expect(judge({ gate: two, decision: 'reject', accepted: [approve('bob')] }).accepted).toBe(true);
  });
});

describe('revertVerdict', () => {
  const lead = person('lee', 'team_lead', { payments: 'team_lead' });
  it.each([
    ['a run without gates, by a team lead of no team', [], person('lee', 'team_lead'), true],
    ['gates that passed on their own', [{ policy: 'Auto' as const, role: 'org_admin' as const }], lead, true],
    [
      'a team_lead gate, by a lead of the run’s team',
      [{ policy: 'Required' as const, role: 'team_lead' as const }],
      lead,
      true,
    ],
    [
      'an org_admin gate, by an org_admin',
      [{ policy: 'Required' as const, role: 'org_admin' as const }],
      person('ada', 'org_admin'),
      true,
    ],
  ])('allows %s', (_, gates, who, accepted) => {
    expect(revertVerdict(gates, run, who).accepted).toBe(accepted);
  });

  it.each([
    [
      'an org_admin gate, by a team lead of the run’s team',
      [{ policy: 'Required' as const, role: 'org_admin' as const }],
      lead,
      VERDICTS.roleTooLow,
    ],
    [
      'the strongest of several gates',
      [
        { policy: 'Required' as const, role: 'team_lead' as const },
        { policy: 'Required' as const, role: 'org_owner' as const },
      ],
      person('ada', 'org_admin'),
      VERDICTS.roleTooLow,
    ],
    [
      'a team_lead gate, by a member of the run’s team',
      [{ policy: 'Required' as const, role: 'team_lead' as const }],
      person('lee', 'team_lead', { payments: 'team_member' }),
      VERDICTS.anotherTeam,
    ],
  ])('refuses %s', (_, gates, who, reason) => {
    const judged = revertVerdict(gates, run, who);
    expect(judged).toMatchObject({ accepted: false, reason });
    expect(judged.message).toMatch(/^Reverting this run: /);
  });
});
