import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/stack/process.ts';
import { eventually, k8s, kubeConfig, uniqueName } from '../support/kube.ts';
import {
  applyGuardianManifests,
  operatorKubeconfig,
  type RunningOperator,
  startOperator,
} from '../support/operator.ts';

const config = kubeConfig();
const coordination = config.makeApiClient(k8s.CoordinationV1Api);

describe('leader election', () => {
  const namespace = uniqueName('it-leader');
  const replicas: RunningOperator[] = [];
  let kubeconfig: string;

  const start = async () => {
    const replica = await startOperator({ kubeconfig, namespace, port: await freePort() });
    replicas.push(replica);
    await eventually(
      'the replica to sync its caches',
      async () => (await replica.probe('/readyz')).status === 200,
    );
    return replica;
  };
  const holder = async () =>
    (await coordination.readNamespacedLease({ name: 'guardian-operator', namespace })).spec?.holderIdentity;
  const isLeader = async (replica: RunningOperator) =>
    /^guardian_leader 1$/m.test((await replica.probe('/metrics')).body);

  beforeAll(async () => {
    await applyGuardianManifests();
    kubeconfig = await operatorKubeconfig(namespace);
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop('SIGKILL')));
    await config.makeApiClient(k8s.CoreV1Api).deleteNamespace({ name: namespace });
  });

  it('elects one leader of two replicas; the standby waits', async () => {
    const [a, b] = [await start(), await start()];
    if (!a || !b) throw new Error('replicas did not start');
    const leaderName = await eventually('a leader', holder);
    expect([`operator-${a.port}`, `operator-${b.port}`]).toContain(leaderName);
    await eventually('the leader to report it', () => isLeader(leaderName === `operator-${a.port}` ? a : b));
    const standby = leaderName === `operator-${a.port}` ? b : a;
    expect(await isLeader(standby)).toBe(false);
  });

  it('hands over within the lease duration when the leader is killed', async () => {
    const leaderName = await holder();
    const leader = replicas.find((r) => `operator-${r.port}` === leaderName);
    const standby = replicas.find((r) => r !== leader && r.process.exitCode === null);
    if (!leader || !standby) throw new Error('expected a leader and a standby');
    const killedAt = Date.now();
    await leader.stop('SIGKILL');
    await eventually('the standby to take over', () => isLeader(standby), 30_000);
    const handover = Date.now() - killedAt;
    expect(await holder()).toBe(`operator-${standby.port}`);
    // The Lease lasts 15 s and the standby retries every 2 s.
    expect(handover).toBeLessThan(15_000 + 2_000 + 3_000);
  });

  it('releases the Lease on SIGTERM, so a standby takes over without waiting for it to expire', async () => {
    const leader = replicas.find((r) => r.process.exitCode === null && r.process.signalCode === null);
    if (!leader || !(await isLeader(leader))) throw new Error('expected the surviving replica to lead');
    const standby = await start();
    expect(await isLeader(standby)).toBe(false);
    const stoppedAt = Date.now();
    expect(await leader.stop('SIGTERM')).toBe(0);
    await eventually('the standby to take over', () => isLeader(standby), 30_000);
    // Well under the 15 s lease: the released Lease is taken at the standby's next 2 s retry.
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
  });
});
