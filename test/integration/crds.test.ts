import { API_VERSION, GROUP, KINDS, type Kind, VERSION } from '@guardian/crds';
import type { Organization, QuotaPolicy, Team, WorkflowRun } from '@guardian/crds/generated';
import { installManifests } from '@guardian/crds/install';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminClient,
  eventually,
  isNotFound,
  k8s,
  kubeConfig,
  kubectl,
  uniqueName,
} from '../support/kube.ts';

// The CRDs, their CEL rules and the plan-in-use admission policy, against the real apiserver. Every
// refusal is paired with an accepted request that differs only in the field under test, so a test
// cannot pass because the apiserver refuses everything (or because a CRD is missing).

const config = kubeConfig();
const core = config.makeApiClient(k8s.CoreV1Api);
const custom = config.makeApiClient(k8s.CustomObjectsApi);

interface CustomObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; resourceVersion?: string };
  spec?: unknown;
  status?: unknown;
}

const BY_KIND = new Map<string, Kind>(Object.values(KINDS).map((k) => [k.kind, k]));

function resourceOf(kind: string): Kind {
  const resource = BY_KIND.get(kind);
  if (!resource) throw new Error(`not a Guardian kind: ${kind}`);
  return resource;
}

/** Cluster-scoped objects this run created, deleted in afterAll (namespaced ones go with the namespace). */
const createdClusterObjects: CustomObject[] = [];

// Writers use strict field validation (DESIGN.md), so the tests do too: unknown fields are errors.
async function create<T extends CustomObject>(object: T): Promise<T> {
  const { plural, namespaced } = resourceOf(object.kind);
  const base = { group: GROUP, version: VERSION, plural, body: object, fieldValidation: 'Strict' };
  const namespace = object.metadata.namespace;
  if (namespaced) {
    if (!namespace) throw new Error(`${object.kind} ${object.metadata.name} needs a namespace`);
    return (await custom.createNamespacedCustomObject({ ...base, namespace })) as T;
  }
  const created = (await custom.createClusterCustomObject(base)) as T;
  createdClusterObjects.push(created);
  return created;
}

async function read<T = CustomObject>(object: CustomObject): Promise<T> {
  const { plural, namespaced } = resourceOf(object.kind);
  const { name, namespace } = object.metadata;
  const base = { group: GROUP, version: VERSION, plural, name };
  if (namespaced && namespace) return (await custom.getNamespacedCustomObject({ ...base, namespace })) as T;
  return (await custom.getClusterCustomObject(base)) as T;
}

/** Read, change, write back (an update with the resourceVersion read, as controllers do). */
async function update<T extends CustomObject>(object: T, change: (current: T) => void): Promise<T> {
  const { plural, namespaced } = resourceOf(object.kind);
  const current = await read<T>(object);
  change(current);
  const { name, namespace } = object.metadata;
  const base = { group: GROUP, version: VERSION, plural, name, body: current, fieldValidation: 'Strict' };
  if (namespaced && namespace)
    return (await custom.replaceNamespacedCustomObject({ ...base, namespace })) as T;
  return (await custom.replaceClusterCustomObject(base)) as T;
}

async function updateStatus<T = CustomObject>(object: CustomObject, status: unknown): Promise<T> {
  const { plural, namespaced } = resourceOf(object.kind);
  const current = await read(object);
  const { name, namespace } = object.metadata;
  const base = { group: GROUP, version: VERSION, plural, name, body: { ...current, status } };
  if (namespaced && namespace)
    return (await custom.replaceNamespacedCustomObjectStatus({ ...base, namespace })) as T;
  return (await custom.replaceClusterCustomObjectStatus(base)) as T;
}

async function remove(object: CustomObject, dryRun?: 'All'): Promise<void> {
  const { plural, namespaced } = resourceOf(object.kind);
  const { name, namespace } = object.metadata;
  const base = { group: GROUP, version: VERSION, plural, name, dryRun };
  if (namespaced && namespace) await custom.deleteNamespacedCustomObject({ ...base, namespace });
  else await custom.deleteClusterCustomObject(base);
}

interface Refusal {
  code: number;
  message: string;
}

/** The apiserver's Status message for a refused request; fails the test if it was accepted. */
async function refusal(request: Promise<unknown>): Promise<Refusal> {
  try {
    await request;
  } catch (error) {
    const { code, body } = error as { code?: number; body?: unknown };
    if (code === undefined) throw error;
    let status: unknown = body;
    if (typeof body === 'string') {
      try {
        status = JSON.parse(body);
      } catch {
        status = { message: body };
      }
    }
    const message = (status as { message?: unknown } | undefined)?.message;
    return { code, message: typeof message === 'string' ? message : JSON.stringify(body) };
  }
  throw new Error('expected the apiserver to refuse the request, but it was accepted');
}

/** Expects `object` to be refused as invalid with a message that names the field and says why. */
async function expectInvalid(object: CustomObject, ...mentions: RegExp[]): Promise<void> {
  const { code, message } = await refusal(create(object));
  expect(code, message).toBe(422);
  for (const mention of mentions) expect(message).toMatch(mention);
}

// A fresh suffix per run keeps runs (and a concurrently running dev stack) apart.
const run = uniqueName('it');
const namespace = `${run}-crds`;
let counter = 0;
/** A unique object name of this run; `length` pads it to exactly that many characters. */
function name(length?: number): string {
  counter += 1;
  const base = `${run}-${counter}`;
  return length === undefined ? base : `${base}-${'x'.repeat(length - base.length - 1)}`;
}

type Loose = Record<string, unknown>;

// Labelled for no operator: these organizations are the apiserver's to validate, and an operator
// reconciling one would write its status under the tests' feet.
function organization(metadataName: string, spec: Loose = {}): CustomObject {
  return {
    apiVersion: API_VERSION,
    kind: 'Organization',
    metadata: { name: metadataName, labels: { 'guardian.aiops.dev/test-suite': 'crds' } },
    spec: { displayName: 'Integration Test Corp', plan: 'starter', ...spec },
  };
}

function quotaPolicy(metadataName: string, spec: Loose = {}): CustomObject {
  return { apiVersion: API_VERSION, kind: 'QuotaPolicy', metadata: { name: metadataName }, spec };
}

function team(metadataName: string, spec: Loose = {}): CustomObject {
  return {
    apiVersion: API_VERSION,
    kind: 'Team',
    metadata: { name: metadataName, namespace },
    spec: { displayName: 'DevOps Team', ...spec },
  };
}

function workflowRun(metadataName: string, spec: Loose = {}): CustomObject {
  return {
    apiVersion: API_VERSION,
    kind: 'WorkflowRun',
    metadata: { name: metadataName, namespace },
    spec: {
      template: 'deployment_health_check',
      environment: 'production',
      // The admin (the tests' credential) may name anyone: it holds every verb, `delegate` included.
      requestedBy: 'oidc:alice@techcorp.com',
      ...spec,
    },
  };
}

function condition(type: string, status: 'True' | 'False' | 'Unknown', reason: string) {
  return {
    type,
    status,
    reason,
    message: '',
    lastTransitionTime: '2025-01-01T00:00:00Z',
    observedGeneration: 1,
  };
}

beforeAll(async () => {
  // Idempotent: other suites apply the same manifests with the same field manager.
  await installManifests(adminClient(), { fieldManager: 'guardian-dev', timeoutMs: 90_000 });
  await core.createNamespace({ body: { metadata: { name: namespace } } });
});

afterAll(async () => {
  await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  const gone = (object: CustomObject) =>
    remove(object).then(
      () => true,
      (error: unknown) => isNotFound(error),
    );
  // Organizations first: until the apiserver's policy informer has seen them go, their plans stay in use.
  const organizations = createdClusterObjects.filter((o) => o.kind === 'Organization');
  const plans = createdClusterObjects.filter((o) => o.kind === 'QuotaPolicy');
  for (const org of organizations) await gone(org);
  for (const plan of plans)
    await eventually(`QuotaPolicy ${plan.metadata.name} to be deleted`, () => gone(plan));
});

describe('installation', () => {
  it('installs the CRDs so that kubectl knows their short names, category, columns and documentation', async () => {
    const resources = await kubectl('api-resources', `--api-group=${GROUP}`, '-o', 'name');
    expect(resources.split('\n').filter(Boolean).sort()).toEqual(
      Object.values(KINDS)
        .map((r) => `${r.plural}.${GROUP}`)
        .sort(),
    );
    const plans = await kubectl('get', 'qp', 'starter', 'professional', 'enterprise', 'custom');
    expect(plans.split('\n')[0]).toMatch(/^NAME\s+ORGANIZATIONS\s+EXECUTIONS\/MONTH\s+API CALLS\/HOUR/);
    expect(plans).toMatch(/starter\s+(\d+\s+)?1000\s+100\b/);
    expect(await kubectl('get', 'guardian', '-o', 'name')).toContain(
      'quotapolicy.guardian.aiops.dev/enterprise',
    );
    // The apiserver publishes a new or changed CRD's OpenAPI a moment after the CRD is Established.
    const explained = await eventually('kubectl explain to know organizations', () =>
      kubectl('explain', 'organizations.spec.environments').catch(() => undefined),
    );
    expect(explained).toContain('org-<organization>--<environment>');
  });

  it('installs the default plans with the numbers of the plan table', async () => {
    const starter = await read<QuotaPolicy>(quotaPolicy('starter'));
    expect(starter.spec).toMatchObject({
      agentExecutionsPerMonth: 1000,
      apiCallsPerHour: 100,
      storageGiB: 5,
    });
    const custom = await read<QuotaPolicy>(quotaPolicy('custom'));
    expect(custom.spec.agentExecutionsPerMonth).toBeUndefined();
    expect(custom.spec.features).toMatchObject({ sso: true, whiteLabel: true, support: 'dedicated-csm' });
  });
});

describe('Organization', () => {
  it('accepts a complete organization, and prints its plan in kubectl get', async () => {
    const example: Organization = {
      apiVersion: API_VERSION,
      kind: 'Organization',
      metadata: { name: name() },
      spec: {
        displayName: 'TechCorp Enterprise',
        domains: ['techcorp.com', 'eu.techcorp.com'],
        plan: 'enterprise',
        owners: [
          { kind: 'User', name: 'alice@techcorp.com' },
          { kind: 'Group', name: 'platform-admins' },
        ],
        environments: ['production', 'staging', 'dev'],
        sso: {
          issuer: 'https://login.techcorp.com/realms/main',
          clientId: 'guardian',
          clientSecretRef: { name: 'techcorp-oidc' },
          groupRoles: [
            { group: 'platform-admins', role: 'org_admin' },
            { group: 'auditors', role: 'read_only' },
          ],
        },
        branding: {
          productName: 'TechCorp Ops',
          logoUrl: 'https://cdn.techcorp.com/logo.svg',
          primaryColor: '#1f6feb',
        },
        database: { server: 'primary', deletionPolicy: 'Retain' },
        suspended: false,
      },
    };
    const created = await create(example as CustomObject);
    expect(created.spec).toEqual({
      ...example.spec,
      sso: {
        ...example.spec.sso,
        groupsClaim: 'groups',
        clientSecretRef: { name: 'techcorp-oidc', key: 'client-secret' },
      },
    });
    const table = await kubectl('get', 'org', example.metadata?.name ?? '');
    expect(table.split('\n')[0]).toMatch(/^NAME\s+PLAN\s+NAMESPACE\s+DATABASE\s+READY\s+DELETION\s+AGE/);
    expect(table).toMatch(/\senterprise\s/);
  });

  it('defaults environments, database deletion policy and suspended', async () => {
    const created = await create<Organization & CustomObject>(
      organization(name()) as Organization & CustomObject,
    );
    expect(created.spec).toMatchObject({
      environments: ['production', 'staging'],
      database: { deletionPolicy: 'Delete' },
      suspended: false,
    });
  });

  it('refuses a name longer than 30 characters', async () => {
    await create(organization(name(30)));
    await expectInvalid(organization(name(31)), /metadata\.name/, /at most 30 characters/);
  });

  it("refuses a name containing '--' or that is not a DNS label", async () => {
    await create(organization(`${name()}-a`));
    await expectInvalid(organization(`${name()}--a`), /metadata\.name/, /'--'/);
    await expectInvalid(organization(`${name()}.a`), /metadata\.name/, /DNS label/);
  });

  it('refuses an environment name that is not a DNS label, too long, or contains --', async () => {
    await create(organization(name(), { environments: ['production', 'x'.repeat(20)] }));
    await expectInvalid(
      organization(name(), { environments: ['Production'] }),
      /spec\.environments\[0\]/,
      /DNS label/,
    );
    await expectInvalid(
      organization(name(), { environments: ['production', 'x'.repeat(21)] }),
      /spec\.environments\[1\]/,
      /20/,
    );
    await expectInvalid(
      organization(name(), { environments: ['blue--green'] }),
      /spec\.environments\[0\]/,
      /'--'/,
    );
  });

  it('refuses a duplicate environment and an empty list of environments', async () => {
    await create(organization(name(), { environments: ['production', 'staging'] }));
    await expectInvalid(
      organization(name(), { environments: ['production', 'production'] }),
      /spec\.environments\[1\]/,
      /Duplicate value/,
    );
    await expectInvalid(organization(name(), { environments: [] }), /spec\.environments/, /at least 1 item/);
  });

  it('refuses a domain that is not a DNS name', async () => {
    await create(organization(name(), { domains: ['example.com'] }));
    for (const domain of ['not a domain', 'localhost', 'Example.com', 'https://example.com']) {
      await expectInvalid(organization(name(), { domains: [domain] }), /spec\.domains\[0\]/, /DNS name/);
    }
    await expectInvalid(
      organization(name(), { domains: ['example.com', 'example.com'] }),
      /spec\.domains\[1\]/,
      /Duplicate value/,
    );
  });

  it('refuses the same owner twice, while the same name as a User and a Group is fine', async () => {
    const owners = [
      { kind: 'User', name: 'alice@example.com' },
      { kind: 'Group', name: 'alice@example.com' },
    ];
    await create(organization(name(), { owners }));
    await expectInvalid(
      organization(name(), { owners: [owners[0], { ...owners[0] }] }),
      /spec\.owners\[1\]/,
      /Duplicate value/,
    );
  });

  it('refuses an owner kind other than User or Group', async () => {
    await create(organization(name(), { owners: [{ kind: 'Group', name: 'admins' }] }));
    await expectInvalid(
      organization(name(), { owners: [{ kind: 'ServiceAccount', name: 'admins' }] }),
      /spec\.owners\[0\]\.kind/,
      /Unsupported value.*"User", "Group"/,
    );
  });

  it('refuses an unknown field under strict field validation', async () => {
    await create(organization(name(), { suspended: true }));
    const { code, message } = await refusal(create(organization(name(), { suspend: true })));
    expect(code).toBe(400);
    expect(message).toMatch(/unknown field "spec\.suspend"/);
  });

  it('refuses a missing plan or display name', async () => {
    const { plan: _plan, ...withoutPlan } = organization(name()).spec as Loose;
    const org = organization(name());
    await create(org);
    await expectInvalid(
      { ...org, metadata: { name: name() }, spec: withoutPlan },
      /spec\.plan/,
      /Required value/,
    );
    await expectInvalid(organization(name(), { displayName: '' }), /spec\.displayName/);
  });

  it('refuses a role that is not a Guardian role in the SSO group mapping', async () => {
    const sso = (role: string) => ({
      issuer: 'https://login.example.com',
      clientId: 'guardian',
      clientSecretRef: { name: 'oidc', key: 'secret' },
      groupRoles: [{ group: 'ops', role }],
    });
    await create(organization(name(), { sso: sso('team_lead') }));
    await expectInvalid(
      organization(name(), { sso: sso('super_admin') }),
      /spec\.sso\.groupRoles\[0\]\.role/,
      /Unsupported value/,
    );
    await expectInvalid(organization(name(), { sso: sso('admin') }), /spec\.sso\.groupRoles\[0\]\.role/);
  });

  it('refuses an SSO issuer that is not an https URL', async () => {
    const sso = (issuer: string) => ({ issuer, clientId: 'guardian', clientSecretRef: { name: 'oidc' } });
    await create(organization(name(), { sso: sso('https://login.example.com') }));
    for (const issuer of ['http://login.example.com', 'login.example.com', 'https://']) {
      await expectInvalid(organization(name(), { sso: sso(issuer) }), /spec\.sso\.issuer/, /https:\/\/ URL/);
    }
  });

  it('refuses the tenant database Secret as an SSO client secret, which would send it to the IdP', async () => {
    const sso = (secret: string) => ({
      issuer: 'https://login.example.com',
      clientId: 'g',
      clientSecretRef: { name: secret },
    });
    await create(organization(name(), { sso: sso('guardian-database-sso') }));
    await expectInvalid(
      organization(name(), { sso: sso('guardian-database') }),
      /spec\.sso\.clientSecretRef\.name/,
      /tenant database/,
    );
  });

  it('refuses a primary colour that is not #rrggbb', async () => {
    await create(organization(name(), { branding: { primaryColor: '#A1b2C3' } }));
    for (const primaryColor of ['blue', '#12345', '#1234567', '1f6feb']) {
      await expectInvalid(
        organization(name(), { branding: { primaryColor } }),
        /spec\.branding\.primaryColor/,
      );
    }
  });

  it('accepts agent settings: registries host[:port], prices field by field, a currency with every amount', async () => {
    const euros = {
      currency: 'EUR',
      cpuCore: 21,
      memoryGiB: 2.8,
      storageGiB: 0.09,
      loadBalancer: 16,
      thresholds: { workloadMonthly: 45, hpaCeilingMonthly: 450 },
    };
    const agents = {
      allowedRegistries: ['registry.example.com:5000', 'docker.io', 'Registry.Example', 'localhost:5000'],
      prices: euros,
    };
    const created = await create(organization(name(), { agents }));
    expect((created.spec as Loose).agents).toEqual(agents);
    await create(
      organization(name(), { agents: { prices: { cpuCore: 0, thresholds: { workloadMonthly: 40 } } } }),
    );
    await create(organization(name(), { agents: { allowedRegistries: [] } }));
  });

  it('refuses a registry that is not a host[:port], and more than 64 of them', async () => {
    for (const registry of [
      'https://registry.example.com',
      'registry.example.com/team',
      'a..b',
      'host:port',
      '',
    ]) {
      await expectInvalid(
        organization(name(), { agents: { allowedRegistries: [registry] } }),
        /spec\.agents\.allowedRegistries\[0\]/,
      );
    }
    await expectInvalid(
      organization(name(), { agents: { allowedRegistries: ['https://registry.example.com'] } }),
      /host with an optional port, e\.g\. registry\.example\.com/,
    );
    const many = Array.from({ length: 65 }, (_, i) => `r${i}.example.com`);
    await create(organization(name(), { agents: { allowedRegistries: many.slice(0, 64) } }));
    await expectInvalid(
      organization(name(), { agents: { allowedRegistries: many } }),
      /spec\.agents\.allowedRegistries/,
      /must have at most 64 items/,
    );
  });

  it('refuses negative prices and thresholds, a currency that is not a code, and a currency alone', async () => {
    await expectInvalid(
      organization(name(), { agents: { prices: { cpuCore: -1 } } }),
      /spec\.agents\.prices\.cpuCore/,
      /greater than or equal to 0/,
    );
    await expectInvalid(
      organization(name(), { agents: { prices: { thresholds: { workloadMonthly: -0.5 } } } }),
      /spec\.agents\.prices\.thresholds\.workloadMonthly/,
      /greater than or equal to 0/,
    );
    const amounts = {
      cpuCore: 21,
      memoryGiB: 2.8,
      storageGiB: 0.09,
      loadBalancer: 16,
      thresholds: { workloadMonthly: 45, hpaCeilingMonthly: 450 },
    };
    for (const currency of ['eur', 'E1R']) {
      await expectInvalid(
        organization(name(), { agents: { prices: { ...amounts, currency } } }),
        /spec\.agents\.prices\.currency/,
        /three capital letters, e\.g\. EUR/,
      );
    }
    await expectInvalid(
      organization(name(), { agents: { prices: { ...amounts, currency: 'EURO' } } }),
      /spec\.agents\.prices\.currency/,
      /may not be more than 3 bytes/,
    );
    await create(organization(name(), { agents: { prices: { ...amounts, currency: 'CHF' } } }));
    await expectInvalid(
      organization(name(), { agents: { prices: { currency: 'EUR', cpuCore: 21 } } }),
      /spec\.agents\.prices/,
      /currency needs every price and threshold beside it/,
    );
    await expectInvalid(
      organization(name(), {
        agents: { prices: { ...amounts, currency: 'EUR', thresholds: { workloadMonthly: 45 } } },
      }),
      /currency needs every price and threshold beside it/,
    );
  });

  it('refuses a deletion policy other than Delete or Retain', async () => {
    await create(organization(name(), { database: { deletionPolicy: 'Retain' } }));
    await expectInvalid(
      organization(name(), { database: { deletionPolicy: 'Orphan' } }),
      /spec\.database\.deletionPolicy/,
      /Unsupported value/,
    );
  });

  it('refuses a storage deletion policy other than Delete or Retain', async () => {
    await create(organization(name(), { storage: { deletionPolicy: 'Retain' } }));
    await expectInvalid(
      organization(name(), { storage: { deletionPolicy: 'Keep' } }),
      /spec\.storage\.deletionPolicy/,
      /Unsupported value/,
    );
  });

  it('accepts cron schedules and refuses what is not one, naming the field', async () => {
    for (const schedule of ['0 3 * * *', '*/15 * * * *', '0,30 8-18/2 * * 1-5', '59 23 31 12 7', '@daily'])
      await create(organization(name(), { backup: { schedule, retention: 7 } }));
    for (const schedule of ['0 3 * *', '60 * * * *', '* 24 * * *', '* * * 13 *', '@every 5m', 'daily']) {
      await expectInvalid(
        organization(name(), { backup: { schedule } }),
        /spec\.backup\.schedule must be five cron fields/,
      );
    }
  });

  it('refuses a retention below one backup or above 1000', async () => {
    await create(organization(name(), { backup: { retention: 1 } }));
    for (const retention of [0, -3, 1001])
      await expectInvalid(organization(name(), { backup: { retention } }), /spec\.backup\.retention/);
  });

  it('refuses to change or remove the database server once set, and allows setting it once', async () => {
    const org = await create<Organization & CustomObject>(
      organization(name()) as Organization & CustomObject,
    );
    // Unset → set is allowed, and so are other changes afterwards.
    await update(org, (current) => {
      current.spec.database = { ...current.spec.database, server: 'primary' };
    });
    await update(org, (current) => {
      current.spec.displayName = 'Renamed Corp';
    });
    const moved = await refusal(
      update(org, (current) => {
        current.spec.database = { ...current.spec.database, server: 'secondary' };
      }),
    );
    expect(moved.code).toBe(422);
    expect(moved.message).toMatch(/spec\.database\.server is immutable/);
    const removed = await refusal(
      update(org, (current) => {
        current.spec.database = undefined;
      }),
    );
    expect(removed.message).toMatch(/spec\.database\.server is immutable/);
    expect((await read<Organization & CustomObject>(org)).spec.database?.server).toBe('primary');
  });

  it('defaults spec.approvals and accepts every tightening of the approval policy', async () => {
    const defaulted = await create(organization(name(), { approvals: {} }));
    expect((defaulted.spec as Loose).approvals).toEqual({
      productionEnvironments: ['production'],
      timeout: '24h',
    });
    await create(
      organization(name(), {
        approvals: {
          productionEnvironments: ['production', 'staging'],
          timeout: '1h30m',
          risks: {
            low: { inProduction: { approvers: 1, role: 'team_lead' } },
            medium: {
              outsideProduction: { approvers: 1, role: 'team_lead' },
              inProduction: { approvers: 2, role: 'org_admin' },
            },
            high: { inProduction: { approvers: 1, role: 'org_owner' } },
            critical: {
              outsideProduction: { approvers: 3, role: 'org_admin' },
              inProduction: { approvers: 5, role: 'org_owner' },
            },
          },
        },
      }),
    );
  });

  it('refuses every loosening of the approval policy below DESIGN.md’s floor', async () => {
    const loosenings: Array<[Loose, RegExp]> = [
      [{ risks: { medium: { inProduction: { approvers: 0 } } } }, /medium-risk gate in production/],
      [{ risks: { high: { outsideProduction: { approvers: 0 } } } }, /high-risk gate outside production/],
      [{ risks: { high: { inProduction: { approvers: 1, role: 'team_lead' } } } }, /at least org_admin/],
      [{ risks: { critical: { inProduction: { approvers: 1, role: 'org_admin' } } } }, /critical gate/],
      [{ risks: { critical: { outsideProduction: { approvers: 2, role: 'team_lead' } } } }, /critical gate/],
      [{ productionEnvironments: ['prod'] }, /production is always a production environment/],
      [{ risks: { low: { inProduction: { approvers: 1 } } } }, /names their least role/],
      [{ timeout: '30s' }, /between 1m and 720h/],
      [{ timeout: '31d' }, /between 1m and 720h/],
    ];
    for (const [approvals, why] of loosenings)
      await expectInvalid(organization(name(), { approvals }), /spec\.approvals/, why);
  });

  it('accepts conditions shaped like metav1.Condition in status, and refuses other shapes', async () => {
    const org = await create(organization(name()));
    const ready = condition('Ready', 'False', 'PlanNotFound');
    const written = await updateStatus<Organization & CustomObject>(org, {
      observedGeneration: 1,
      conditions: [ready],
      namespace: `org-${org.metadata.name}`,
    });
    expect(written.status?.conditions).toEqual([ready]);
    const bad = await refusal(updateStatus(org, { conditions: [{ ...ready, status: 'Maybe' }] }));
    expect(bad.message).toMatch(/status\.conditions\[0\]\.status/);
    const twice = await refusal(updateStatus(org, { conditions: [ready, { ...ready }] }));
    expect(twice.message).toMatch(/status\.conditions\[1\].*Duplicate value/);
    const noReason = await refusal(
      updateStatus(org, { conditions: [{ ...ready, reason: 'not camel case' }] }),
    );
    expect(noReason.message).toMatch(/status\.conditions\[0\]\.reason/);
  });
});

describe('QuotaPolicy', () => {
  it('accepts a plan with every field, and defaults the features', async () => {
    const example: QuotaPolicy = {
      apiVersion: API_VERSION,
      kind: 'QuotaPolicy',
      metadata: { name: name() },
      spec: {
        displayName: 'Team',
        agentExecutionsPerMonth: 0,
        workflowsPerMonth: 10,
        storageGiB: 1,
        apiCallsPerHour: 60,
        teamMembers: 3,
        concurrentWorkflows: 1,
        features: { sso: true },
        resourceQuota: { hard: { 'requests.cpu': '500m', 'limits.memory': '1Gi', pods: 10 } },
        limitRange: { default: { cpu: 1, memory: '256Mi' }, defaultRequest: { cpu: '1', memory: '256Mi' } },
      },
    };
    const created = await create<QuotaPolicy & CustomObject>(example as QuotaPolicy & CustomObject);
    expect(created.spec.features).toEqual({
      sso: true,
      advancedAnalytics: 'basic',
      customIntegrations: 'none',
      whiteLabel: false,
      support: 'email',
    });
    expect(created.spec.resourceQuota?.hard).toEqual({
      'requests.cpu': '500m',
      'limits.memory': '1Gi',
      pods: 10,
    });
  });

  it('refuses a negative limit', async () => {
    await create(quotaPolicy(name(), { apiCallsPerHour: 0 }));
    for (const limit of [
      'agentExecutionsPerMonth',
      'apiCallsPerHour',
      'teamMembers',
      'concurrentWorkflows',
    ]) {
      await expectInvalid(
        quotaPolicy(name(), { [limit]: -1 }),
        new RegExp(`spec\\.${limit}`),
        /greater than or equal to 0/,
      );
    }
  });

  it('refuses a feature value outside its enum', async () => {
    await create(quotaPolicy(name(), { features: { support: 'phone-24x7', advancedAnalytics: 'full' } }));
    await expectInvalid(quotaPolicy(name(), { features: { support: 'phone' } }), /spec\.features\.support/);
    await expectInvalid(
      quotaPolicy(name(), { features: { customIntegrations: 'some' } }),
      /spec\.features\.customIntegrations/,
    );
  });

  it('refuses a resource quota that is not a non-negative quantity', async () => {
    await create(quotaPolicy(name(), { resourceQuota: { hard: { 'requests.memory': '2Gi', pods: 4 } } }));
    await expectInvalid(
      quotaPolicy(name(), { resourceQuota: { hard: { 'requests.memory': 'lots' } } }),
      /spec\.resourceQuota\.hard\.requests\.memory/,
    );
    await expectInvalid(
      quotaPolicy(name(), { resourceQuota: { hard: { 'requests.memory': '-1Gi' } } }),
      /spec\.resourceQuota\.hard\.requests\.memory/,
    );
    await expectInvalid(
      quotaPolicy(name(), { resourceQuota: { hard: { pods: -1 } } }),
      /spec\.resourceQuota\.hard\.pods/,
    );
  });

  it('refuses default requests above the default limits', async () => {
    await create(
      quotaPolicy(name(), { limitRange: { default: { cpu: '1' }, defaultRequest: { cpu: '1000m' } } }),
    );
    await expectInvalid(
      quotaPolicy(name(), { limitRange: { default: { cpu: '500m' }, defaultRequest: { cpu: 1 } } }),
      /spec\.limitRange/,
      /defaultRequest\.cpu must not exceed/,
    );
    await expectInvalid(
      quotaPolicy(name(), { limitRange: { default: { memory: '1Gi' }, defaultRequest: { memory: '2Gi' } } }),
      /defaultRequest\.memory must not exceed/,
    );
  });

  it('refuses an unknown field under strict field validation', async () => {
    await create(quotaPolicy(name(), { storageGiB: 1 }));
    const { code, message } = await refusal(create(quotaPolicy(name(), { storageGB: 1 })));
    expect(code).toBe(400);
    expect(message).toMatch(/unknown field "spec\.storageGB"/);
  });

  it('cannot be deleted while an organization uses it; an unused plan can', async () => {
    const used = await create(quotaPolicy(name(), { apiCallsPerHour: 1 }));
    const unused = await create(quotaPolicy(name(), { apiCallsPerHour: 2 }));
    const org = await create(organization(name(), { plan: used.metadata.name }));
    // The apiserver sees new policies and new params through informers: wait for both (dry run, so
    // that a deletion let through while they are still syncing does not destroy the fixture).
    // Until their informers have synced, the apiserver may refuse for other reasons (or not at all):
    // wait for the refusal this policy gives.
    const denied = await eventually('the plan-in-use policy to deny deleting the plan', async () => {
      const result = await refusal(remove(used, 'All'));
      return result.message.includes('in use by Organization') ? result : undefined;
    });
    expect(denied.code).toBe(403);
    expect(denied.message).toContain(
      `QuotaPolicy ${used.metadata.name} is in use by Organization ${org.metadata.name}`,
    );
    const real = await refusal(remove(used));
    expect(real.message).toContain(`in use by Organization ${org.metadata.name}`);
    await read(used);

    await remove(unused);
    await expect(read(unused)).rejects.toMatchObject({ code: 404 });

    // Once the organization has moved to another plan, the plan can go.
    await update(org, (current) => {
      (current.spec as Loose).plan = unused.metadata.name;
    });
    await eventually('the plan to be deletable once unused', () => remove(used).then(() => true));
    await expect(read(used)).rejects.toMatchObject({ code: 404 });
  });

  it('stays undeletable until the last organization has left the plan', async () => {
    const plan = await create(quotaPolicy(name()));
    const orgs = [
      await create(organization(name(), { plan: plan.metadata.name })),
      await create(organization(name(), { plan: plan.metadata.name })),
    ];
    // The apiserver stops at the first Organization that fails the rule, so a refusal names one
    // user of the plan; after that one moves, the next refusal names the other.
    const inUseBy = async (): Promise<string | undefined> => {
      try {
        await remove(plan, 'All');
        return undefined;
      } catch (error) {
        const { code, message } = await refusal(Promise.reject(error));
        expect(code, message).toBe(403);
        return orgs.find((org) => message.includes(`in use by Organization ${org.metadata.name};`))?.metadata
          .name;
      }
    };
    const first = await eventually('the policy to see both organizations', inUseBy);
    const [moving, staying] = first === orgs[0]?.metadata.name ? [orgs[0], orgs[1]] : [orgs[1], orgs[0]];
    if (!moving || !staying) throw new Error('unreachable: two organizations were created');
    await update(moving, (current) => {
      (current.spec as Loose).plan = 'starter';
    });
    await eventually('the refusal to name the organization still on the plan', async () =>
      (await inUseBy()) === staying.metadata.name ? true : undefined,
    );
    await update(staying, (current) => {
      (current.spec as Loose).plan = 'starter';
    });
    await eventually('the plan to be deletable once no organization uses it', () =>
      remove(plan).then(() => true),
    );
  });
});

describe('Team', () => {
  it('accepts a team and defaults member roles to team_member', async () => {
    const example: Team = {
      apiVersion: API_VERSION,
      kind: 'Team',
      metadata: { name: 'devops', namespace },
      spec: {
        displayName: 'DevOps Team',
        description: 'Infrastructure and deployment team',
        members: [
          { kind: 'User', name: 'bob@techcorp.com', role: 'team_lead' },
          { kind: 'Group', name: 'sre' },
        ],
        agentCategories: ['cost', 'deployment', 'reliability'],
      },
    };
    const created = await create<Team & CustomObject>(example as Team & CustomObject);
    expect(created.spec.members?.map((m) => m.role)).toEqual(['team_lead', 'team_member']);
    const table = await kubectl('get', 'team', '-n', namespace, 'devops');
    expect(table.split('\n')[0]).toMatch(/^NAME\s+MEMBERS\s+READY\s+AGE/);
  });

  it('refuses the same member twice, while the same name as a User and a Group is fine', async () => {
    const members = [
      { kind: 'User', name: 'bob@example.com' },
      { kind: 'Group', name: 'bob@example.com' },
    ];
    await create(team(name(), { members }));
    await expectInvalid(
      team(name(), { members: [members[0], { ...members[0], role: 'read_only' }] }),
      /spec\.members\[1\]/,
      /Duplicate value/,
    );
  });

  it('refuses a role that is not a team role, and a member kind other than User or Group', async () => {
    await create(team(name(), { members: [{ kind: 'User', name: 'carol', role: 'read_only' }] }));
    await expectInvalid(
      team(name(), { members: [{ kind: 'User', name: 'carol', role: 'org_owner' }] }),
      /spec\.members\[0\]\.role/,
      /Unsupported value/,
    );
    await expectInvalid(
      team(name(), { members: [{ kind: 'Robot', name: 'carol' }] }),
      /spec\.members\[0\]\.kind/,
      /Unsupported value/,
    );
  });

  it('refuses more than 200 members', async () => {
    const members = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ kind: 'User', name: `user-${i}@example.com` }));
    await create(team(name(), { members: members(200) }));
    await expectInvalid(
      team(name(), { members: members(201) }),
      /spec\.members/,
      /must have at most 200 items/,
    );
  });

  it('refuses an unknown or repeated agent category', async () => {
    await create(team(name(), { agentCategories: ['security', 'compliance'] }));
    await expectInvalid(
      team(name(), { agentCategories: ['security', 'billing'] }),
      /spec\.agentCategories\[1\]/,
    );
    await expectInvalid(
      team(name(), { agentCategories: ['security', 'security'] }),
      /spec\.agentCategories\[1\]/,
      /Duplicate value/,
    );
  });

  it('refuses a name that is not a DNS label, and an unknown field', async () => {
    await create(team(`${name()}-ops`));
    await expectInvalid(team(`${name()}.ops`), /metadata\.name/, /DNS label/);
    const { code, message } = await refusal(create(team(name(), { lead: 'bob' })));
    expect(code).toBe(400);
    expect(message).toMatch(/unknown field "spec\.lead"/);
  });
});

describe('WorkflowRun', () => {
  it('accepts a run and lets the operator record its progress', async () => {
    const example: WorkflowRun = {
      apiVersion: API_VERSION,
      kind: 'WorkflowRun',
      metadata: { name: name(), namespace },
      spec: {
        template: 'deployment_health_check',
        environment: 'production',
        parameters: { window: '45s', workload: 'deployment/web' },
        team: 'platform',
        message: 'Check the rollout of web',
        requestedBy: 'oidc:alice@techcorp.com',
      },
    };
    const run = await create(example as CustomObject);
    const written = await updateStatus<WorkflowRun & CustomObject>(run, {
      observedGeneration: 1,
      conditions: [condition('Ready', 'Unknown', 'Running')],
      phase: 'Running',
      currentStep: 'watch',
      startedAt: '2025-01-01T00:00:00Z',
      steps: [
        {
          name: 'analysis',
          type: 'agents',
          phase: 'Succeeded',
          startedAt: '2025-01-01T00:00:00Z',
          finishedAt: '2025-01-01T00:01:00Z',
          idempotencyKey: 'uid/analysis',
          result: {
            agentRun: {
              id: '0b6f1c9e-0000-8000-8000-000000000000',
              status: 'succeeded',
              agents: 12,
              failures: 0,
              findings: { critical: 0, high: 1, medium: 2, low: 0, info: 3 },
            },
          },
        },
        {
          name: 'watch',
          type: 'monitor',
          phase: 'Running',
          idempotencyKey: 'uid/watch',
          monitor: {
            window: '45s',
            endsAt: '2025-01-01T00:01:45Z',
            target: 'Deployment/web',
            pods: [{ uid: 'p1', name: 'web-1', restarts: 0, ready: true }],
            warningEvents: [],
          },
        },
        {
          name: 'gate',
          type: 'approval',
          risk: 'high',
          phase: 'Pending',
          approval: { policy: 'Required', reason: 'needs an org_admin', approvers: 1, role: 'org_admin' },
        },
      ],
    });
    expect(written.status?.phase).toBe('Running');
    const table = await kubectl('get', 'wfr', '-n', namespace, run.metadata.name);
    expect(table.split('\n')[0]).toMatch(/^NAME\s+TEMPLATE\s+ENVIRONMENT\s+PHASE\s+STEP\s+REQUESTER\s+AGE/);
    expect(table).toMatch(
      /deployment_health_check\s+production\s+Running\s+watch\s+oidc:alice@techcorp\.com/,
    );
    const bad = await refusal(updateStatus(run, { phase: 'Done' }));
    expect(bad.message).toMatch(/status\.phase/);
    const badStep = await refusal(
      updateStatus(run, { steps: [{ name: 'x', type: 'deploy', phase: 'Pending' }] }),
    );
    expect(badStep.message).toMatch(/status\.steps\[0\]\.type/);
  });

  it('lets cancelRequested be set once and never unset, and nothing else of the spec change', async () => {
    const run = await create(workflowRun(name()));
    await update(run, (current) => {
      (current.spec as Loose).cancelRequested = true;
    });
    const resumed = await refusal(
      update(run, (current) => {
        (current.spec as Loose).cancelRequested = false;
      }),
    );
    expect(resumed.message).toMatch(/cannot be resumed/);
    for (const change of [{ team: 'ops' }, { message: 'other' }, { parameters: { window: '2s' } }]) {
      const changed = await refusal(
        update(run, (current) => {
          Object.assign(current.spec as Loose, change);
        }),
      );
      expect([change, changed.code]).toEqual([change, 422]);
    }
  });

  it('requires requestedBy and bounds parameters', async () => {
    const { requestedBy: _, ...anonymous } = workflowRun(name()).spec as Loose;
    await expectInvalid({ ...workflowRun(name()), spec: anonymous }, /spec\.requestedBy/, /Required value/);
    await expectInvalid(workflowRun(name(), { parameters: { 'Window!': '1s' } }), /spec\.parameters/);
    const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`p${i}`, 'x']));
    await expectInvalid(workflowRun(name(), { parameters: many }), /spec\.parameters/, /32/);
    await expectInvalid(workflowRun(name(), { parameters: { window: 'x'.repeat(1025) } }), /1024/);
    await expectInvalid(workflowRun(name(), { team: 'Platform Team' }), /spec\.team/);
  });

  it('refuses to change the spec after creation, but allows metadata changes', async () => {
    const run = await create(workflowRun(name()));
    await update(run, (current) => {
      current.metadata.labels = { 'guardian.aiops.dev/team': 'devops' };
    });
    const changed = await refusal(
      update(run, (current) => {
        (current.spec as Loose).environment = 'staging';
      }),
    );
    expect(changed.code).toBe(422);
    expect(changed.message).toMatch(/spec: Invalid value.*spec is immutable after creation/);
  });

  it('refuses a template name that is not snake_case', async () => {
    await create(workflowRun(name(), { template: 'ml_model_lifecycle' }));
    // (The apiserver checks the form; whether the template exists is the operator's: TemplateNotFound.)
    for (const template of ['Cost Optimization', 'cost-optimization', '_pipeline']) {
      await expectInvalid(workflowRun(name(), { template }), /spec\.template/, /snake_case/);
    }
  });

  it('refuses an environment that is not an environment name', async () => {
    await create(workflowRun(name(), { environment: 'x'.repeat(20) }));
    await expectInvalid(workflowRun(name(), { environment: 'x'.repeat(21) }), /spec\.environment/, /20/);
    await expectInvalid(workflowRun(name(), { environment: 'blue--green' }), /spec\.environment/, /'--'/);
    await expectInvalid(workflowRun(name(), { environment: 'Production' }), /spec\.environment/);
  });

  it('refuses a missing template, an overlong message and an unknown field', async () => {
    await create(workflowRun(name(), { message: 'm'.repeat(4096) }));
    const { template: _template, ...withoutTemplate } = workflowRun(name()).spec as Loose;
    await expectInvalid(
      { ...workflowRun(name()), spec: withoutTemplate },
      /spec\.template/,
      /Required value/,
    );
    await expectInvalid(workflowRun(name(), { message: 'm'.repeat(4097) }), /spec\.message/, /4096/);
    const { code, message } = await refusal(create(workflowRun(name(), { priority: 'high' })));
    expect(code).toBe(400);
    expect(message).toMatch(/unknown field "spec\.priority"/);
  });
});
