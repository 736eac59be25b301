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
  coreApi,
  deleteOrganization,
  exists,
  organization,
  organizationReady,
} from '../support/tenancy.ts';

// Runs alone (the disruptive project), so no other operator completes the work a crash left.
describe('operator crash recovery', () => {
  const namespace = uniqueName('it-crash-op');
  const created: string[] = [];
  let kubeconfig: string;
  let survivor: RunningOperator | undefined;

  // Without leader election a restarted operator need not wait for the dead one's Lease to expire.
  const start = async (failpoint?: string) =>
    startOperator({
      kubeconfig,
      namespace,
      port: await freePort(),
      env: { LEADER_ELECT: 'false', ...(failpoint ? { GUARDIAN_FAILPOINT: failpoint } : {}) },
    });
  const exited = (operator: RunningOperator) =>
    eventually(
      'the operator to die at its failpoint',
      async () => operator.process.exitCode !== null || operator.process.signalCode !== null,
      30_000,
    );
  /** Everything a Ready organization must have, checked in the cluster. */
  const converged = async (org: string) => {
    await organizationReady(org);
    const present = await Promise.all([
      exists('namespace', `org-${org}--production`),
      exists('serviceaccount', 'guardian-agent', `org-${org}`),
      exists('rolebinding', 'guardian-agent', `org-${org}--staging`),
      exists('rolebinding', 'guardian-org-owner', `org-${org}`),
      exists('resourcequota', 'guardian-plan', `org-${org}--production`),
      exists('networkpolicy', 'guardian-default', `org-${org}--staging`),
    ]);
    expect(present).toEqual(present.map(() => true));
  };
  const newOrganization = async (name = uniqueName('it-crash')) => {
    created.push(name);
    await apply(organization(name, { owners: [{ kind: 'User', name: 'alice@techcorp.com' }] }));
    return name;
  };

  beforeAll(async () => {
    await applyGuardianManifests();
    kubeconfig = await operatorKubeconfig(namespace);
  });
  afterAll(async () => {
    await survivor?.stop();
    await Promise.all(created.map(deleteOrganization));
    await coreApi.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  for (const failpoint of [
    'organization-after-namespaces',
    'organization-after-rbac',
    'organization-after-apply-before-status',
  ]) {
    it(`converges after a crash at ${failpoint}`, { timeout: 120_000 }, async () => {
      const org = uniqueName('it-crash');
      const crashing = await start(`${failpoint}@${org}`);
      await newOrganization(org);
      await exited(crashing);
      expect(crashing.process.signalCode).toBe('SIGKILL');
      expect(await exists('namespace', `org-${org}`)).toBe(true);
      const restarted = await start();
      try {
        await converged(org);
      } finally {
        await restarted.stop();
      }
    });
  }

  it('converges after 20 random kills', { timeout: 300_000 }, async () => {
    const orgs: string[] = [];
    for (let run = 0; run < 20; run++) {
      const operator = await start();
      orgs.push(await newOrganization());
      await new Promise((wait) => setTimeout(wait, Math.random() * 1500));
      await operator.stop('SIGKILL');
    }
    survivor = await start();
    for (const org of orgs) await converged(org);
  });
});
