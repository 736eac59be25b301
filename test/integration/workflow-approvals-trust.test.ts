// What keeps approvals trustworthy against the real stack (a platform and an operator of the
// suite's own, as their ServiceAccounts; the dev identity provider's users, whose own tokens the
// apiserver trusts): a team lead manages only the Teams they lead (API and Kubernetes RBAC), so
// they cannot make themselves part of another team, and being a member of a run's team in another
// role does not let them decide its gate; a run follows the template it was accepted with, however
// the WorkflowTemplate is edited while it waits at a gate; a revert is judged by the rule the
// run's gate used; an image a requester chooses, which a job runs before any gate, comes from a
// registry the organization allows. frank leads Team platform; Team search has him only as a member.

import type { Team, WorkflowApproval, WorkflowRun } from '@guardian/crds/generated';
import { GROUP, KINDS } from '@guardian/crds/kinds';
import { core, type KubeObject } from '@guardian/kube/resources';
import { beforeAll, describe, expect, it } from 'vitest';
import { agentSuite } from '../support/agents.ts';
import { adminClient, eventually, uniqueName } from '../support/kube.ts';
import { type Answer, quotaPolicy, setMembership, signedIn } from '../support/platform.ts';
import { recordGoneRemediation, remediationRows } from '../support/remediation.ts';
import { apply, canI, condition, team } from '../support/tenancy.ts';
import {
  auditActions,
  createApprovalAs,
  migratePlatformDatabase,
  readRun,
  runEnded,
  runWhere,
  startRun,
} from '../support/workflows.ts';

const SUITE = 'workflow-approvals-trust';
const org = uniqueName('it-wftr');
const ns = `org-${org}`;
const plan = quotaPolicy(uniqueName('it-wftr-plan'), {
  displayName: 'trust',
  features: { sso: false },
  concurrentWorkflows: 20,
});
const FRANK = 'frank@startupco.io';
const TEAMS = `teams.${GROUP}`;

type Loose = Record<string, unknown>;
const gate = { name: 'approval', type: 'approval', description: 'The gate', risk: 'high' };
const tell = (message: string) => ({ name: 'tell', type: 'notify', description: 'Tells', message });
const workflowTemplate = (name: string, steps: Loose[]) => ({
  apiVersion: KINDS.workflowTemplate.apiVersion,
  kind: KINDS.workflowTemplate.kind,
  metadata: { name, namespace: ns },
  spec: { description: 'A high-risk gate, then a notification', steps },
});

beforeAll(migratePlatformDatabase);

describe('approvals people can trust', () => {
  const suite = agentSuite({
    suite: SUITE,
    plans: [{ ...plan, metadata: { ...plan.metadata, labels: { 'guardian.aiops.dev/test-suite': SUITE } } }],
    organizations: [
      {
        name: org,
        spec: {
          plan: plan.metadata.name,
          environments: ['staging', 'production'],
          owners: [{ kind: 'User', name: 'carol@startupco.io' }],
          agents: { allowedRegistries: ['registry.example.com'] },
        },
      },
    ],
  });
  /** frank, signed in at the identity provider, with the org role team_lead (a membership row). */
  let frank: Awaited<ReturnType<typeof signedIn>>;
  const frankToken = () => frank.browser.token(org);
  let admin: string;

  beforeAll(async () => {
    await apply(workflowTemplate('gated-notice', [gate, tell('{template} ran')]));
    await suite.platform.apply(
      team(org, 'platform', { members: [{ kind: 'User', name: FRANK, role: 'team_lead' }] }),
      team(org, 'search', {
        members: [
          { kind: 'User', name: 'grace@startupco.io', role: 'team_lead' },
          { kind: 'User', name: FRANK, role: 'team_member' },
        ],
      }),
    );
    frank = await signedIn(suite.platform.url, FRANK);
    await setMembership(org, frank.userId, 'team_lead');
    admin = (await suite.token(org, 'org_admin')).token;
    // The operator validates the WorkflowTemplate and binds frank's team roles.
    await eventually('the template to be offered', async () => {
      const answer = await suite.call('GET', '/workflows/templates', admin);
      return answer.text.includes('gated_notice') || undefined;
    });
    await eventually(
      'frank’s team roles to be bound',
      async () => (await canI(`oidc:${FRANK}`, 'create', `workflowapprovals.${GROUP}`, ns)) || undefined,
    );
  }, 180_000);

  /** A run of `template` requested by someone else, awaiting its gate. */
  async function awaiting(template: string, environment: string, team: string) {
    const name = uniqueName('wf-trust');
    await startRun(org, name, {
      template,
      environment,
      team,
      requestedBy: `guardian:${crypto.randomUUID()}`,
    });
    await runWhere(org, name, 'AwaitingApproval', (run) => run.status?.phase === 'AwaitingApproval', 120_000);
    return name;
  }
  const decide = async (token: string, id: string) => suite.call('POST', `/workflows/${id}/approve`, token);
  const detail = (answer: Answer) => (answer.body as { detail: string }).detail;
  const approvalsOf = async (run: string) =>
    (
      await adminClient().list<WorkflowApproval & KubeObject>(KINDS.workflowApproval, { namespace: ns })
    ).items.filter((approval) => approval.spec.workflowRun === run);

  it('a team lead manages the Team they lead, and no other, through the API or kubectl', async () => {
    const token = await frankToken();
    const own = await suite.call('PUT', '/tenants/teams/platform/members/users/helper@startupco.io', token, {
      role: 'team_member',
    });
    expect(own.status, own.text).toBe(200);

    const joined = await suite.call('PUT', `/tenants/teams/search/members/users/${FRANK}`, token, {
      role: 'team_lead',
    });
    expect(joined.status).toBe(403);
    expect(joined.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(detail(joined)).toMatch(/you do not lead this one/);
    expect((await suite.call('PATCH', '/tenants/teams/search', token, { description: 'mine' })).status).toBe(
      403,
    );
    expect(
      (await suite.call('DELETE', '/tenants/teams/search/members/users/grace@startupco.io', token)).status,
    ).toBe(403);
    expect((await suite.call('POST', '/tenants/teams', token, { name: 'Shadow Team' })).status).toBe(403);
    // The cluster: Team search as it was; no Team shadow-team.
    const search = await adminClient().get<Team & KubeObject>(KINDS.team, 'search', ns);
    expect(search.spec.members).toEqual([
      { kind: 'User', name: 'grace@startupco.io', role: 'team_lead' },
      { kind: 'User', name: FRANK, role: 'team_member' },
    ]);
    expect(search.spec.description).toBeUndefined();
    expect(await adminClient().find(KINDS.team, 'shadow-team', ns)).toBeUndefined();

    // Kubernetes RBAC: frank's team roles let him read Teams and create WorkflowApprovals, not
    // change Teams (his ClusterRole would reach every Team of the organization); the owner may.
    expect(await canI(`oidc:${FRANK}`, 'get', TEAMS, ns)).toBe(true);
    expect(await canI(`oidc:${FRANK}`, 'patch', TEAMS, ns)).toBe(false);
    expect(await canI(`oidc:${FRANK}`, 'update', TEAMS, ns)).toBe(false);
    expect(await canI('oidc:carol@startupco.io', 'patch', TEAMS, ns)).toBe(true);
  }, 120_000);

  it('a team lead who is only a member of the run’s team may not decide its gate; the lead of the run’s team may', async () => {
    const token = await frankToken();
    const searchRun = await awaiting('gated_notice', 'staging', 'search');
    const refused = await decide(token, searchRun);
    expect(refused.status).toBe(403);
    expect(detail(refused)).toMatch(
      /^Team leads decide only runs of a team they lead; this run is team search/,
    );
    // The same person with kubectl, in their own name: recorded, and refused the same way.
    const viaKubectl = await createApprovalAs(FRANK, org, {
      workflowRun: searchRun,
      step: 'approval',
      decision: 'approve',
      user: `oidc:${FRANK}`,
    });
    const judged = await eventually(`the verdict on ${viaKubectl}`, async () => {
      const approval = await adminClient().get<WorkflowApproval & KubeObject>(
        KINDS.workflowApproval,
        viaKubectl,
        ns,
      );
      return approval.status?.accepted === undefined ? undefined : approval.status;
    });
    expect(judged).toMatchObject({ accepted: false, reason: 'AnotherTeam' });
    expect((await approvalsOf(searchRun)).filter((approval) => approval.status?.accepted)).toEqual([]);
    expect((await readRun(org, searchRun)).status?.phase).toBe('AwaitingApproval');
    expect(await auditActions(org, searchRun)).toContain('workflow.approval.refused');

    // Positive control: his own team's run, the same gate.
    const platformRun = await awaiting('gated_notice', 'staging', 'platform');
    const approved = await decide(token, platformRun);
    expect(approved.status, approved.text).toBe(202);
    expect((await runEnded(org, platformRun)).status?.phase).toBe('Succeeded');
  }, 240_000);

  it('a run does what was approved: editing its WorkflowTemplate while it waits at the gate changes nothing it does', async () => {
    const name = uniqueName('pinned');
    const template = name.replaceAll('-', '_');
    await apply(workflowTemplate(name, [gate, tell('as approved')]));
    await eventually('the template to be offered', async () => {
      const answer = await suite.call('GET', '/workflows/templates', admin);
      return answer.text.includes(template) || undefined;
    });
    const run = await awaiting(template, 'staging', 'platform');
    expect((await readRun(org, run)).status?.pinnedTemplate).toMatchObject({
      name: template,
      source: 'organization',
      generation: 1,
    });

    // While it waits: the gate made low-risk (it would pass on its own), the notification changed,
    // a step added.
    const edited = await adminClient().apply<KubeObject>(
      KINDS.workflowTemplate,
      workflowTemplate(name, [
        { ...gate, risk: 'low' },
        tell('as edited'),
        { ...tell('an extra step'), name: 'extra' },
      ]) as KubeObject,
      { fieldManager: 'guardian-test', force: true },
    );
    expect(edited.metadata?.generation).toBe(2);
    // The operator has seen the edit (it writes the generation it validated).
    await eventually('the operator to see the edit', async () => {
      const seen = await adminClient().get<KubeObject & { status?: { observedGeneration?: number } }>(
        KINDS.workflowTemplate,
        name,
        ns,
      );
      return seen.status?.observedGeneration === 2 || undefined;
    });
    // Still awaiting its high-risk gate's approver.
    const waiting = await readRun(org, run);
    expect(waiting.status?.phase).toBe('AwaitingApproval');
    expect(waiting.status?.steps?.find((step) => step.name === 'approval')?.approval).toMatchObject({
      policy: 'Required',
      role: 'team_lead',
    });

    expect((await decide(await frankToken(), run)).status).toBe(202);
    const done: WorkflowRun = await runEnded(org, run);
    expect(done.status?.phase).toBe('Succeeded');
    expect(done.status?.steps?.map((step) => [step.name, step.phase])).toEqual([
      ['approval', 'Succeeded'],
      ['tell', 'Succeeded'],
    ]);
    expect(done.status?.steps?.find((step) => step.name === 'tell')?.result).toEqual({
      notification: { reason: 'WorkflowNotification', message: 'as approved' },
    });
    expect(done.status?.pinnedTemplate?.generation).toBe(1);
  }, 240_000);

  it('a revert is judged by the rule of the run’s gate: an org_admin’s production gate, an org_admin’s revert', async () => {
    const revert = (id: string, token: string) => suite.call('POST', `/workflows/${id}/revert`, token);
    // Production: the high-risk gate needed an org_admin, who approved it.
    const production = await awaiting('gated_notice', 'production', 'platform');
    expect((await decide(admin, production)).status).toBe(202);
    const ended = await runEnded(org, production);
    await recordGoneRemediation(org, production, ended.metadata?.uid ?? '');

    const refused = await revert(production, await frankToken());
    expect(refused.status).toBe(403);
    expect(detail(refused)).toBe('Reverting this run: This gate needs an org_admin; your role is team_lead');
    expect((await remediationRows(org, production)).map((row) => row.status)).toEqual(['applied']);
    expect(await auditActions(org, production)).toContain('workflow.revert.refused');

    const allowed = await revert(production, admin);
    expect(allowed.status, allowed.text).toBe(200);
    expect(allowed.body).toMatchObject({
      workflow_id: production,
      objects: [
        { kind: 'Deployment', name: 'gone', outcome: 'refused', reason: 'the object no longer exists' },
      ],
    });
    expect(await auditActions(org, production)).toContain('workflow.reverted');

    // Staging: the same gate needed the run's team lead, who may revert it.
    const staging = await awaiting('gated_notice', 'staging', 'platform');
    expect((await decide(await frankToken(), staging)).status).toBe(202);
    const stagingEnded = await runEnded(org, staging);
    await recordGoneRemediation(org, staging, stagingEnded.metadata?.uid ?? '');
    const byLead = await revert(staging, await frankToken());
    expect(byLead.status, byLead.text).toBe(200);
    expect(await auditActions(org, staging)).toContain('workflow.reverted');
  }, 240_000);

  it('an image the requester chooses from a registry the organization does not allow is refused before anything runs', async () => {
    const requester = await suite.token(org, 'team_member', ['platform']);
    const ml = (image: string) => ({
      workflow_type: 'ml_model_lifecycle',
      environment: 'staging',
      parameters: { image, workload: 'deployment/model-server' },
    });
    const refused = await suite.call(
      'POST',
      '/workflows/start',
      requester.token,
      ml('evil.example.com/miner:1'),
    );
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({
      errors: [
        {
          field: 'parameters.image',
          message:
            "names an image from evil.example.com, which is not one of the organization's allowed registries (registry.example.com)",
        },
      ],
    });
    const runs = await adminClient().list<WorkflowRun & KubeObject>(KINDS.workflowRun, { namespace: ns });
    expect(runs.items.filter((run) => run.spec.template === 'ml_model_lifecycle')).toEqual([]);

    // A run created with kubectl is refused by the operator the same way, before its first Job.
    const name = uniqueName('wf-ml');
    await startRun(org, name, {
      template: 'ml_model_lifecycle',
      environment: 'staging',
      team: 'platform',
      requestedBy: `guardian:${requester.userId}`,
      parameters: { image: 'docker.io/library/python:3.12', workload: 'deployment/model-server' },
    });
    const failed = await runEnded(org, name);
    expect(failed.status?.phase).toBe('Failed');
    expect(condition(failed as never, 'Ready')).toMatchObject({
      reason: 'InvalidParameters',
      message: expect.stringContaining('parameters.image names an image from docker.io'),
    });
    expect(failed.status?.steps?.every((step) => step.startedAt === undefined)).toBe(true);
    const jobs = await adminClient().list<KubeObject>(core.job, { namespace: `${ns}--staging` });
    expect(jobs.items).toEqual([]);

    // Positive control: an image of the allowed registry is accepted.
    const accepted = await suite.call(
      'POST',
      '/workflows/start',
      requester.token,
      ml('registry.example.com/ml/model:2'),
    );
    expect(accepted.status, accepted.text).toBe(201);
    const id = (accepted.body as { workflow_id: string }).workflow_id;
    expect((await suite.call('POST', `/workflows/${id}/cancel`, admin)).status).toBe(200);
  }, 240_000);
});
