import { describe, expect, it } from 'vitest';
import { eventually, uniqueName } from '../support/kube.ts';
import { operatorSuite } from '../support/operator-suite.ts';
import {
  apply,
  canI,
  condition,
  coreApi,
  exists,
  objects,
  organization,
  remove,
  team,
} from '../support/tenancy.ts';

type TeamWithStatus = ReturnType<typeof team> & {
  status?: { members?: number; observedGeneration?: number };
};

describe('Team controller', () => {
  const org = uniqueName('it-teams');
  const other = uniqueName('it-teams-other');
  operatorSuite({ suite: 'team', organizations: [organization(org), organization(other)] });

  const readTeam = async (namespace: string, name: string) =>
    objects.read({
      apiVersion: 'guardian.aiops.dev/v1alpha1',
      kind: 'Team',
      metadata: { name, namespace },
    }) as Promise<TeamWithStatus>;

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

  it('leaves alone the Teams of an organization its selector does not select', async () => {
    const elsewhere = uniqueName('it-teams-elsewhere');
    await apply({
      ...organization(elsewhere),
      metadata: { name: elsewhere, labels: { 'guardian.aiops.dev/test-suite': 'another-install' } },
    });
    // The namespace another install's operator would have made.
    await coreApi.createNamespace({ body: { metadata: { name: `org-${elsewhere}` } } });
    try {
      await apply(team(elsewhere, 'theirs', { members: [{ kind: 'User', name: 'x@acme.test' }] }));
      // The positive control: a team of its own organization, applied after, gets its status.
      await apply(team(org, 'ours', { members: [{ kind: 'User', name: 'x@acme.test' }] }));
      await eventually('its own team to be Ready', async () =>
        condition(await readTeam(`org-${org}`, 'ours'), 'Ready')?.status === 'True' ? true : undefined,
      );
      await new Promise((settle) => setTimeout(settle, 1000));
      expect((await readTeam(`org-${elsewhere}`, 'theirs')).status).toBeUndefined();
      expect(await exists('rolebinding', 'team-theirs-team-member', `org-${elsewhere}`)).toBe(false);
    } finally {
      await remove(team(org, 'ours'));
      await coreApi.deleteNamespace({ name: `org-${elsewhere}` });
      await remove(organization(elsewhere));
    }
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
