import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/stack/process.ts';
import { eventually, uniqueName } from '../support/kube.ts';
import {
  applyGuardianManifests,
  operatorKubeconfig,
  type RunningOperator,
  startOperator,
} from '../support/operator.ts';
import {
  apply,
  canI,
  condition,
  coreApi,
  deleteOrganizations,
  exists,
  objects,
  organization,
  organizationReady,
  remove,
  team,
} from '../support/tenancy.ts';

type TeamWithStatus = ReturnType<typeof team> & {
  status?: { members?: number; observedGeneration?: number };
};

describe('Team controller', () => {
  const operatorNamespace = uniqueName('it-team-op');
  const org = uniqueName('it-teams');
  const other = uniqueName('it-teams-other');
  let operator: RunningOperator;

  const readTeam = async (namespace: string, name: string) =>
    objects.read({
      apiVersion: 'guardian.aiops.dev/v1alpha1',
      kind: 'Team',
      metadata: { name, namespace },
    }) as Promise<TeamWithStatus>;

  beforeAll(async () => {
    await applyGuardianManifests();
    operator = await startOperator({
      kubeconfig: await operatorKubeconfig(operatorNamespace),
      namespace: operatorNamespace,
      port: await freePort(),
    });
    await apply(organization(org));
    await apply(organization(other));
    await Promise.all([organizationReady(org), organizationReady(other)]);
  });
  afterAll(async () => {
    await deleteOrganizations(org, other);
    await operator?.stop();
    await coreApi.deleteNamespace({ name: operatorNamespace }).catch(() => undefined);
  });

  it('binds members by team role: leads manage WorkflowRuns, members create them, read-only members read', async () => {
    await apply(
      team(org, 'devops', {
        members: [
          { kind: 'User', name: 'lead@acme.test', role: 'team_lead' },
          { kind: 'User', name: 'dev@acme.test', role: 'team_member' },
          { kind: 'Group', name: 'auditors', role: 'read_only' },
        ],
      }),
    );
    const status = await eventually('the team to be Ready', async () => {
      const current = await readTeam(`org-${org}`, 'devops');
      return condition(current, 'Ready')?.status === 'True' ? current.status : undefined;
    });
    expect(status?.members).toBe(3);
    const ns = `org-${org}`;
    const workflowRuns = 'workflowruns.guardian.aiops.dev';
    expect(await canI('oidc:lead@acme.test', 'delete', workflowRuns, ns)).toBe(true);
    expect(await canI('oidc:dev@acme.test', 'create', workflowRuns, ns)).toBe(true);
    expect(await canI('oidc:dev@acme.test', 'delete', workflowRuns, ns)).toBe(false);
    expect(await canI('oidc:someone', 'list', workflowRuns, ns, ['oidc:auditors'])).toBe(true);
    expect(await canI('oidc:someone', 'create', workflowRuns, ns, ['oidc:auditors'])).toBe(false);
    expect(await canI('oidc:dev@acme.test', 'list', 'pods', `org-${org}--production`)).toBe(true);
    expect(await canI('oidc:dev@acme.test', 'list', 'pods', `org-${other}--production`)).toBe(false);
    expect(await canI('oidc:dev@acme.test', 'create', workflowRuns, `org-${other}`)).toBe(false);
  });

  it('updates bindings when members change, and removes them with the team', async () => {
    await apply(
      team(org, 'devops', { members: [{ kind: 'User', name: 'dev@acme.test', role: 'team_member' }] }),
    );
    await eventually(
      'the lead binding to go',
      async () => !(await exists('rolebinding', 'team-devops-team-lead', `org-${org}`)),
    );
    expect(await canI('oidc:lead@acme.test', 'delete', 'workflowruns.guardian.aiops.dev', `org-${org}`)).toBe(
      false,
    );
    await remove(team(org, 'devops'));
    await eventually('every binding of the team to go', async () => {
      const left = await Promise.all([
        exists('rolebinding', 'team-devops-team-member', `org-${org}`),
        exists('rolebinding', 'team-devops', `org-${org}--production`),
        exists('rolebinding', 'team-devops', `org-${org}--staging`),
      ]);
      return left.every((found) => !found);
    });
  });

  it('reports a team outside an organization’s namespace', async () => {
    const stray = uniqueName('it-stray');
    await coreApi.createNamespace({ body: { metadata: { name: stray } } });
    try {
      await apply({ ...team(org, 'lost'), metadata: { name: 'lost', namespace: stray } });
      const ready = await eventually('a condition on the stray team', async () =>
        condition(await readTeam(stray, 'lost'), 'Ready'),
      );
      expect(ready).toMatchObject({ status: 'False', reason: 'NotInOrganizationNamespace' });
    } finally {
      await coreApi.deleteNamespace({ name: stray });
    }
  });
});
