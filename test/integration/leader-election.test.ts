import * as resources from '@guardian/kube/resources';
import { afterEach, describe, expect, it } from 'vitest';
import { adminClient, eventually, k8s, kubeConfig, uniqueName } from '../support/kube.ts';
import { applyGuardianManifests, operatorKubeconfig, type RunningOperator } from '../support/operator.ts';
import { startSuiteOperator, suiteSelector } from '../support/operator-suite.ts';

const config = kubeConfig();
const coordination = config.makeApiClient(k8s.CoordinationV1Api);
const core = config.makeApiClient(k8s.CoreV1Api);

// Each test has its own namespace (so its own Lease) and its own replicas: none depends on another.
describe('leader election', () => {
  let cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    cleanups = [];
  });

  /** A namespace with the operator's RBAC, and a way to start replicas there. */
  const election = async () => {
    await applyGuardianManifests();
    const namespace = uniqueName('it-leader');
    const kubeconfig = await operatorKubeconfig(namespace);
    cleanups.push(() => core.deleteNamespace({ name: namespace }));
    const start = async () => {
      // Its caches synced (ready); it selects no organization, since nothing is labelled for it.
      const replica = await startSuiteOperator({
        kubeconfig,
        namespace,
        selector: suiteSelector('leader-election'),
      });
      cleanups.push(() => replica.stop('SIGKILL'));
      return replica;
    };
    const lease = async () =>
      (await coordination.readNamespacedLease({ name: 'guardian-operator', namespace })).spec;
    return { namespace, start, holder: async () => (await lease())?.holderIdentity, lease };
  };
  const isLeader = async (replica: RunningOperator) =>
    /^guardian_leader 1$/m.test((await replica.probe('/metrics')).body);
  const nameOf = (replica: RunningOperator) => `operator-${replica.port}`;

  it('elects one leader of two replicas; the standby waits', async () => {
    const { start, holder } = await election();
    const [a, b] = [await start(), await start()];
    const leaderName = await eventually('a leader', holder);
    expect([nameOf(a), nameOf(b)]).toContain(leaderName);
    const [leader, standby] = leaderName === nameOf(a) ? [a, b] : [b, a];
    await eventually('the leader to report it', () => isLeader(leader));
    expect(await isLeader(standby)).toBe(false);
  });

  it('hands over within the lease duration when the leader is killed', async () => {
    const { start, holder } = await election();
    const leader = await start();
    await eventually('the first replica to lead', () => isLeader(leader));
    const standby = await start();
    expect(await isLeader(standby)).toBe(false);
    const killedAt = Date.now();
    await leader.stop('SIGKILL');
    await eventually('the standby to take over', () => isLeader(standby), 30_000);
    const handover = Date.now() - killedAt;
    expect(await holder()).toBe(nameOf(standby));
    // The Lease lasts 15 s from the standby's last sight of a renewal, and it retries every 2 s.
    expect(handover).toBeLessThan(15_000 + 2_000 + 3_000);
  });

  it('releases the Lease on SIGTERM, so a standby takes over without waiting for it to expire', async () => {
    const { start } = await election();
    const leader = await start();
    await eventually('the first replica to lead', () => isLeader(leader));
    const standby = await start();
    expect(await isLeader(standby)).toBe(false);
    const stoppedAt = Date.now();
    expect(await leader.stop('SIGTERM')).toBe(0);
    await eventually('the standby to take over', () => isLeader(standby), 30_000);
    // Well under the 15 s lease: the released Lease is taken at the standby's next 2 s retry.
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
  });

  it('judges a Lease by its own clock: an old renewTime (a skewed holder) is not expiry', async () => {
    const { namespace, start, holder } = await election();
    // A holder whose clock runs far behind ours writes renewTimes that look long expired here.
    const ancient = '2001-01-01T00:00:00.000000Z';
    await adminClient().create(resources.core.lease, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'guardian-operator', namespace },
      spec: {
        holderIdentity: 'skewed-replica',
        leaseDurationSeconds: 15,
        acquireTime: ancient,
        renewTime: ancient,
        leaseTransitions: 0,
      },
    });
    const replica = await start();
    const startedAt = Date.now();
    // Not before a whole lease duration since it first saw the record...
    await new Promise((settle) => setTimeout(settle, 6_000));
    expect(await holder()).toBe('skewed-replica');
    expect(await isLeader(replica)).toBe(false);
    // ...and then it takes over, since nobody renewed it meanwhile.
    await eventually('the replica to take the unrenewed Lease', () => isLeader(replica), 30_000);
    expect(await holder()).toBe(nameOf(replica));
    expect(Date.now() - startedAt).toBeGreaterThan(12_000);
  });
});
