import type { Organization, QuotaPolicy } from '@guardian/crds/generated';
import { KINDS } from '@guardian/crds/kinds';
import { KubeClient } from '@guardian/kube/client';
import { Informer } from '@guardian/kube/informer';
import { core, type KubeObject, type Resource } from '@guardian/kube/resources';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/support/fake-clock.ts';
import { noAudit } from '../audit/trail.ts';
import { ChildWriter } from '../runtime/children.ts';
import type { DatabaseDeps, DatabaseOutcome } from './organization.database.ts';
import type { Namespace } from './organization.namespaces.ts';
import type { StorageDeps } from './organization.storage.ts';
import { type OrganizationDeps, organizationReconciler } from './organization.ts';

// Never contacted: every step of these reconciles is replaced by the `step` fake.
const client = new KubeClient({ server: 'https://127.0.0.1:1' });
const log = pino({ level: 'silent' });
const informer = <T extends KubeObject>(resource: Resource, objects: T[] = []) => {
  const cache = new Informer<T>(client, resource, log);
  for (const object of objects) cache.store.set(object.metadata?.name ?? '', object);
  return cache;
};

const org: Organization = {
  apiVersion: KINDS.organization.apiVersion,
  kind: 'Organization',
  metadata: { name: 'acme', uid: 'u-acme', generation: 1 },
  spec: { displayName: 'Acme', plan: 'starter' },
};
const plan: QuotaPolicy = {
  apiVersion: KINDS.quotaPolicy.apiVersion,
  kind: 'QuotaPolicy',
  metadata: { name: 'starter' },
  spec: { displayName: 'Starter' },
};
const provisioned: DatabaseOutcome = { ready: true, reason: 'Provisioned', name: 'tenant_acme', message: '' };

function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** The reconciler with every step faked: `steps` answers by step name, `trace` records order. */
function reconcilerWith(steps: Record<string, () => Promise<unknown>>) {
  const deps: OrganizationDeps = {
    client,
    clock: new FakeClock(),
    children: new ChildWriter(client),
    events: { record: () => Promise.resolve() },
    subjectPrefix: 'oidc:',
    audit: noAudit,
    deletionGraceMs: 7 * 24 * 3600 * 1000,
    platformNamespace: 'guardian-system',
    platformServiceAccount: 'guardian-platform',
    operatorServiceAccount: { namespace: 'guardian-system', serviceAccount: 'guardian-operator' },
    database: {} as DatabaseDeps,
    storage: {} as StorageDeps,
    step: <T>(name: string, _work: () => Promise<T>) => (steps[name]?.() ?? Promise.resolve()) as Promise<T>,
    informers: {
      organizations: informer<Organization>(KINDS.organization, [org]),
      plans: informer<QuotaPolicy>(KINDS.quotaPolicy, [plan]),
      namespaces: informer<Namespace>(core.namespace),
      serviceAccounts: informer(core.serviceAccount),
      roleBindings: informer(core.roleBinding),
      resourceQuotas: informer(core.resourceQuota),
      limitRanges: informer(core.limitRange),
      networkPolicies: informer(core.networkPolicy),
      roles: informer(core.role),
    },
  };
  return organizationReconciler(deps);
}

const ticks = async (n = 20) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('organization reconcile', () => {
  it('never returns while its database provisioning still runs, even when a sibling step throws', async () => {
    const trace: string[] = [];
    const database = deferred<DatabaseOutcome>();
    const reconciler = reconcilerWith({
      namespaces: () => Promise.resolve([]),
      database: () => {
        trace.push('database started');
        return database.promise.then((outcome) => {
          trace.push('database settled');
          return outcome;
        });
      },
      rbac: () => Promise.reject(new Error('the apiserver refused a RoleBinding')),
    });
    const failed = reconciler.reconcile('acme').then(
      () => undefined,
      (error: unknown) => {
        trace.push('reconcile failed');
        return error;
      },
    );
    await ticks();
    // The queue would hand the key out again now, and a second provisioning would start alongside.
    expect(trace).toEqual(['database started']);
    database.resolve(provisioned);
    const error = await failed;
    expect(trace).toEqual(['database started', 'database settled', 'reconcile failed']);
    expect(error).toEqual(new Error('the apiserver refused a RoleBinding'));
  });

  it('writes the status, then throws a provisioning failure worth retrying (the positive control)', async () => {
    const trace: string[] = [];
    const retry = new Error('pg2 is down');
    const reconciler = reconcilerWith({
      namespaces: () => Promise.resolve([]),
      database: () =>
        Promise.resolve({
          ready: false,
          reason: 'ProvisioningFailed',
          name: 'tenant_acme',
          message: '',
          retry,
        }),
      status: () => {
        trace.push('status written');
        return Promise.resolve();
      },
    });
    await expect(reconciler.reconcile('acme')).rejects.toBe(retry);
    expect(trace).toEqual(['status written']);
  });

  it('settles storage provisioning before returning, and retries its failure after the status', async () => {
    const trace: string[] = [];
    const storage = deferred<unknown>();
    const retry = new Error('the S3 server is down');
    const reconciler = reconcilerWith({
      namespaces: () => Promise.resolve([]),
      database: () => Promise.resolve(provisioned),
      storage: () => {
        trace.push('storage started');
        return storage.promise;
      },
      status: () => {
        trace.push('status written');
        return Promise.resolve();
      },
    });
    const done = reconciler.reconcile('acme').catch((error: unknown) => error);
    await ticks();
    expect(trace).toEqual(['storage started']);
    storage.resolve({ ready: false, reason: 'ProvisioningFailed', message: '', retry });
    expect(await done).toBe(retry);
    expect(trace).toEqual(['storage started', 'status written']);
  });
});
