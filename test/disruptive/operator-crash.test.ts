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
  deleteOrganizations,
  exists,
  organization,
  organizationReady,
  remove,
} from '../support/tenancy.ts';
import { connectAs, databaseSecret, leftoversOf, onServer, SERVERS } from '../support/tenant-db.ts';

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
      exists('secret', 'guardian-database', `org-${org}`),
    ]);
    expect(present).toEqual(present.map(() => true));
    const secret = await databaseSecret(org);
    expect(await connectAs(secret.url)).toBe(secret.user);
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
    // Finalizers need a running operator to release the organizations.
    const cleaner = survivor ?? (await start());
    await deleteOrganizations(...created);
    await cleaner.stop();
    await coreApi.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  for (const failpoint of [
    'organization-after-namespaces',
    'organization-after-rbac',
    'organization-after-apply-before-status',
    'database-after-secret',
    'database-after-role',
    'database-after-create',
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

  it(
    'finishes a deletion interrupted by a crash, leaving no database, role or namespace',
    { timeout: 120_000 },
    async () => {
      const org = await newOrganization();
      const helper = await start();
      await converged(org);
      await helper.stop();
      const crashing = await start(`database-during-deletion@${org}`);
      await remove(organization(org));
      await exited(crashing);
      const restarted = await start();
      try {
        await eventually(
          'the organization to be finalized',
          async () => !(await exists('organization', org)),
          60_000,
        );
        await eventually(
          'its namespaces to go',
          async () => !(await exists('namespace', `org-${org}`)),
          90_000,
        );
        expect(await leftoversOf(`tenant_${org.replaceAll('-', '_')}`)).toEqual([]);
      } finally {
        await restarted.stop();
      }
    },
  );

  it(
    'places a tenant on the server it names, else on the least-loaded server',
    { timeout: 120_000 },
    async () => {
      const counts = async () =>
        Object.fromEntries(
          await Promise.all(
            SERVERS.map(async (server) => {
              const rows = await onServer<{ count: string }>(
                server,
                `select count(*) from pg_database where datname like 'tenant\\_%'`,
              );
              return [server, Number(rows[0]?.count)];
            }),
          ),
        ) as Record<string, number>;
      const operator = await start();
      try {
        const explicit = uniqueName('it-place');
        created.push(explicit);
        await apply(organization(explicit, { database: { server: 'pg1' } }));
        expect((await organizationReady(explicit)).status?.database?.server).toBe('pg1');
        // Make pg1 the busier server by a margin, then the next tenant must land on pg2.
        const before = await counts();
        const ballast = Array.from(
          { length: Math.max(0, (before.pg2 ?? 0) - (before.pg1 ?? 0) + 2) },
          (_, i) => `tenant_it_ballast_${i}`,
        );
        for (const name of ballast) await onServer('pg1', `CREATE DATABASE ${name}`);
        try {
          const automatic = uniqueName('it-place');
          created.push(automatic);
          await apply(organization(automatic));
          expect((await organizationReady(automatic)).status?.database?.server).toBe('pg2');
        } finally {
          for (const name of ballast) await onServer('pg1', `DROP DATABASE ${name}`);
        }
      } finally {
        await operator.stop();
      }
    },
  );

  it('leaves nothing behind after 50 create/delete cycles', { timeout: 600_000 }, async () => {
    const operator = await start();
    const names: string[] = [];
    try {
      for (let batch = 0; batch < 5; batch++) {
        const orgs = Array.from({ length: 10 }, () => uniqueName('it-cycle'));
        names.push(...orgs);
        await Promise.all(orgs.map((org) => apply(organization(org))));
        await Promise.all(orgs.map((org) => organizationReady(org, 'True', 120_000)));
        await deleteOrganizations(...orgs);
      }
      await eventually(
        'every namespace of the cycles to go',
        async () => {
          const left = await coreApi.listNamespace({ labelSelector: 'guardian.aiops.dev/organization' });
          return !left.items.some((ns) =>
            names.includes(ns.metadata?.labels?.['guardian.aiops.dev/organization'] ?? ''),
          );
        },
        180_000,
      );
      for (const org of names)
        expect([org, await leftoversOf(`tenant_${org.replaceAll('-', '_')}`)]).toEqual([org, []]);
      const secrets = await coreApi.listSecretForAllNamespaces({
        labelSelector: 'guardian.aiops.dev/organization',
      });
      expect(
        secrets.items.filter((s) =>
          names.includes(s.metadata?.labels?.['guardian.aiops.dev/organization'] ?? ''),
        ),
      ).toEqual([]);
    } finally {
      await operator.stop();
    }
  });

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
