// Organizations' own workflow templates against the real stack (a platform and an operator of the
// suite's own, as their ServiceAccounts): the apiserver refuses each class of invalid
// WorkflowTemplate by the CRD's schema and CEL rules; the operator says in status that a valid one
// may be run; GET /workflows/templates lists it beside the built-in templates; a run of it started
// through the API runs to the end, and one with parameters outside its schema is refused.

import { KINDS } from '@guardian/crds/kinds';
import { ApiError } from '@guardian/kube/client';
import type { KubeObject } from '@guardian/kube/resources';
import { builtInTemplates } from '@guardian/platform/workflows';
import { beforeAll, describe, expect, it } from 'vitest';
import { agentSuite } from '../support/agents.ts';
import { adminClient, eventually, uniqueName } from '../support/kube.ts';
import { quotaPolicy } from '../support/platform.ts';
import { migratePlatformDatabase } from '../support/workflows.ts';

const SUITE = 'workflow-templates';
const org = uniqueName('it-wft');
const plan = quotaPolicy(uniqueName('it-wft-plan'), { displayName: 'open', features: { sso: false } });
const namespace = `org-${org}`;

type Loose = Record<string, unknown>;
const tell = { name: 'tell', type: 'notify', description: 'Tells', message: '{greeting} from {run}' };
const template = (name: string, spec: Loose = {}): KubeObject & { spec: Loose } => ({
  apiVersion: KINDS.workflowTemplate.apiVersion,
  kind: KINDS.workflowTemplate.kind,
  metadata: { name, namespace },
  spec: {
    description: 'Greets',
    parameters: {
      greeting: { kind: 'string', description: 'What to say', default: 'hello', pattern: '[a-z ]+' },
    },
    steps: [tell],
    ...spec,
  },
});

async function refusal(object: KubeObject): Promise<string> {
  try {
    await adminClient().create(KINDS.workflowTemplate, object);
  } catch (error) {
    // 422: the schema and CEL; 400: strict field validation (an unknown field).
    if (error instanceof ApiError && [400, 422].includes(error.status)) return error.message;
    throw error;
  }
  throw new Error(`${object.metadata?.name} was accepted`);
}

beforeAll(migratePlatformDatabase);

describe('WorkflowTemplates', () => {
  const suite = agentSuite({
    suite: SUITE,
    plans: [{ ...plan, metadata: { ...plan.metadata, labels: { 'guardian.aiops.dev/test-suite': SUITE } } }],
    organizations: [{ name: org, spec: { plan: plan.metadata.name, environments: ['staging'] } }],
  });

  it.each([
    ['an unknown step type', { steps: [{ ...tell, type: 'teleport' }] }, /Unsupported value: "teleport"/],
    [
      'an unknown agent',
      { steps: [{ name: 'scan', type: 'agents', description: 's', agents: ['mind-reader'] }] },
      /Unsupported value: "mind-reader"/,
    ],
    [
      'an unknown category',
      { steps: [{ name: 'scan', type: 'agents', description: 's', categories: ['magic'] }] },
      /Unsupported value: "magic"/,
    ],
    [
      'an agents step naming no agents',
      { steps: [{ name: 'scan', type: 'agents', description: 's' }] },
      /names categories or agents/,
    ],
    [
      'a gate without a risk',
      { steps: [{ name: 'gate', type: 'approval', description: 'g' }] },
      /has a risk/,
    ],
    ['a field of another step type', { steps: [{ ...tell, risk: 'low' }] }, /has a risk; no other step does/],
    ['a job without an image', { steps: [{ name: 'j', type: 'job', description: 'j' }] }, /names its image/],
    [
      'a rollout changing nothing',
      { steps: [{ name: 'r', type: 'rollout', description: 'r', deployment: 'web' }] },
      /names its deployment and changes/,
    ],
    ['two steps of one name', { steps: [tell, tell] }, /its own name/],
    [
      'a rollout and no gate',
      { steps: [{ name: 'r', type: 'rollout', description: 'r', deployment: 'web', image: 'web:2' }] },
      /needs an approval step before it/,
    ],
    [
      'a remediate step and no gate',
      { steps: [{ name: 'fix', type: 'remediate', description: 'f', remediations: ['securityContext'] }] },
      /needs an approval step before it/,
    ],
    [
      'a remediate step naming no remediations',
      {
        steps: [
          { name: 'gate', type: 'approval', description: 'g', risk: 'low' },
          { name: 'fix', type: 'remediate', description: 'f' },
        ],
      },
      /names its remediations/,
    ],
    [
      'an unknown remediation',
      { steps: [{ name: 'fix', type: 'remediate', description: 'f', remediations: ['chmod'] }] },
      /Unsupported value: "chmod"/,
    ],
    [
      'a monitor without a window',
      { steps: [{ name: 'watch', type: 'monitor', description: 'w' }] },
      /parameters.window of kind duration/,
    ],
    [
      'a required parameter with a default',
      { parameters: { greeting: { kind: 'string', description: 'g', required: true, default: 'x' } } },
      /required parameter has no default/,
    ],
    [
      'a duration parameter without bounds',
      { parameters: { greeting: { kind: 'duration', description: 'g' } } },
      /has min and max/,
    ],
    ['no steps', { steps: [] }, /should have at least 1 items/],
    [
      'a bad timeout',
      { steps: [{ name: 'j', type: 'job', description: 'j', image: 'x', timeout: 'soon' }] },
      /timeout/,
    ],
    ['an unknown field', { retries: 3 }, /unknown field "spec.retries"/],
  ])('refuses %s', async (_, spec, mention) => {
    expect(await refusal(template(uniqueName('bad'), spec))).toMatch(mention);
  });

  it.each([
    ['a built-in template’s name', 'deployment-health-check', /built-in template/],
    ['a name runs could not give', 'Greets_Twice', /lowercase words joined by single '-'/],
  ])('refuses %s', async (_, name, mention) => {
    expect(await refusal(template(name))).toMatch(mention);
  });

  it('is Ready once the operator checked it, and the API lists it beside the built-in templates', async () => {
    const name = uniqueName('greet');
    await adminClient().create(KINDS.workflowTemplate, template(name));
    const checked = await eventually(`${name} Ready`, async () => {
      const current = await adminClient().get<KubeObject & { status?: Loose }>(
        KINDS.workflowTemplate,
        name,
        namespace,
      );
      const ready = (current.status?.conditions as Loose[] | undefined)?.find((c) => c.type === 'Ready');
      return ready?.status === 'True' ? current : undefined;
    });
    const templateName = name.replaceAll('-', '_');
    expect(checked.status).toMatchObject({ template: templateName, steps: 1 });

    const { token } = await suite.token(org, 'read_only');
    const listed = await suite.call('GET', '/workflows/templates', token);
    expect(listed.status).toBe(200);
    const names = (listed.body as { templates: Array<{ name: string; source: string }> }).templates;
    expect(names.filter((t) => t.source === 'built_in').map((t) => t.name)).toEqual(
      builtInTemplates.list().map((t) => t.name),
    );
    expect(names).toContainEqual(expect.objectContaining({ name: templateName, source: 'organization' }));
    const own = await suite.call('GET', '/workflows/templates?source=organization', token);
    expect(
      (own.body as { templates: Array<{ source: string }> }).templates.every(
        (t) => t.source === 'organization',
      ),
    ).toBe(true);
  });

  it('is not Ready, and not offered, when its rollout comes before its gate', async () => {
    const name = uniqueName('early');
    const gate = { name: 'gate', type: 'approval', description: 'g', risk: 'low' };
    const ship = { name: 'ship', type: 'rollout', description: 's', deployment: 'web', image: 'web:2' };
    await adminClient().create(KINDS.workflowTemplate, template(name, { steps: [ship, gate] }));
    const ready = await eventually(`${name} checked`, async () => {
      const current = await adminClient().get<KubeObject & { status?: Loose }>(
        KINDS.workflowTemplate,
        name,
        namespace,
      );
      return (current.status?.conditions as Loose[] | undefined)?.find((c) => c.type === 'Ready');
    });
    expect(ready).toMatchObject({ status: 'False', reason: 'InvalidTemplate' });
    expect(ready?.message).toMatch(/spec\.steps\.0\.type: a rollout step changes workloads/);
    const { token } = await suite.token(org, 'read_only');
    const listed = await suite.call('GET', '/workflows/templates?source=organization', token);
    const names = (listed.body as { templates: Array<{ name: string }> }).templates.map((t) => t.name);
    expect(names).not.toContain(name.replaceAll('-', '_'));
  });

  it.each([
    ['an unknown source', '?source=somewhere', 'source'],
    ['an unknown query parameter', '?kind=all', 'kind'],
  ])('answers %s with problem+json', async (_, query, field) => {
    const { token } = await suite.token(org, 'read_only');
    const answer = await suite.call('GET', `/workflows/templates${query}`, token);
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(JSON.stringify(answer.body)).toContain(field);
  });

  it('runs a template of the organization, created a moment before, and checks its parameters', async () => {
    const name = uniqueName('hello');
    await adminClient().create(KINDS.workflowTemplate, template(name));
    const { token } = await suite.token(org, 'team_member');
    const workflowType = name.replaceAll('-', '_');
    const refused = await suite.call('POST', '/workflows/start', token, {
      workflow_type: workflowType,
      parameters: { greeting: 'HELLO!' },
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('parameters.greeting');
    const started = await suite.call('POST', '/workflows/start', token, {
      workflow_type: workflowType,
      parameters: { greeting: 'good morning' },
    });
    expect(started.status).toBe(201);
    const id = (started.body as { workflow_id: string }).workflow_id;
    expect(id).toMatch(new RegExp(`^wf-${name.split('-')[0]}-[a-z0-9]{5}$`));
    const done = await eventually(
      `${id} finished`,
      async () => {
        const answer = await suite.call('GET', `/workflows/${id}`, token);
        const body = answer.body as { phase?: string; steps?: Array<{ result: Loose | null }> };
        return ['Succeeded', 'Failed'].includes(body.phase ?? '') ? body : undefined;
      },
      90_000,
    );
    expect(done.phase).toBe('Succeeded');
    expect(done.steps?.[0]?.result).toEqual({
      notification: { reason: 'WorkflowNotification', message: `good morning from ${id}` },
    });
  }, 120_000);
});
