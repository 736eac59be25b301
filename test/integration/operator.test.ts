import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/stack/process.ts';
import { auditEvents, eventually, k8s, kubeConfig, uniqueName } from '../support/kube.ts';
import {
  applyGuardianManifests,
  operatorKubeconfig,
  type RunningOperator,
  startOperator,
} from '../support/operator.ts';
import { organizationReady, writesBy } from '../support/tenancy.ts';

const config = kubeConfig();
const objects = k8s.KubernetesObjectApi.makeApiClient(config);
const coordination = config.makeApiClient(k8s.CoordinationV1Api);
const apply = (object: k8s.KubernetesObject) =>
  objects.patch(object, undefined, undefined, 'guardian-test', true, k8s.PatchStrategy.ServerSideApply);
const plan = (name: string) => ({
  apiVersion: 'guardian.aiops.dev/v1alpha1',
  kind: 'QuotaPolicy',
  metadata: { name },
  spec: { apiCallsPerHour: 100 },
});
const organization = (name: string, planName: string) => ({
  apiVersion: 'guardian.aiops.dev/v1alpha1',
  kind: 'Organization',
  metadata: { name },
  spec: { displayName: name, plan: planName },
});
type WithStatus = k8s.KubernetesObject & { status?: { organizations?: number; observedGeneration?: number } };

describe('guardian operator', () => {
  const namespace = uniqueName('it-operator');
  const planName = uniqueName('it-plan');
  const orgName = uniqueName('it-org');
  const account = `system:serviceaccount:${namespace}:guardian-operator`;
  let operator: RunningOperator;

  beforeAll(async () => {
    await applyGuardianManifests();
    const kubeconfig = await operatorKubeconfig(namespace);
    operator = await startOperator({
      kubeconfig,
      namespace,
      port: await freePort(),
      env: { OPERATOR_RESYNC_SECONDS: '1' },
    });
    await eventually(
      'the operator to be ready',
      async () => (await operator.probe('/readyz')).status === 200,
    );
  });
  afterAll(async () => {
    await operator?.stop();
    await objects.delete(organization(orgName, planName)).catch(() => undefined);
    await objects.delete(plan(planName)).catch(() => undefined);
    await config.makeApiClient(k8s.CoreV1Api).deleteNamespace({ name: namespace });
  });

  it('runs as its ServiceAccount, leads, and reconciles a plan’s organization count', async () => {
    await apply(plan(planName));
    await apply(organization(orgName, planName));
    const status = await eventually('the plan to count its organization', async () => {
      const current = (await objects.read(plan(planName))) as WithStatus;
      return current.status?.organizations === 1 ? current.status : undefined;
    });
    expect(status.observedGeneration).toBe(1);

    const lease = await coordination.readNamespacedLease({ name: 'guardian-operator', namespace });
    expect(lease.spec?.holderIdentity).toBe(`operator-${operator.port}`);
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
    // Other suites' operators may count the same plan; every writer is an operator's ServiceAccount.
    expect([...writers]).toContain(account);
    for (const writer of writers)
      expect(writer).toMatch(/^system:serviceaccount:[a-z0-9-]+:guardian-operator$/);

    expect(await operator.probe('/healthz')).toEqual({ status: 200, body: 'ok' });
    const metrics = (await operator.probe('/metrics')).body;
    expect(metrics).toMatch(/guardian_reconcile_total\{controller="quotapolicy",result="success"\} [1-9]/);
    expect(metrics).toMatch(/^guardian_leader 1$/m);
  });

  it('writes nothing during no-op resyncs (counted from the audit log)', async () => {
    await eventually('the plan to have settled', async () => {
      const current = (await objects.read(plan(planName))) as WithStatus;
      return current.status?.organizations === 1;
    });
    // Its children too: every one is applied once, then skipped while it is what was applied.
    await organizationReady(orgName);
    const writesTo = () =>
      auditEvents().filter((e) => e.user.username === account && e.objectRef?.name === planName).length +
      writesBy(account, orgName);
    const reconciles = async () => {
      const line = (await operator.probe('/metrics')).body.match(
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

  it('updates the count when an organization leaves the plan', async () => {
    await objects.delete(organization(orgName, planName));
    await eventually('the count to drop to 0', async () => {
      const current = (await objects.read(plan(planName))) as WithStatus;
      return current.status?.organizations === 0;
    });
  });
});
