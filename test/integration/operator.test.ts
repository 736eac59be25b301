import { afterAll, describe, expect, it } from 'vitest';
import { auditEvents, eventually, k8s, kubeConfig, uniqueName } from '../support/kube.ts';
import { operatorSuite } from '../support/operator-suite.ts';
import { deleteOrganizations, organizationReady, writesBy } from '../support/tenancy.ts';

const config = kubeConfig();
const objects = k8s.KubernetesObjectApi.makeApiClient(config);
const coordination = config.makeApiClient(k8s.CoordinationV1Api);
const apply = (object: k8s.KubernetesObject) =>
  objects.patch(object, undefined, undefined, 'guardian-test', true, k8s.PatchStrategy.ServerSideApply);
type WithStatus = k8s.KubernetesObject & { status?: { organizations?: number; observedGeneration?: number } };

describe('guardian operator', () => {
  const suite = operatorSuite({ suite: 'operator', env: { OPERATOR_RESYNC_SECONDS: '1' } });
  const planName = uniqueName('it-plan');
  const orgName = uniqueName('it-org');
  // Labelled like the suite's organizations: an operator with a selector counts only such plans.
  const plan = {
    apiVersion: 'guardian.aiops.dev/v1alpha1',
    kind: 'QuotaPolicy',
    metadata: { name: planName, labels: suite.labels },
    spec: { apiCallsPerHour: 100 },
  };
  const organization = suite.organization(orgName, { plan: planName }) as k8s.KubernetesObject;

  afterAll(async () => {
    // Organizations first (while the operator runs): a plan in use cannot be deleted.
    await deleteOrganizations(orgName);
    await objects.delete(plan).catch(() => undefined);
  });

  it('runs as its ServiceAccount, leads, and reconciles a plan’s organization count', async () => {
    await apply(plan);
    await apply(organization);
    const status = await eventually('the plan to count its organization', async () => {
      const current = (await objects.read(plan)) as WithStatus;
      return current.status?.organizations === 1 ? current.status : undefined;
    });
    expect(status.observedGeneration).toBe(1);

    const lease = await coordination.readNamespacedLease({
      name: 'guardian-operator',
      namespace: suite.namespace,
    });
    expect(lease.spec?.holderIdentity).toBe(`operator-${suite.operator.port}`);
    const writers = new Set(
      auditEvents()
        .filter(
          (e) =>
            e.objectRef?.resource === 'quotapolicies' &&
            e.objectRef.name === planName &&
            e.objectRef.subresource === 'status',
        )
        .map((e) => e.user.username),
    );
    // Every other operator selects other organizations, and so other plans: ours alone counts.
    expect([...writers]).toEqual([suite.account]);

    expect(await suite.operator.probe('/healthz')).toEqual({ status: 200, body: 'ok' });
    const metrics = (await suite.operator.probe('/metrics')).body;
    expect(metrics).toMatch(/guardian_reconcile_total\{controller="quotapolicy",result="success"\} [1-9]/);
    expect(metrics).toMatch(/^guardian_leader 1$/m);
  });

  it('writes nothing during no-op resyncs (counted from the audit log)', async () => {
    await eventually('the plan to have settled', async () => {
      const current = (await objects.read(plan)) as WithStatus;
      return current.status?.organizations === 1;
    });
    // Its children too: every one is applied once, then skipped while it is what was applied.
    await organizationReady(orgName);
    const writesTo = () =>
      auditEvents().filter((e) => e.user.username === suite.account && e.objectRef?.name === planName)
        .length + writesBy(suite.account, orgName);
    const reconciles = async () => {
      const line = (await suite.operator.probe('/metrics')).body.match(
        /guardian_reconcile_total\{controller="quotapolicy",result="success"\} (\d+)/,
      );
      return Number(line?.[1] ?? 0);
    };
    const before = { writes: writesTo(), reconciles: await reconciles() };
    // Resync runs every second: wait until the controller has reconciled several more times.
    await eventually(
      'several resync reconciles',
      async () => (await reconciles()) >= before.reconciles + 3 * 5,
      30_000,
    );
    await new Promise((settle) => setTimeout(settle, 1500));
    expect(writesTo()).toBe(before.writes);
  });

  it('counts only the organizations its selector selects', async () => {
    // Another install's organization on the same plan: not this operator's to count.
    const foreign = uniqueName('it-foreign');
    await apply({
      ...organization,
      metadata: { name: foreign, labels: { 'guardian.aiops.dev/test-suite': 'another-install' } },
    });
    const mine = uniqueName('it-mine');
    await apply(suite.organization(mine, { plan: planName }) as k8s.KubernetesObject);
    // The positive control: its own second organization is counted.
    await eventually('the plan to count its two organizations', async () => {
      const current = (await objects.read(plan)) as WithStatus;
      return current.status?.organizations === 2;
    });
    await new Promise((settle) => setTimeout(settle, 1500));
    expect(((await objects.read(plan)) as WithStatus).status?.organizations).toBe(2);
    await deleteOrganizations(mine, foreign);
  });

  it('updates the count when an organization leaves the plan', async () => {
    await objects.delete(organization);
    await eventually('the count to drop to 0', async () => {
      const current = (await objects.read(plan)) as WithStatus;
      return current.status?.organizations === 0;
    });
  });
});
