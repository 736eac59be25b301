// The remediate step and revert against the real stack (a platform and an operator of the suite's
// own): the cost and security pipelines run end to end in staging (their gate is automatic there)
// and patch real objects as the organization's remediator; a bare Pod is skipped with the reason;
// the tenant database holds each object's fields before and after; POST /workflows/{id}/revert
// restores them, refuses an object someone else changed since, and answers problem+json to bad input.

import { beforeAll, describe, expect, it } from 'vitest';
import { container, deployment, pod, podSpec } from '../../platform/src/agents/testing/manifests.ts';
import { agentSuite, inNamespace } from '../support/agents.ts';
import { adminClient, eventually, uniqueName } from '../support/kube.ts';
import { quotaPolicy } from '../support/platform.ts';
import { DEPLOYMENTS, readDeployment, remediationRows, remediatorPatches } from '../support/remediation.ts';
import { apply } from '../support/tenancy.ts';
import { auditActions, migratePlatformDatabase } from '../support/workflows.ts';

const SUITE = 'workflowrun-remediate';
const org = uniqueName('it-rem');
const staging = `org-${org}--staging`;
const plan = quotaPolicy(uniqueName('it-rem-plan'), { displayName: 'remediate', features: { sso: false } });

beforeAll(migratePlatformDatabase);

describe('remediate and revert', () => {
  const suite = agentSuite({
    suite: SUITE,
    plans: [{ ...plan, metadata: { ...plan.metadata, labels: { 'guardian.aiops.dev/test-suite': SUITE } } }],
    organizations: [
      { name: org, spec: { plan: plan.metadata.name, environments: ['staging', 'production'] } },
    ],
  });
  let admin: string;
  const finished = (id: string) =>
    eventually(
      `${id} to end`,
      async () => {
        const answer = await suite.call('GET', `/workflows/${id}`, admin);
        const body = answer.body as { phase: string; steps: Array<{ name: string; result: unknown }> };
        return ['Succeeded', 'Failed', 'Rejected', 'Cancelled'].includes(body.phase) ? body : undefined;
      },
      120_000,
    );
  const start = async (workflow_type: string, environment = 'staging') => {
    const answer = await suite.call('POST', '/workflows/start', admin, { workflow_type, environment });
    expect(answer.status).toBe(201);
    return (answer.body as { workflow_id: string }).workflow_id;
  };
  const revert = (id: string, token = admin) => suite.call('POST', `/workflows/${id}/revert`, token);

  beforeAll(async () => {
    admin = (await suite.token(org, 'org_admin')).token;
    // Security: a Deployment with no securityContext at all, one already hardened, a bare Pod.
    await apply(inNamespace(deployment('open', podSpec(), { spec: { replicas: 1 } }), staging));
    await apply(
      inNamespace(
        deployment(
          'locked',
          podSpec({
            securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001 },
            containers: [
              container('app', {
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
                resources: {
                  requests: { cpu: '10m', memory: '16Mi' },
                  limits: { cpu: '10m', memory: '16Mi' },
                },
              }),
            ],
          }),
          { spec: { replicas: 1 } },
        ),
        staging,
      ),
    );
    await apply(inNamespace(pod('loose'), staging));
    // Cost: the namespace's LimitRange defaults the CPU request only; memory comes from the parameters.
    // (As JSON: client-node's serializer knows `default` only as `_default`.)
    await adminClient().apply(
      { apiVersion: 'v1', kind: 'LimitRange', plural: 'limitranges', namespaced: true },
      {
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: { name: 'cpu-defaults', namespace: staging },
        spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '50m' }, default: { cpu: '200m' } }] },
      } as never,
      { fieldManager: 'guardian-test' },
    );
  }, 60_000);

  it('hardens the Deployment the security findings name, once, as the remediator; skips the bare Pod; reverts it', async () => {
    const before = await readDeployment(staging, 'open');
    const id = await start('security_hardening_pipeline');
    const run = await finished(id);
    expect(run.phase).toBe('Succeeded');
    const hardening = run.steps.find((step) => step.name === 'hardening');
    expect(hardening?.result).toMatchObject({ remediation: { applied: 1, skipped: 1 } });
    expect((hardening?.result as { remediation: { objects: unknown[] } }).remediation.objects).toContainEqual(
      {
        kind: 'Pod',
        name: 'loose',
        outcome: 'skipped',
        reason: expect.stringContaining('bare Pod'),
      },
    );

    // The cluster: the container hardened, one new generation, the step's own field manager.
    const after = await readDeployment(staging, 'open');
    expect(after.spec.template.spec.containers[0]?.securityContext).toEqual({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
    });
    expect(after.metadata.generation).toBe((before.metadata.generation ?? 0) + 1);
    const managers = (after.metadata.managedFields ?? []).map((f) => [f.manager, f.operation]);
    expect(managers).toContainEqual([expect.stringMatching(/^guardian-remediate\/.+\/hardening$/), 'Apply']);
    expect(remediatorPatches(org, 'deployments', staging, 'open')).toBe(1);
    expect(remediatorPatches(org, 'deployments', staging, 'locked')).toBe(0);

    // The tenant database: before and after of each field; the Pod skipped with the reason.
    const rows = await remediationRows(org, id);
    expect(rows.map((row) => [row.kind, row.name, row.status])).toEqual([
      ['Deployment', 'open', 'applied'],
      ['Pod', 'loose', 'skipped'],
    ]);
    expect(rows[0]?.changes).toContainEqual({
      list: 'containers',
      container: 'app',
      field: ['securityContext', 'allowPrivilegeEscalation'],
      before: null,
      after: false,
    });
    expect(await auditActions(org, id)).toContain('workflow.remediation.applied');

    const reverted = await revert(id);
    expect(reverted.status).toBe(200);
    expect(reverted.body).toMatchObject({
      workflow_id: id,
      objects: [{ kind: 'Deployment', name: 'open', outcome: 'reverted', reason: null }],
    });
    const restored = await readDeployment(staging, 'open');
    expect(restored.spec.template.spec.containers[0]?.securityContext ?? {}).toEqual({});
    expect((await remediationRows(org, id))[0]?.status).toBe('reverted');
    expect((await auditActions(org, id)).at(-1)).toBe('workflow.reverted');
    // Once only.
    const again = await revert(id);
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((again.body as { detail: string }).detail).toMatch(/reverted already/);
  }, 180_000);

  it('rightsizes the containers lacking requests and limits (LimitRange, else parameters); a revert refuses what someone else changed since', async () => {
    await apply(inNamespace(deployment('api', podSpec(), { spec: { replicas: 1 } }), staging));
    await apply(inNamespace(deployment('worker', podSpec(), { spec: { replicas: 1 } }), staging));
    const id = await start('cost_optimization_pipeline');
    const run = await finished(id);
    expect(run.phase).toBe('Succeeded');
    for (const name of ['api', 'worker']) {
      const stored = await readDeployment(staging, name);
      expect(stored.spec.template.spec.containers[0]?.resources, name).toEqual({
        requests: { cpu: '50m', memory: '128Mi' },
        limits: { cpu: '200m', memory: '256Mi' },
      });
      expect(remediatorPatches(org, 'deployments', staging, name)).toBe(1);
    }
    // A person changes one remediated field of api; a controller-like annotation bump on worker.
    await adminClient().apply(
      DEPLOYMENTS,
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'api', namespace: staging },
        spec: {
          template: { spec: { containers: [{ name: 'app', resources: { requests: { cpu: '75m' } } }] } },
        },
      } as never,
      { fieldManager: 'someone-else', force: true },
    );
    await adminClient().apply(
      DEPLOYMENTS,
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'worker', namespace: staging, annotations: { 'example.com/touched': 'yes' } },
      } as never,
      { fieldManager: 'some-controller' },
    );
    const reverted = await revert(id);
    expect(reverted.status).toBe(200);
    const objects = (
      reverted.body as { objects: Array<{ name: string; outcome: string; reason: string | null }> }
    ).objects;
    expect(objects.find((o) => o.name === 'worker')).toMatchObject({ outcome: 'reverted', reason: null });
    expect(objects.find((o) => o.name === 'api')).toMatchObject({
      outcome: 'refused',
      reason: expect.stringContaining(
        'containers[app].resources.requests.cpu is 75m, the remediation set 50m',
      ),
    });
    expect(
      (await readDeployment(staging, 'worker')).spec.template.spec.containers[0]?.resources ?? {},
    ).toEqual({});
    expect((await readDeployment(staging, 'api')).spec.template.spec.containers[0]?.resources).toMatchObject({
      requests: { cpu: '75m' },
    });
  }, 180_000);

  it('answers problem+json to a revert it cannot make: unknown run, a run in progress, one that changed nothing, a role below team lead', async () => {
    const problem = async (answer: Awaited<ReturnType<typeof revert>>, status: number, detail?: RegExp) => {
      expect(answer.status).toBe(status);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      if (detail) expect((answer.body as { detail: string }).detail).toMatch(detail);
    };
    await problem(await revert('wf-cost-zzzzz'), 404);
    await problem(await revert('Not_A_Name'), 404);
    // A gate waits in production (medium risk): the run is in progress.
    const waiting = await start('security_hardening_pipeline', 'production');
    await eventually(
      'the production run to wait for its approval',
      async () => {
        const answer = await suite.call('GET', `/workflows/${waiting}`, admin);
        return (answer.body as { phase: string }).phase === 'AwaitingApproval';
      },
      120_000,
    );
    await problem(await revert(waiting), 409, /in progress/);
    expect(await suite.call('POST', `/workflows/${waiting}/cancel`, admin)).toMatchObject({ status: 200 });
    await finished(waiting);
    await problem(await revert(waiting), 409, /changed no object/);
    const member = await suite.token(org, 'team_member');
    await problem(await revert(waiting, member.token), 403);
  }, 180_000);
});
