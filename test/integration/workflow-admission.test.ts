// The admission policy guardian-workflow-requester against the real apiserver: a person with
// kubectl names themselves in spec.requestedBy; the platform's ServiceAccount (which the install
// grants `delegate` on workflowruns) names the platform user who asked.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_VERSION, KINDS } from '@guardian/crds/kinds';
import { ApiError, KubeClient } from '@guardian/kube/client';
import { loadClusterAccess } from '@guardian/kube/kubeconfig';
import type { KubeObject } from '@guardian/kube/resources';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { k8s, kubeConfig, kubectl, uniqueName } from '../support/kube.ts';
import { idToken, tokenFlags } from '../support/oidc.ts';
import { applyGuardianManifests } from '../support/operator.ts';
import { deleteNamespace, platformKubeconfig } from '../support/platform.ts';
import { apply, coreApi } from '../support/tenancy.ts';

const namespace = uniqueName('it-wf-admission');
const platformNamespace = uniqueName('it-wf-admission-platform');
const carol = 'oidc:carol@startupco.io';

const run = (requestedBy: string) => ({
  apiVersion: API_VERSION,
  kind: 'WorkflowRun',
  metadata: { name: uniqueName('wf-health'), namespace },
  spec: { template: 'deployment_health_check', environment: 'staging', requestedBy },
});

/** Whether `user` holds `delegate` on workflowruns in the namespace (kubectl warns of the unknown verb). */
async function mayDelegate(user: string): Promise<boolean> {
  const review = await kubeConfig()
    .makeApiClient(k8s.AuthorizationV1Api)
    .createSubjectAccessReview({
      body: {
        spec: {
          user,
          resourceAttributes: {
            group: 'guardian.aiops.dev',
            resource: 'workflowruns',
            verb: 'delegate',
            namespace,
          },
        },
      },
    });
  return review.status?.allowed === true;
}

/** `kubectl create` as carol, with her ID token only. */
async function createAsCarol(object: object): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'guardian-wfr-')), 'run.json');
  writeFileSync(file, JSON.stringify(object));
  return kubectl(
    ...(await tokenFlags(await idToken('carol@startupco.io'))),
    'create',
    '-f',
    file,
    '-o',
    'name',
  );
}

describe('who may be named as a WorkflowRun’s requester', () => {
  let platform: KubeClient;

  beforeAll(async () => {
    await applyGuardianManifests();
    await coreApi.createNamespace({ body: { metadata: { name: namespace } } });
    // What a team member's binding gives in org-<org>: creating runs.
    await apply({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'runs', namespace },
      rules: [{ apiGroups: ['guardian.aiops.dev'], resources: ['workflowruns'], verbs: ['create', 'get'] }],
    });
    await apply({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'carol-runs', namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'runs' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: carol }],
    });
    platform = new KubeClient(loadClusterAccess({ KUBECONFIG: await platformKubeconfig(platformNamespace) }));
  });
  afterAll(async () => {
    await platform?.close();
    await deleteNamespace(namespace);
    await deleteNamespace(platformNamespace);
  });

  it('lets a kubectl user start a run in their own name, and in nobody else’s', async () => {
    expect(await createAsCarol(run(carol))).toMatch(/^workflowrun\.guardian\.aiops\.dev\/wf-health-/);
    const forged = createAsCarol(run('oidc:dana@startupco.io'));
    await expect(forged).rejects.toThrow(
      /denied request: spec\.requestedBy must be your own username, oidc:carol@startupco\.io/,
    );
    await expect(createAsCarol(run('guardian:4f1c2b36-0000-4000-8000-000000000000'))).rejects.toThrow(
      /guardian-workflow-requester/,
    );
  });

  it('lets the platform’s ServiceAccount, which holds `delegate`, name the platform user who asked', async () => {
    const platformUser = `system:serviceaccount:${platformNamespace}:guardian-platform`;
    expect(await mayDelegate(platformUser)).toBe(true);
    expect(await mayDelegate(carol)).toBe(false);
    const created: KubeObject = await platform.create(
      KINDS.workflowRun,
      run('guardian:4f1c2b36-0000-4000-8000-000000000000'),
    );
    expect(created.metadata?.uid).toBeTruthy();
    // Without a requester the CRD refuses it before the policy is asked.
    const { requestedBy: _, ...anonymous } = run('x').spec;
    const refused = await platform
      .create(KINDS.workflowRun, { ...run('x'), spec: anonymous })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).message).toMatch(/spec\.requestedBy: Required value/);
  });
});
