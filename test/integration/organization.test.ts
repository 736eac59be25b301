import { describe, expect, it } from 'vitest';
import { eventually, k8s, kubeConfig, uniqueName } from '../support/kube.ts';
import { operatorSuite } from '../support/operator-suite.ts';
import {
  apply,
  canI,
  condition,
  coreApi,
  deleteOrganization,
  deleteOrganizations,
  exists,
  organizationReady,
  readOrganization,
  remove,
  organization as unlabelled,
  writesBy,
} from '../support/tenancy.ts';

describe('Organization controller', () => {
  const org = uniqueName('it-acme');
  const other = uniqueName('it-other');
  const alice = [{ kind: 'User' as const, name: 'alice@techcorp.com' }];
  const carol = [{ kind: 'User' as const, name: 'carol@startupco.io' }];
  const suite = operatorSuite({
    suite: 'organization',
    organizations: [
      unlabelled(org, { plan: 'starter', owners: alice }),
      unlabelled(other, { plan: 'starter', owners: carol }),
    ],
  });
  // Every apply of an organization of this suite keeps the label its operator selects.
  const organization = suite.organization;

  it('provisions namespaces, quotas, policies, RBAC and the agent, and reports them', async () => {
    const ready = await readOrganization(org);
    expect(ready.status?.namespace).toBe(`org-${org}`);
    expect(ready.status?.environments).toEqual([
      { name: 'production', namespace: `org-${org}--production` },
      { name: 'staging', namespace: `org-${org}--staging` },
    ]);
    for (const type of ['NamespacesReady', 'QuotaApplied', 'RBACReady', 'Ready'])
      expect(condition(ready, type)?.status).toBe('True');
    const ns = await coreApi.readNamespace({ name: `org-${org}--production` });
    expect(ns.metadata?.labels).toMatchObject({
      'guardian.aiops.dev/organization': org,
      'guardian.aiops.dev/environment': 'production',
      'app.kubernetes.io/managed-by': 'guardian-operator',
    });
    const quota = await coreApi.readNamespacedResourceQuota({
      name: 'guardian-plan',
      namespace: `org-${org}--staging`,
    });
    expect(quota.spec?.hard?.['requests.cpu']).toBe('2');
    expect(await exists('limitrange', 'guardian-plan', `org-${org}--production`)).toBe(true);
    expect(await exists('networkpolicy', 'guardian-default', `org-${org}--production`)).toBe(true);
    expect(await exists('serviceaccount', 'guardian-agent', `org-${org}`)).toBe(true);
  });

  it('writes nothing when reconciling an organization that is already in place (audit log)', async () => {
    const before = {
      writes: writesBy(suite.account, org),
      reconciles: await suite.reconciles('organization'),
    };
    // A label change is an event for the controller but changes nothing it manages.
    const current = organization(org, { plan: 'starter', owners: alice });
    await apply({
      ...current,
      metadata: { ...current.metadata, labels: { ...suite.labels, poke: uniqueName('p') } },
    });
    await eventually(
      'another reconcile',
      async () => (await suite.reconciles('organization')) > before.reconciles,
    );
    await new Promise((settle) => setTimeout(settle, 1000));
    expect(writesBy(suite.account, org)).toBe(before.writes);
  });

  it('restores deleted children', async () => {
    const ns = `org-${org}--production`;
    await coreApi.deleteNamespacedResourceQuota({ name: 'guardian-plan', namespace: ns });
    await remove({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'guardian-default', namespace: ns },
    });
    await remove({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'guardian-agent', namespace: ns },
    });
    await coreApi.deleteNamespacedServiceAccount({ name: 'guardian-agent', namespace: `org-${org}` });
    await eventually('every child to be back', async () =>
      (
        await Promise.all([
          exists('resourcequota', 'guardian-plan', ns),
          exists('networkpolicy', 'guardian-default', ns),
          exists('rolebinding', 'guardian-agent', ns),
          exists('serviceaccount', 'guardian-agent', `org-${org}`),
        ])
      ).every(Boolean),
    );
  });

  it('lets the owner manage WorkflowRuns in the org and nothing in another org', async () => {
    const alice = 'oidc:alice@techcorp.com';
    expect(await canI(alice, 'create', 'workflowruns.guardian.aiops.dev', `org-${org}`)).toBe(true);
    expect(await canI(alice, 'delete', 'workflowruns.guardian.aiops.dev', `org-${org}`)).toBe(true);
    expect(await canI(alice, 'list', 'pods', `org-${org}--production`)).toBe(true);
    expect(await canI(alice, 'list', 'pods', `org-${other}--production`)).toBe(false);
    expect(await canI(alice, 'create', 'workflowruns.guardian.aiops.dev', `org-${other}`)).toBe(false);
    expect(await canI(alice, 'get', 'secrets', `org-${org}--production`)).toBe(false);
  });

  it('lets the agent read workloads, Secrets included, in its own namespaces only', async () => {
    const agent = `system:serviceaccount:org-${org}:guardian-agent`;
    expect(await canI(agent, 'list', 'pods', `org-${org}--production`)).toBe(true);
    expect(await canI(agent, 'list', 'deployments.apps', `org-${org}--staging`)).toBe(true);
    expect(await canI(agent, 'list', 'endpointslices.discovery.k8s.io', `org-${org}--staging`)).toBe(true);
    expect(await canI(agent, 'get', 'secrets', `org-${org}--production`)).toBe(true);
    expect(await canI(agent, 'create', 'pods', `org-${org}--production`)).toBe(false);
    expect(await canI(agent, 'get', 'secrets', `org-${org}`)).toBe(false);
    expect(await canI(agent, 'get', 'secrets', `org-${other}--production`)).toBe(false);
    expect(await canI(agent, 'list', 'pods', `org-${other}--production`)).toBe(false);
    expect(await canI(agent, 'list', 'pods', 'default')).toBe(false);
  });

  it('admits a privileged Pod and Deployment in a workload namespace, as a real cluster does', async () => {
    // The local apiserver must not refuse what tenants really run (and agents must find).
    const namespace = `org-${org}--staging`;
    const container = {
      name: 'app',
      image: 'registry.example/app:1',
      securityContext: { privileged: true },
    };
    const apps = kubeConfig().makeApiClient(k8s.AppsV1Api);
    // Pods need the namespace's default ServiceAccount, which its controller adds a moment later.
    await eventually('the default ServiceAccount', () =>
      coreApi.readNamespacedServiceAccount({ name: 'default', namespace }),
    );
    const pod = await coreApi.createNamespacedPod({
      namespace,
      body: { metadata: { name: 'privileged' }, spec: { containers: [container] } },
    });
    const deployment = await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: 'privileged' },
        spec: {
          selector: { matchLabels: { app: 'privileged' } },
          template: { metadata: { labels: { app: 'privileged' } }, spec: { containers: [container] } },
        },
      },
    });
    try {
      expect(pod.spec?.containers[0]?.securityContext?.privileged).toBe(true);
      expect(deployment.spec?.template.spec?.containers[0]?.securityContext?.privileged).toBe(true);
      await eventually('the Deployment’s pod to be created', async () => {
        const pods = await coreApi.listNamespacedPod({ namespace, labelSelector: 'app=privileged' });
        return pods.items.length > 0;
      });
    } finally {
      await apps.deleteNamespacedDeployment({ name: 'privileged', namespace });
      await coreApi.deleteNamespacedPod({ name: 'privileged', namespace, gracePeriodSeconds: 0 });
    }
  });

  it('follows a plan change into the quota', async () => {
    await apply(organization(other, { plan: 'professional', owners: carol }));
    await eventually('the professional quota', async () => {
      const quota = await coreApi.readNamespacedResourceQuota({
        name: 'guardian-plan',
        namespace: `org-${other}--production`,
      });
      return quota.spec?.hard?.['requests.cpu'] === '8';
    });
  });

  it('re-applies quotas when the plan itself changes', async () => {
    const planName = uniqueName('it-plan');
    const onPlan = uniqueName('it-onplan');
    const plan = (cpu: string) => ({
      apiVersion: 'guardian.aiops.dev/v1alpha1',
      kind: 'QuotaPolicy',
      metadata: { name: planName },
      spec: { displayName: planName, resourceQuota: { hard: { 'requests.cpu': cpu } } },
    });
    try {
      await apply(plan('1'));
      await apply(organization(onPlan, { plan: planName }));
      await organizationReady(onPlan);
      await apply(plan('3'));
      await eventually('the quota to follow the plan', async () => {
        const quota = await coreApi.readNamespacedResourceQuota({
          name: 'guardian-plan',
          namespace: `org-${onPlan}--staging`,
        });
        return quota.spec?.hard?.['requests.cpu'] === '3';
      });
    } finally {
      await deleteOrganization(onPlan);
      await eventually('the organization to be gone', async () => !(await exists('organization', onPlan)));
      await remove(plan('1')).catch(() => undefined);
    }
  });

  it('removes from the quota a key the plan no longer sets', async () => {
    const planName = uniqueName('it-plan');
    const onPlan = uniqueName('it-dropkey');
    const plan = (hard: Record<string, string>) => ({
      apiVersion: 'guardian.aiops.dev/v1alpha1',
      kind: 'QuotaPolicy',
      metadata: { name: planName },
      spec: { displayName: planName, resourceQuota: { hard } },
    });
    const hard = async () =>
      (
        await coreApi.readNamespacedResourceQuota({
          name: 'guardian-plan',
          namespace: `org-${onPlan}--production`,
        })
      ).spec?.hard;
    try {
      await apply(plan({ 'requests.cpu': '1', pods: '10' }));
      await apply(organization(onPlan, { plan: planName }));
      await organizationReady(onPlan);
      expect(await hard()).toEqual({ 'requests.cpu': '1', pods: '10' });
      // The positive control: a changed value is carried over.
      await apply(plan({ 'requests.cpu': '2', pods: '10' }));
      await eventually('the changed value', async () => (await hard())?.['requests.cpu'] === '2');
      await apply(plan({ 'requests.cpu': '2' }));
      await eventually('the dropped key to go', async () => (await hard())?.pods === undefined, 20_000);
      expect(await hard()).toEqual({ 'requests.cpu': '2' });
    } finally {
      await deleteOrganization(onPlan);
      await eventually('the organization to be gone', async () => !(await exists('organization', onPlan)));
      await remove(plan({})).catch(() => undefined);
    }
  });

  it('adds a namespace for a new environment; removes an empty one, keeps one with work in it', async () => {
    const spec = { plan: 'professional', owners: [{ kind: 'User' as const, name: 'carol@startupco.io' }] };
    await apply(organization(other, { ...spec, environments: ['production', 'staging', 'qa', 'dev'] }));
    await organizationReady(other);
    expect(await exists('namespace', `org-${other}--qa`)).toBe(true);
    await coreApi.createNamespacedConfigMap({
      namespace: `org-${other}--dev`,
      body: { metadata: { name: 'someones-config' } },
    });
    // Counted from metadata alone: the operator never reads a tenant's Secret data.
    await coreApi.createNamespacedSecret({
      namespace: `org-${other}--dev`,
      body: { metadata: { name: 'someones-secret' }, stringData: { token: 'not-for-the-operator' } },
    });

    await apply(organization(other, { ...spec, environments: ['production', 'staging'] }));
    await eventually('the empty qa namespace to go', async () => {
      const ns = await coreApi.readNamespace({ name: `org-${other}--qa` }).catch(() => undefined);
      return ns === undefined || ns.metadata?.deletionTimestamp !== undefined;
    });
    const kept = await eventually('the dev namespace to be reported', async () => {
      const current = await readOrganization(other);
      const pruned = condition(current, 'EnvironmentsPruned');
      return pruned?.status === 'False' ? pruned : undefined;
    });
    expect(kept.reason).toBe('NamespaceNotEmpty');
    expect(kept.message).toContain(`org-${other}--dev`);
    expect(kept.message).toContain('1 configmaps, 1 secrets');
    const dev = await coreApi.readNamespace({ name: `org-${other}--dev` });
    expect(dev.metadata?.deletionTimestamp).toBeUndefined();
  });

  it('never adopts a namespace it did not create, and says so', async () => {
    const taken = uniqueName('it-taken');
    await coreApi.createNamespace({
      body: { metadata: { name: `org-${taken}--staging`, labels: { owner: 'someone-else' } } },
    });
    try {
      await apply(organization(taken));
      const org = await organizationReady(taken, 'False');
      expect(condition(org, 'NamespacesReady')).toMatchObject({
        status: 'False',
        reason: 'NamespaceConflict',
      });
      expect(condition(org, 'NamespacesReady')?.message).toContain(`org-${taken}--staging`);
      const untouched = await coreApi.readNamespace({ name: `org-${taken}--staging` });
      expect(untouched.metadata?.labels).toEqual({
        owner: 'someone-else',
        'kubernetes.io/metadata.name': `org-${taken}--staging`,
      });
      expect(untouched.metadata?.ownerReferences).toBeUndefined();
    } finally {
      await deleteOrganization(taken);
      await coreApi.deleteNamespace({ name: `org-${taken}--staging` });
    }
  });

  it('reports a plan that does not exist, and recovers when it appears', async () => {
    const orphan = uniqueName('it-noplan');
    const planName = uniqueName('it-plan');
    try {
      await apply(organization(orphan, { plan: planName }));
      const org = await organizationReady(orphan, 'False');
      expect(condition(org, 'Ready')?.reason).toBe('PlanNotFound');
      await apply({
        apiVersion: 'guardian.aiops.dev/v1alpha1',
        kind: 'QuotaPolicy',
        metadata: { name: planName },
        spec: { displayName: planName },
      });
      await organizationReady(orphan, 'True');
    } finally {
      await deleteOrganization(orphan);
      await remove({
        apiVersion: 'guardian.aiops.dev/v1alpha1',
        kind: 'QuotaPolicy',
        metadata: { name: planName },
      }).catch(() => undefined);
    }
  });

  it(
    'marks the newer of two organizations claiming one domain DomainConflict',
    { timeout: 180_000 },
    async () => {
      const domain = `${uniqueName('d')}.example.com`;
      // Creation times have one-second resolution; a tie goes to the name first in order.
      const older = uniqueName('it-first');
      const newer = uniqueName('it-second');
      try {
        await apply(organization(older, { domains: [domain] }));
        await organizationReady(older);
        await apply(organization(newer, { domains: [domain] }));
        const conflicted = await eventually('the newer one to be marked', async () => {
          const found = condition(await readOrganization(newer), 'DomainConflict');
          return found?.status === 'True' ? found : undefined;
        });
        expect(conflicted.message).toContain(`${domain} is claimed by older organization ${older}`);
        expect(condition(await readOrganization(older), 'DomainConflict')?.status).toBe('False');
        await deleteOrganizations(older);
        await eventually(
          'the domain to pass to the newer one',
          async () => condition(await readOrganization(newer), 'DomainConflict')?.status === 'False',
        );
      } finally {
        await deleteOrganizations(older, newer);
      }
    },
  );

  it(
    'lets the platform read an organization’s database Secret and SSO client secret, and no other Secret',
    { timeout: 180_000 },
    async () => {
      const sso = uniqueName('it-sso');
      const platform = 'system:serviceaccount:guardian-system:guardian-platform';
      try {
        await apply(
          organization(sso, {
            plan: 'enterprise',
            sso: {
              issuer: 'https://login.example.com',
              clientId: 'guardian',
              clientSecretRef: { name: 'sso-client' },
            },
          }),
        );
        await organizationReady(sso);
        expect(await canI(platform, 'get', 'secrets/sso-client', `org-${sso}`)).toBe(true);
        expect(await canI(platform, 'get', 'secrets/guardian-database', `org-${sso}`)).toBe(true);
        expect(await canI(platform, 'get', 'secrets/other', `org-${sso}`)).toBe(false);
        expect(await canI(platform, 'list', 'secrets', `org-${sso}`)).toBe(false);
        // Another organization's: its database Secret only, never this one's SSO secret.
        expect(await canI(platform, 'get', 'secrets/guardian-database', `org-${org}`)).toBe(true);
        expect(await canI(platform, 'get', 'secrets/sso-client', `org-${org}`)).toBe(false);
        // Removing SSO takes the SSO secret back.
        await apply(organization(sso, { plan: 'enterprise' }));
        await eventually('the SSO secret to be out of reach', async () =>
          (await canI(platform, 'get', 'secrets/sso-client', `org-${sso}`)) ? undefined : true,
        );
        expect(await canI(platform, 'get', 'secrets/guardian-database', `org-${sso}`)).toBe(true);
      } finally {
        await deleteOrganizations(sso);
      }
    },
  );

  it('leaves alone an organization its selector does not select, and takes it up once labelled', async () => {
    const elsewhere = uniqueName('it-elsewhere');
    const theirs = {
      ...organization(elsewhere),
      metadata: { name: elsewhere, labels: { 'guardian.aiops.dev/test-suite': 'another-install' } },
    };
    try {
      await apply(theirs);
      // Its own organizations' reconciles go on meanwhile: a change of one shows the operator is working.
      await apply(organization(org, { plan: 'starter', owners: alice, displayName: 'Acme, renamed' }));
      await eventually(
        'a reconcile of its own organization',
        async () =>
          (await readOrganization(org)).metadata?.generation ===
          (await readOrganization(org)).status?.observedGeneration,
      );
      await new Promise((settle) => setTimeout(settle, 2000));
      const ignored = await readOrganization(elsewhere);
      expect(ignored.status).toBeUndefined();
      expect(ignored.metadata?.finalizers).toBeUndefined();
      expect(await exists('namespace', `org-${elsewhere}`)).toBe(false);
      // The positive control: labelled for this operator, it is provisioned.
      await apply(organization(elsewhere));
      await organizationReady(elsewhere);
      expect(await exists('namespace', `org-${elsewhere}`)).toBe(true);
    } finally {
      await deleteOrganizations(elsewhere);
    }
  });

  it('removes all of an organization’s namespaces when it is deleted', async () => {
    const doomed = uniqueName('it-doomed');
    await apply(organization(doomed));
    await organizationReady(doomed);
    await deleteOrganization(doomed);
    await eventually(
      'every namespace to be gone',
      async () => {
        const names = (
          await coreApi.listNamespace({ labelSelector: `guardian.aiops.dev/organization=${doomed}` })
        ).items;
        return names.length === 0;
      },
      90_000,
    );
  });

  it('deletes an organization whose deletion was requested once its grace period ends, and not before', async () => {
    const day = 24 * 3600 * 1000;
    const waiting = uniqueName('it-pending');
    const overdue = uniqueName('it-overdue');
    const requestedAt = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
    suite.track(waiting, overdue);
    await apply(organization(waiting, { deletion: { requestedAt } }));
    await apply(
      organization(overdue, { deletion: { requestedAt: new Date(Date.now() - 8 * day).toISOString() } }),
    );
    // Within the grace period the organization is provisioned as any other and says when it goes.
    await organizationReady(waiting);
    const pending = await eventually('the deletion to be scheduled', async () => {
      const org = await readOrganization(waiting);
      return org.status?.deletionScheduledAt ? org : undefined;
    });
    expect(Date.parse(pending.status?.deletionScheduledAt ?? '')).toBe(Date.parse(requestedAt) + 7 * day);
    expect(condition(pending, 'DeletionPending')).toMatchObject({
      status: 'True',
      reason: 'DeletionRequested',
    });
    expect(await exists('namespace', `org-${waiting}`)).toBe(true);
    // Past it, the operator deletes the Organization (and, through its finalizer, the database).
    await eventually(
      'the overdue organization to be gone',
      async () => {
        const gone = await readOrganization(overdue).then(
          () => false,
          (error: unknown) => (error as { code?: number }).code === 404,
        );
        return gone;
      },
      90_000,
    );
    expect(await exists('namespace', `org-${waiting}`)).toBe(true);
  });
});
