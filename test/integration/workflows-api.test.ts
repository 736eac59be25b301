// The workflows API against the real stack (a platform and an operator of the suite's own):
// starting a run (names, defaults, the unit counted once by API and operator), reading runs and
// templates, cancelling, each class of bad input as problem+json with nothing created or consumed,
// the quota problem, and tenancy (another organization's run is 404, a suspended one 403).

import { KINDS } from '@guardian/crds/kinds';
import { REASONS } from '@guardian/platform/workflows';
import { beforeAll, describe, expect, it } from 'vitest';
import { agentSuite } from '../support/agents.ts';
import { adminClient, eventually, uniqueName } from '../support/kube.ts';
import { quotaPolicy } from '../support/platform.ts';
import { apply, team } from '../support/tenancy.ts';
import { auditActions, migratePlatformDatabase, unitsCounted } from '../support/workflows.ts';

const SUITE = 'workflows-api';
const labelled = (plan: ReturnType<typeof quotaPolicy>) => ({
  ...plan,
  metadata: { ...plan.metadata, labels: { 'guardian.aiops.dev/test-suite': SUITE } },
});

beforeAll(migratePlatformDatabase);

describe('workflows API', () => {
  const org = uniqueName('it-wfa');
  const other = uniqueName('it-wfb');
  const openPlan = labelled(
    quotaPolicy(uniqueName('it-wfa-plan'), { displayName: 'open', features: { sso: false } }),
  );
  const onePlan = labelled(
    quotaPolicy(uniqueName('it-wfb-plan'), {
      displayName: 'one run',
      features: { sso: false },
      workflowsPerMonth: 1,
    }),
  );
  const suite = agentSuite({
    suite: SUITE,
    plans: [openPlan, onePlan],
    organizations: [
      { name: org, spec: { plan: openPlan.metadata.name, environments: ['staging', 'production'] } },
      { name: other, spec: { plan: onePlan.metadata.name, environments: ['production'] } },
    ],
  });
  const runs = async (orgId: string) =>
    (await adminClient().list(KINDS.workflowRun, { namespace: `org-${orgId}` })).items.length;
  const phaseOf = (id: string, token: string, wanted: string) =>
    eventually(
      `${id} ${wanted}`,
      async () => {
        const answer = await suite.call('GET', `/workflows/${id}`, token);
        return (answer.body as { phase?: string }).phase === wanted ? answer.body : undefined;
      },
      90_000,
    );

  beforeAll(async () => {
    await apply(team(org, 'payments'));
    await apply(team(org, 'search'));
  });

  it('starts a run: its name, the defaults, the unit counted once by the API and the operator', async () => {
    const { token, userId } = await suite.token(org, 'team_member', ['payments']);
    const started = await suite.call('POST', '/workflows/start', token, {
      workflow_type: 'deployment_health_check',
      message: 'Check before the release',
      parameters: { window: '1s' },
    });
    expect(started.status).toBe(201);
    const body = started.body as {
      workflow_id: string;
      phase: string;
      tenant_context: Record<string, unknown>;
    };
    expect(body.workflow_id).toMatch(/^wf-health-[a-z0-9]{5}$/);
    expect(body).toMatchObject({
      phase: 'Pending',
      tenant_context: { org_id: org, user_id: userId, workflow_quota_remaining: null },
    });
    expect(started.headers.get('location')).toBe(`/workflows/${body.workflow_id}`);
    const run = await adminClient().get(KINDS.workflowRun, body.workflow_id, `org-${org}`);
    expect(run).toMatchObject({
      spec: { environment: 'staging', team: 'payments', requestedBy: `guardian:${userId}` },
    });
    const done = await phaseOf(body.workflow_id, token, 'Succeeded');
    expect(done).toMatchObject({
      workflow_id: body.workflow_id,
      template: 'deployment_health_check',
      environment: 'staging',
      team: 'payments',
      requested_by: `guardian:${userId}`,
      message: 'Check before the release',
      reason: REASONS.succeeded,
      steps: [
        { name: 'analysis', type: 'agents', risk: null, phase: 'Succeeded', approval: null },
        { name: 'watch', type: 'monitor', risk: null, phase: 'Succeeded' },
      ],
    });
    expect(await unitsCounted(org, 'workflows', run.metadata?.uid)).toBe(1);

    const listed = await suite.call(
      'GET',
      '/workflows?phase=Succeeded&template=deployment_health_check',
      token,
    );
    expect(
      (listed.body as { workflows: { workflow_id: string }[] }).workflows.map((w) => w.workflow_id),
    ).toContain(body.workflow_id);
    const none = await suite.call('GET', '/workflows?phase=Running&template=deployment_health_check', token);
    expect(
      (none.body as { workflows: { workflow_id: string }[] }).workflows.map((w) => w.workflow_id),
    ).not.toContain(body.workflow_id);
    const templates = await suite.call('GET', '/workflows/templates', token);
    expect(templates.body).toMatchObject({
      templates: [
        {
          name: 'deployment_health_check',
          parameters: { window: { kind: 'duration', default: '30s', required: false } },
          steps: [
            { name: 'analysis', type: 'agents' },
            { name: 'watch', type: 'monitor' },
          ],
        },
      ],
    });
  }, 120_000);

  it.each([
    ['an unknown template', { workflow_type: 'no_such_thing' }, 'workflow_type'],
    [
      'an unknown environment',
      { workflow_type: 'deployment_health_check', environment: 'qa' },
      'environment',
    ],
    [
      'a parameter outside the template’s schema',
      { workflow_type: 'deployment_health_check', parameters: { window: 'forever' } },
      'parameters.window',
    ],
    [
      'a parameter the template does not have',
      { workflow_type: 'deployment_health_check', parameters: { colour: 'red' } },
      'parameters.colour',
    ],
    ['a team that does not exist', { workflow_type: 'deployment_health_check', team: 'ghosts' }, 'team'],
    ['no team for a requester in several', { workflow_type: 'deployment_health_check' }, 'team'],
    [
      'a field the API does not know',
      { workflow_type: 'deployment_health_check', priority: 'high' },
      'priority',
    ],
  ])('refuses %s: 400 problem+json naming the field, nothing created or consumed', async (_, request, field) => {
    const { token } = await suite.token(org, 'team_member', ['payments', 'search']);
    const before = await runs(org);
    const answer = await suite.call('POST', '/workflows/start', token, request);
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((answer.body as { errors: { field: string }[] }).errors.map((error) => error.field)).toContain(
      field,
    );
    expect(await runs(org)).toBe(before);
  });

  it('cancels a run for a team lead, not for a team member; 409 once it has ended; 404 for unknown ids', async () => {
    const requester = await suite.token(org, 'team_member', ['payments']);
    const started = await suite.call('POST', '/workflows/start', requester.token, {
      workflow_type: 'deployment_health_check',
      parameters: { window: '10m' },
    });
    const id = (started.body as { workflow_id: string }).workflow_id;
    await phaseOf(id, requester.token, 'Running');
    expect((await suite.call('POST', `/workflows/${id}/cancel`, requester.token)).status).toBe(403);
    const lead = await suite.token(org, 'team_lead', ['payments']);
    const cancelled = await suite.call('POST', `/workflows/${id}/cancel`, lead.token);
    expect(cancelled.status).toBe(200);
    await phaseOf(id, requester.token, 'Cancelled');
    expect((await suite.call('POST', `/workflows/${id}/cancel`, lead.token)).status).toBe(409);
    expect(await auditActions(org, id)).toContain('workflow.cancel_requested');
    expect((await auditActions(org, id)).at(-1)).toBe('workflow.cancelled');
    expect((await suite.call('GET', '/workflows/wf-health-zzzzz', requester.token)).status).toBe(404);
    expect((await suite.call('POST', '/workflows/wf-health-zzzzz/cancel', lead.token)).status).toBe(404);
    // Another organization's run is not this one's to see.
    const outsider = await suite.token(other, 'org_owner');
    expect((await suite.call('GET', `/workflows/${id}`, outsider.token)).status).toBe(404);
  }, 150_000);

  it('answers the quota problem past workflowsPerMonth; the run ends QuotaExceeded; a suspended organization is 403', async () => {
    const { token } = await suite.token(other, 'org_owner');
    const first = await suite.call('POST', '/workflows/start', token, {
      workflow_type: 'deployment_health_check',
      parameters: { window: '1s' },
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ tenant_context: { workflow_quota_remaining: 0 } });
    const over = await suite.call('POST', '/workflows/start', token, {
      workflow_type: 'deployment_health_check',
    });
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ quota: { kind: 'workflows', limit: 1, remaining: 0 } });
    const refused = (await adminClient().list(KINDS.workflowRun, { namespace: `org-${other}` })).items.map(
      (run) => run.metadata?.name ?? '',
    );
    const overId = refused.find((name) => name !== (first.body as { workflow_id: string }).workflow_id) ?? '';
    const ended = await phaseOf(overId, token, 'Failed');
    expect(ended).toMatchObject({ reason: REASONS.quotaExceeded, steps: [] });
    expect(await unitsCounted(other, 'workflows')).toBe(1);

    await apply({
      ...suite.organization(other),
      spec: { ...suite.organization(other).spec, suspended: true },
    });
    await eventually('the suspension to be seen', async () => {
      return (await suite.call('GET', '/workflows', token)).status === 403;
    });
    const suspended = await suite.call('POST', '/workflows/start', token, {
      workflow_type: 'deployment_health_check',
    });
    expect(suspended.status).toBe(403);
  }, 150_000);
});
