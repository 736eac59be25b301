// Deciding gates against the real stack: a platform (which judges) and an operator (which counts
// accepted decisions) of the suite's own, the test stack's apiserver with its OIDC issuer and demo
// users (carol the owner by spec.owners; frank the team lead and erin a member of Team platform).
// The seed's scenarios run the built-in cost and security pipelines; the other tests use a stand-in
// of the cost pipeline's shape that ends in a notification (agents steps, a medium gate, notify).

import type { WorkflowApproval } from '@guardian/crds/generated';
import { KINDS } from '@guardian/crds/kinds';
import type { KubeObject } from '@guardian/kube/resources';
import type { OrgRole } from '@guardian/platform/rbac';
import {
  builtInTemplates,
  REASONS,
  type Risk,
  type Step,
  type TemplateInput,
} from '@guardian/platform/workflows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShiftedClock } from '../support/fake-clock.ts';
import { adminClient, eventually, uniqueName } from '../support/kube.ts';
import { startOperatorInProcess } from '../support/operator.ts';
import { SUITE_LABEL, suiteSelector } from '../support/operator-suite.ts';
import { type Answer, call, organization, quotaPolicy } from '../support/platform.ts';
import { platformSuite } from '../support/platform-suite.ts';
import { apply, deleteOrganizations, organizationReady, team } from '../support/tenancy.ts';
import {
  auditActions,
  createApprovalAs,
  migratePlatformDatabase,
  readRun,
  runEnded,
  runWhere,
  startRun,
} from '../support/workflows.ts';

const SUITE = uniqueName('wf-approvals');
const labels = { [SUITE_LABEL]: SUITE };
const org = uniqueName('wfap');
const ns = `org-${org}`;
const planName = uniqueName('wfap-plan');
const plan = {
  ...quotaPolicy(planName, { displayName: 'approvals', features: { sso: false }, concurrentWorkflows: 30 }),
  metadata: { name: planName, labels },
};
const base = organization(org, {
  plan: plan.metadata.name,
  environments: ['staging', 'production'],
  owners: [{ kind: 'User', name: 'carol@startupco.io' }],
});
const orgObject = { ...base, metadata: { ...base.metadata, labels } };

const notify: Step = {
  name: 'tell',
  type: 'notify',
  description: 'Says what ran',
  message: '{template} ran',
};
const gated = (name: string, risk: Risk, before: Step[] = []): TemplateInput => ({
  name,
  namePrefix: name.replace(/_/g, '').slice(0, 12),
  description: `A ${risk}-risk gate`,
  steps: [...before, { name: 'approval', type: 'approval' as const, description: 'The gate', risk }, notify],
});
const templates = builtInTemplates.with([
  // The shape of cost_optimization_pipeline, a notification for its remediation.
  gated('cost_standin', 'medium', [
    { name: 'cost', type: 'agents', description: 'Cost', categories: ['cost'] },
    { name: 'security', type: 'agents', description: 'Security', categories: ['security'] },
  ]),
  gated('high_notice', 'high'),
  gated('critical_notice', 'critical'),
]);

beforeAll(migratePlatformDatabase);
const suite = platformSuite({ plans: [plan], organizations: [orgObject] });
const clock = new ShiftedClock();
let operator: { stop(): Promise<void> } | undefined;

beforeAll(async () => {
  operator = await startOperatorInProcess({
    namespace: uniqueName('it-wfap-op'),
    selector: suiteSelector(SUITE),
    templates,
    clock,
  });
  await organizationReady(org, 'True', 120_000);
  await apply(
    team(org, 'platform', {
      members: [
        { kind: 'User', name: 'frank@startupco.io', role: 'team_lead' },
        { kind: 'User', name: 'erin@startupco.io', role: 'team_member' },
      ],
    }),
  );
}, 180_000);

afterAll(async () => {
  await deleteOrganizations(org);
  await operator?.stop();
}, 120_000);

/** A token of a fresh user with `role` in the organization, and that role in each of `teams` (if any). */
async function person(role: OrgRole, teams: string[] = []): Promise<{ token: string; userId: string }> {
  const userId = crypto.randomUUID();
  const teamRole = role === 'team_lead' ? 'team_lead' : 'team_member';
  const { token } = await suite.platform.tokens.issue(
    userId,
    {
      superAdmin: false,
      orgs: { [org]: role },
      teams: { [org]: teams },
      teamRoles: { [org]: Object.fromEntries(teams.map((team) => [team, teamRole])) },
    },
    org,
  );
  return { token, userId };
}

const decide = (token: string, id: string, decision: 'approve' | 'reject', body: object = {}) =>
  call(suite.url, 'POST', `/workflows/${id}/${decision}`, token, body);

/** A run requested by `requester` (a platform user, as the API starts them), awaiting its gate. */
async function awaiting(template: string, requester: string, environment = 'production', team?: string) {
  const name = uniqueName(`wf-${template.slice(0, 8).replace(/_/g, '')}`);
  await startRun(org, name, {
    template,
    environment,
    requestedBy: `guardian:${requester}`,
    ...(team ? { team } : {}),
  });
  await runWhere(org, name, 'AwaitingApproval', (run) => run.status?.phase === 'AwaitingApproval', 120_000);
  return name;
}

type Approval = WorkflowApproval & KubeObject;
const approvalsOf = async (run: string) =>
  (await adminClient().list<Approval>(KINDS.workflowApproval, { namespace: ns })).items.filter(
    (approval) => approval.spec.workflowRun === run,
  );

/** kubectl create of a WorkflowApproval as a demo user of the issuer the apiserver trusts. */
const kubectlApproval = (email: string, run: string, user: string, decision = 'approve') =>
  createApprovalAs(email, org, { workflowRun: run, step: 'approval', decision, user });

const verdictOf = (name: string) =>
  eventually(`the verdict on ${name}`, async () => {
    const approval = await adminClient().get<Approval>(KINDS.workflowApproval, name, ns);
    return approval.status?.accepted === undefined ? undefined : approval.status;
  });

describe('the seed’s scenarios', () => {
  it('the cost pipeline waits in production; the requester’s own approval is refused; an org_admin approves; it completes', async () => {
    const requester = await person('org_admin');
    const admin = await person('org_admin');
    const run = await awaiting('cost_optimization_pipeline', requester.userId);
    const waiting = await readRun(org, run);
    expect(waiting.status?.steps?.find((step) => step.name === 'approval')?.approval).toMatchObject({
      policy: 'Required',
      approvers: 1,
      role: 'team_lead',
      remaining: 1,
    });
    const pendingForAdmin = await call(suite.url, 'GET', '/approvals?status=pending', admin.token);
    expect(
      (pendingForAdmin.body as { approvals: { workflow_id: string }[] }).approvals.map((a) => a.workflow_id),
    ).toContain(run);
    const pendingForRequester = await call(suite.url, 'GET', '/approvals', requester.token);
    expect(
      (pendingForRequester.body as { approvals: { workflow_id: string }[] }).approvals.map(
        (a) => a.workflow_id,
      ),
    ).not.toContain(run);

    const own = await decide(requester.token, run, 'approve');
    expect(own.status).toBe(403);
    expect(own.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((own.body as { detail: string }).detail).toMatch(/requester never approves their own run/);
    expect(await approvalsOf(run)).toEqual([]);

    const approved = await decide(admin.token, run, 'approve', { comment: 'Savings look right' });
    expect(approved.status).toBe(202);
    expect(approved.body).toMatchObject({
      workflow_id: run,
      step: 'approval',
      phase: 'Approved',
      approved_by: [`guardian:${admin.userId}`],
      remaining: 0,
    });
    const done = await runEnded(org, run, 120_000);
    expect(done.status?.phase).toBe('Succeeded');
    expect(done.status?.steps?.map((step) => step.phase)).toEqual([
      'Succeeded',
      'Succeeded',
      'Succeeded',
      'Succeeded',
    ]);
    expect(done.status?.steps?.[2]?.approval).toMatchObject({
      approvedBy: [`guardian:${admin.userId}`],
      remaining: 0,
    });
    const [recorded] = await approvalsOf(run);
    expect(recorded).toMatchObject({
      spec: { decision: 'approve', user: `guardian:${admin.userId}`, comment: 'Savings look right' },
      status: { accepted: true, reason: 'Accepted', person: admin.userId },
    });
    const actions = await auditActions(org, run);
    expect(actions).toEqual(
      expect.arrayContaining([
        'workflow.approval.requested',
        'workflow.approval.refused',
        'workflow.approval.approved',
      ]),
    );
    expect(actions.at(-1)).toBe('workflow.finished');
  }, 240_000);

  it('the security pipeline is auto-approved in staging, end to end', async () => {
    const requester = await person('team_member');
    const run = uniqueName('wf-sec');
    await startRun(org, run, {
      template: 'security_hardening_pipeline',
      environment: 'staging',
      requestedBy: `guardian:${requester.userId}`,
    });
    const done = await runEnded(org, run, 180_000);
    expect(done.status?.phase).toBe('Succeeded');
    expect(done.status?.steps?.find((step) => step.name === 'approval')).toMatchObject({
      phase: 'Succeeded',
      approval: { policy: 'Auto' },
    });
    expect(await approvalsOf(run)).toEqual([]);
  }, 240_000);
});

describe('who decides', () => {
  it('a critical gate needs two different approvers; one person counts once', async () => {
    const requester = await person('team_member');
    const [first, second] = [await person('org_admin'), await person('org_owner')];
    const run = await awaiting('critical_notice', requester.userId, 'staging');
    const one = await decide(first.token, run, 'approve');
    expect(one.status).toBe(202);
    expect(one.body).toMatchObject({
      phase: 'AwaitingApproval',
      remaining: 1,
      required: { approvers: 2, role: 'org_admin' },
    });
    const again = await decide(first.token, run, 'approve');
    expect(again.status).toBe(403);
    expect((again.body as { detail: string }).detail).toMatch(/counts once/);
    await runWhere(
      org,
      run,
      'one approval counted',
      (r) => r.status?.steps?.[0]?.approval?.approvedBy?.length === 1,
    );
    expect((await readRun(org, run)).status?.phase).toBe('AwaitingApproval');
    const lead = await person('team_lead', ['platform']);
    expect((await decide(lead.token, run, 'approve')).status).toBe(403);
    const two = await decide(second.token, run, 'approve');
    expect(two.status).toBe(202);
    const done = await runEnded(org, run);
    expect(done.status?.phase).toBe('Succeeded');
    expect(done.status?.steps?.[0]?.approval?.approvedBy).toEqual([
      `guardian:${first.userId}`,
      `guardian:${second.userId}`,
    ]);
  }, 180_000);

  it('team leads decide only their own team’s runs; a reject by anyone entitled ends the run Rejected', async () => {
    const requester = await person('team_member', ['platform']);
    const otherLead = await person('team_lead', ['search']);
    const lead = await person('team_lead', ['platform']);
    await apply(team(org, 'search'));
    const run = await awaiting('high_notice', requester.userId, 'staging', 'platform');
    const other = await decide(otherLead.token, run, 'approve');
    expect(other.status).toBe(403);
    expect((other.body as { detail: string }).detail).toMatch(/a team they lead/);
    const rejected = await decide(lead.token, run, 'reject', { comment: 'Not now' });
    expect(rejected.status).toBe(202);
    expect(rejected.body).toMatchObject({ phase: 'Rejected', rejected_by: `guardian:${lead.userId}` });
    const done = await runEnded(org, run);
    expect(done.status?.phase).toBe('Rejected');
    expect(done.status?.steps?.map((step) => step.phase)).toEqual(['Failed', 'Skipped']);
    expect(await auditActions(org, run)).toContain('workflow.approval.rejected');
  }, 180_000);

  it('two racing decisions: the first decides, the second is refused as late', async () => {
    const requester = await person('team_member');
    const [a, b] = [await person('org_admin'), await person('org_admin')];
    const run = await awaiting('cost_standin', requester.userId);
    const answers = await Promise.all([decide(a.token, run, 'approve'), decide(b.token, run, 'reject')]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([202, 409]);
    const late = answers.find((answer) => answer.status === 409);
    expect((late?.body as { detail: string }).detail).toMatch(
      /Too late: the gate was already (approved|rejected)/,
    );
    const won = answers.findIndex((answer) => answer.status === 202);
    const done = await runEnded(org, run, 120_000);
    expect(done.status?.phase).toBe(won === 0 ? 'Succeeded' : 'Rejected');
    const recorded = await approvalsOf(run);
    expect(recorded).toHaveLength(1);
    expect(await auditActions(org, run)).toContain('workflow.approval.refused');
  }, 240_000);
});

describe('kubectl, as the issuer’s users', () => {
  it('an approval in one’s own name counts when the role allows it (carol, the owner)', async () => {
    const requester = await person('team_member');
    const run = await awaiting('high_notice', requester.userId);
    const name = await kubectlApproval('carol@startupco.io', run, 'oidc:carol@startupco.io');
    expect(await verdictOf(name)).toMatchObject({ accepted: true, reason: 'Accepted' });
    const done = await runEnded(org, run);
    expect(done.status?.phase).toBe('Succeeded');
    expect(done.status?.steps?.[0]?.approval?.approvedBy).toEqual(['oidc:carol@startupco.io']);
    expect(await auditActions(org, run)).toContain('workflow.approval.approved');
  }, 180_000);

  it('naming another user is denied at admission; a member may not create one; a role too low is recorded as refused', async () => {
    const requester = await person('team_member');
    const run = await awaiting('high_notice', requester.userId, 'production', 'platform');
    // frank leads Team platform, so RBAC lets him create WorkflowApprovals in org-<org>.
    const impostor = await eventually(
      'frank’s team role to be bound',
      async () => {
        try {
          await kubectlApproval('frank@startupco.io', run, 'oidc:carol@startupco.io');
          return 'created';
        } catch (error) {
          const message = String(error);
          return message.includes('spec.user must be your own username') ? message : undefined;
        }
      },
      90_000,
    );
    expect(impostor).toMatch(/only Guardian's platform records decisions for someone else/);
    await expect(kubectlApproval('erin@startupco.io', run, 'oidc:erin@startupco.io')).rejects.toThrow(
      /forbidden/i,
    );

    // A high-risk gate in production needs an org_admin: frank's own approval is refused.
    const name = await kubectlApproval('frank@startupco.io', run, 'oidc:frank@startupco.io');
    const verdict = await verdictOf(name);
    expect(verdict).toMatchObject({ accepted: false, reason: 'RoleTooLow' });
    expect(verdict.message).toMatch(/org_admin/);
    const approval = await adminClient().get<Approval>(KINDS.workflowApproval, name, ns);
    expect(approval.status?.conditions?.[0]).toMatchObject({
      type: 'Ready',
      status: 'False',
      reason: 'RoleTooLow',
    });
    expect((await readRun(org, run)).status?.phase).toBe('AwaitingApproval');
    expect(await auditActions(org, run)).toContain('workflow.approval.refused');
  }, 180_000);
});

describe('expiry, and bad input', () => {
  it('an undecided gate fails its run ApprovalExpired; a decision afterwards is 409', async () => {
    const requester = await person('team_member');
    const admin = await person('org_admin');
    const run = await awaiting('cost_standin', requester.userId);
    clock.shift(25 * 3_600_000);
    // Any change of the organization makes the operator look at its runs again.
    await apply({ ...orgObject, metadata: { ...orgObject.metadata, annotations: { 'test/expired': run } } });
    const done = await runEnded(org, run, 120_000);
    expect(done.status?.phase).toBe('Failed');
    expect(done.status?.conditions?.find((c) => c.type === 'Ready')?.reason).toBe(REASONS.approvalExpired);
    expect(await auditActions(org, run)).toContain('workflow.approval.expired');
    const afterwards = await decide(admin.token, run, 'approve');
    expect(afterwards.status).toBe(409);
  }, 240_000);

  it('answers each kind of invalid input with problem+json, recording nothing', async () => {
    const admin = await person('org_admin');
    const member = await person('team_member');
    const run = uniqueName('wf-bad');
    await startRun(org, run, {
      template: 'high_notice',
      environment: 'staging',
      requestedBy: 'guardian:someone',
    });
    await runWhere(org, run, 'AwaitingApproval', (r) => r.status?.phase === 'AwaitingApproval', 120_000);
    const cases: Array<[string, Promise<Answer>, number]> = [
      ['an unknown field', decide(admin.token, run, 'approve', { verdict: 'yes' }), 400],
      ['a step that is no gate', decide(admin.token, run, 'approve', { step: 'tell' }), 400],
      ['a step name that is no name', decide(admin.token, run, 'approve', { step: 'Not A Name' }), 400],
      ['a comment too long', decide(admin.token, run, 'reject', { comment: 'x'.repeat(5000) }), 400],
      ['no such run', decide(admin.token, 'wf-none-00000', 'approve'), 404],
      ['a role without workflows:approve', decide(member.token, run, 'approve'), 403],
      ['an unknown status filter', call(suite.url, 'GET', '/approvals?status=done', admin.token), 400],
    ];
    for (const [what, answer, status] of cases) {
      const got = await answer;
      expect({ what, status: got.status }).toEqual({ what, status });
      expect(got.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
    expect(await approvalsOf(run)).toEqual([]);
  }, 180_000);
});
