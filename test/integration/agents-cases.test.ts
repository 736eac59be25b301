// The catalog's case tables against a real cluster: every row (runtime rows with the status the
// controllers write or, for Pods no kubelet runs, written through the status subresource as a
// kubelet would) but those holding Nodes or StorageClasses, applied to Guardian-managed workload
// namespaces of a test organization whose plan adds no ResourceQuota or LimitRange, run through the platform's own path (the organization's
// agent impersonated, then evaluate; and POST /agents/runs), and compared exactly with the rows'
// `expect`. Rows that cannot run here yet are listed below, each with the reason, never skipped
// silently. Also: one tenant's agent is refused another's namespace, and no Secret value leaves a run.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { type Clock, systemClock } from '@guardian/kube/clock';
import type { KubeObject } from '@guardian/kube/resources';
import { beforeAll, describe, expect, it } from 'vitest';
import { agentUser, resourceOf } from '../../platform/src/agent-runs/snapshot-reader.ts';
import { catalogCaseSettings, catalogCases } from '../../platform/src/agents/catalog/cases.ts';
import { agentSettings, type Case, catalog, type Finding } from '../../platform/src/agents/index.ts';
import { CASE_CLOCK, CASE_NAMESPACE, type KubeManifest } from '../../platform/src/agents/testing/case.ts';
import { container, deployment, podSpec } from '../../platform/src/agents/testing/manifests.ts';
import { agentSuite, inNamespace } from '../support/agents.ts';
import { adminClient, eventually, kubectl, uniqueName } from '../support/kube.ts';
import { quotaPolicy } from '../support/platform.ts';
import { databaseSecret, onTenant } from '../support/tenant-db.ts';

/** Checks that cannot fire in a namespace Guardian manages, and why. */
const NEVER_IN_GUARDIAN_NAMESPACES: Record<string, string> = {
  'network-policy/pod-not-isolated-ingress':
    'the operator’s NetworkPolicy guardian-default selects every Pod for Ingress, so every Pod is isolated for ingress',
  'cis-policies/namespace-without-networkpolicy':
    'the operator keeps the NetworkPolicy guardian-default in every workload namespace',
};

/** What a real cluster adds to a row's outcome, by row name (the rows' notes say so). */
const CLUSTER_ADDS: Record<string, { check: string; kind: string; name: string; why: string }[]> = {
  'a Deployment past its progress deadline': [
    {
      check: 'rollout-health/pod-creation-failing',
      kind: 'Deployment',
      name: 'rollout-health-deadline',
      why: 'its ReplicaSet (which the row does not hold) reports ReplicaFailure: the API rejects its Pods',
    },
  ],
};

/**
 * Runtime rows run here with real cluster state, as their notes say: written by the controllers
 * (Deployment, ReplicaSet, DaemonSet, Job, EndpointSlice, disruption, HPA, PV and quota
 * controllers, and kwok for Pods on its Node), by this test through the status subresource as a
 * kubelet would (the Pods of pod-runtime, placed on no Node so that nothing overwrites it, and the
 * completed bare Pod of cost-estimator, which kwok completes only for Jobs), or created by this
 * test through the API (the Events of events, moved to the test's clock).
 */
const STATUS_WRITTEN = new Set(['pod-runtime', 'cost-estimator']);
const DEFERRED_CLUSTER =
  'holds Nodes or StorageClasses (cluster-scoped): covered by unit tests; applied here, they would change the Nodes every parallel suite schedules on';

interface Row {
  agent: string;
  row: Case;
}

const rows: Row[] = Object.entries(catalogCases).flatMap(([agent, cases]) =>
  cases.map((row) => ({ agent, row })),
);
const isClusterRow = ({ row }: Row) =>
  row.objects.some((o) => o.kind === 'Node' || o.kind === 'StorageClass');
const deferral = (entry: Row): string | undefined => (isClusterRow(entry) ? DEFERRED_CLUSTER : undefined);
const deferred = rows.filter((entry) => deferral(entry) !== undefined);
const applied = rows.filter((entry) => deferral(entry) === undefined);
const shared = applied.filter(({ row }) => !row.namespaceWide);
const wide = applied.filter(({ row }) => row.namespaceWide);

const key = (check: string, kind: string, name: string) => `${check} ${kind}/${name}`;
const counted = (check: string) => NEVER_IN_GUARDIAN_NAMESPACES[check] === undefined;

/** Per agent: what its rows in the shared namespace expect there. */
function sharedExpectation(): Record<string, string[]> {
  const expected: Record<string, string[]> = {};
  for (const { agent, row } of shared) {
    const keys = [
      ...row.expect.filter((f) => counted(f.check)).map((f) => key(f.check, f.kind, f.name)),
      ...(CLUSTER_ADDS[row.name] ?? []).map((f) => key(f.check, f.kind, f.name)),
    ];
    expected[agent] = [...(expected[agent] ?? []), ...keys].sort();
  }
  return expected;
}

/** Per agent with rows there: its findings on objects named with its prefix (its rows' objects). */
function sharedActual(findings: readonly Finding[]): Record<string, string[]> {
  const actual: Record<string, string[]> = {};
  for (const agent of new Set(shared.map((entry) => entry.agent))) {
    actual[agent] = findings
      .filter((f) => f.agent === agent && f.resource.name.startsWith(`${agent}-`) && counted(f.check))
      .map((f) => key(f.check, f.resource.kind, f.resource.name))
      .sort();
  }
  return actual;
}

// Rows are evaluated ten minutes after their objects were created (the case clock): so is the platform.
const OFFSET = CASE_CLOCK.now - CASE_CLOCK.created;
const clock: Clock = { ...systemClock, now: () => Date.now() + OFFSET };

/**
 * An Event of a row as the test creates it (the rows' note): its timestamps moved from the case
 * clock to the test's, so that "10 minutes ago" is 10 minutes before the run, and the object it is
 * about in `namespace`. Any other object as it is.
 */
function atTestClock(object: KubeManifest, namespace: string): KubeManifest {
  if (object.kind !== 'Event') return object;
  const shift = clock.now() - CASE_CLOCK.now;
  const moved = (at: string | Date | null | undefined) =>
    at ? new Date(Date.parse(String(at)) + shift).toISOString() : undefined;
  return {
    ...object,
    involvedObject: { ...object.involvedObject, namespace },
    firstTimestamp: moved(object.firstTimestamp),
    lastTimestamp: moved(object.lastTimestamp),
  } as KubeManifest;
}

describe('agents: the catalog’s case tables in a real cluster', () => {
  const a = uniqueName('it-agc');
  const b = uniqueName('it-agc');
  // One environment for the shared rows, one for each namespace-wide row; at most 10 per organization.
  const wideEnvironments = wide.map((_, i) => `wide-${String(i + 1).padStart(2, '0')}`);
  const aWide = wideEnvironments.slice(0, 9);
  const bWide = wideEnvironments.slice(9);
  const placeOf = (index: number) => ({
    org: index < 9 ? a : b,
    environment: wideEnvironments[index] ?? '',
  });
  const plan = quotaPolicy(uniqueName('it-agc-plan'), { displayName: 'cases', features: { sso: false } });
  const suite = agentSuite({
    suite: 'agents-cases',
    plans: [plan],
    organizations: [
      { name: a, spec: { plan: plan.metadata.name, environments: ['cases', ...aWide] } },
      { name: b, spec: { plan: plan.metadata.name, environments: ['other', ...bWide] } },
    ],
    clock,
    logs: true,
  });
  const casesNamespace = `org-${a}--cases`;
  const secret = {
    value: `s3cr3t-${randomBytes(8).toString('hex')}`,
    configValue: `hunter2-${randomBytes(8).toString('hex')}`,
    envValue: `tok-${randomBytes(8).toString('hex')}`,
  };
  let owner: string;
  let ownerB: string;

  /** Every table's agent over the shared namespace, each with its table's settings, as the platform reads it. */
  async function evaluateShared(): Promise<Finding[]> {
    const findings: Finding[] = [];
    for (const agent of catalog) {
      const evaluation = await suite.evaluateDirectly(a, casesNamespace, [agent], {
        now: clock.now(),
        settings: agentSettings(catalogCaseSettings[agent.id]),
      });
      expect(evaluation.failed).toEqual([]);
      findings.push(...evaluation.findings);
    }
    return findings;
  }

  beforeAll(async () => {
    owner = (await suite.token(a, 'org_owner')).token;
    ownerB = (await suite.token(b, 'org_owner')).token;
    // As an admin (some rows grant what they hold: RBAC, as their notes say), with Guardian's own
    // client: server-side apply with strict field validation, the manifests as written.
    const admin = adminClient();
    const refused: string[] = [];
    const applyAll = async ({ agent, row }: Row, namespace: string, objects: readonly KubeManifest[]) => {
      for (const object of objects) {
        await admin
          .apply(resourceOf(object.kind), inNamespace(atTestClock(object, namespace), namespace), {
            fieldManager: 'guardian-test',
          })
          .catch((error: unknown) => {
            refused.push(`${agent}: "${row.name}": ${object.kind} ${object.metadata.name}: ${String(error)}`);
          });
      }
    };
    // The disruption controller follows one PDB per Pod once several select it: a PDB computed
    // while its Pods start would keep that status. So a row's PDBs come once its Deployments are
    // available, and each is computed beside Ready Pods (the note of "two PDBs over one Deployment").
    // What a kubelet would write: each object's status as the row holds it, over what the
    // apiserver and the scheduler wrote (a conflict with the scheduler's write is retried).
    const writeStatus = async ({ row }: Row, namespace: string) => {
      for (const object of row.objects) {
        const status = (object as { status?: object }).status;
        if (!status || object.kind !== 'Pod') continue;
        await eventually(`the status of ${object.kind} ${object.metadata.name}`, async () => {
          const current = await admin.get<KubeObject & { status?: object }>(
            resourceOf(object.kind),
            object.metadata.name,
            namespace,
          );
          await admin.replace(
            resourceOf(object.kind),
            { ...current, status: { ...current.status, ...status } },
            'status',
          );
          return true;
        });
      }
    };
    const place = async (entry: Row, namespace: string) => {
      const isPdb = (object: KubeManifest) => object.kind === 'PodDisruptionBudget';
      await applyAll(
        entry,
        namespace,
        entry.row.objects.filter((object) => !isPdb(object)),
      );
      if (entry.row.runtime && STATUS_WRITTEN.has(entry.agent)) await writeStatus(entry, namespace);
      const pdbs = entry.row.objects.filter(isPdb);
      if (pdbs.length === 0) return;
      for (const object of entry.row.objects.filter((o) => o.kind === 'Deployment')) {
        await eventually(`Deployment ${object.metadata.name} to be available`, async () => {
          const deployment = await admin.get<
            KubeObject & { spec?: { replicas?: number }; status?: { availableReplicas?: number } }
          >(resourceOf('Deployment'), object.metadata.name, namespace);
          return (deployment.status?.availableReplicas ?? 0) >= (deployment.spec?.replicas ?? 1);
        });
      }
      await applyAll(entry, namespace, pdbs);
    };
    for (const entry of shared) await place(entry, casesNamespace);
    for (const [index, entry] of wide.entries()) {
      const { org, environment } = placeOf(index);
      await place(entry, `org-${org}--${environment}`);
    }
    await admin.close();
    expect(refused).toEqual([]);
  }, 300_000);

  it('applies every row but those with Nodes or StorageClasses, which are listed with the reason', () => {
    expect(applied.length + deferred.length).toBe(rows.length);
    expect(shared.length).toBeGreaterThan(200);
    expect(wide.length).toBe(wideEnvironments.length);
    expect(wideEnvironments.length).toBeLessThanOrEqual(19);
  });

  // Not todo tests: a deferral is a decision this suite states and checks. Each deferred row names
  // its reason; the count changes only together with the tables or the cluster rows that cover them.
  it('defers exactly the rows with Nodes or StorageClasses', () => {
    const reasons = Object.groupBy(deferred, (entry) => deferral(entry) ?? '');
    expect(Object.keys(reasons)).toEqual([DEFERRED_CLUSTER]);
    expect(reasons[DEFERRED_CLUSTER]?.length).toBe(13);
  });

  it('finds exactly what the shared rows expect, table by table, as the organization’s agent', async () => {
    const expected = sharedExpectation();
    // Runtime rows settle as controllers and the scheduler write status: wait until they have.
    const findings = await eventually(
      'the shared namespace to settle to the rows’ expectations',
      async () => {
        const found = await evaluateShared();
        return JSON.stringify(sharedActual(found)) === JSON.stringify(expected) ? found : undefined;
      },
      120_000,
    ).catch(async () => evaluateShared());
    expect(sharedActual(findings)).toEqual(expected);
  }, 180_000);

  it('finds the same through POST /agents/runs (the tables with default settings)', async () => {
    const run = await suite.call('POST', '/agents/runs', owner, { environment: 'cases' });
    expect(run.status).toBe(201);
    const body = run.body as { status: string; findings: Finding[]; agents: string[] };
    expect(body.status).toBe('succeeded');
    expect(body.agents).toEqual(catalog.map((agent) => agent.id));
    const expected = sharedExpectation();
    const withDefaults = (record: Record<string, string[]>) =>
      Object.fromEntries(
        Object.entries(record).filter(([agent]) => catalogCaseSettings[agent] === undefined),
      );
    expect(withDefaults(sharedActual(body.findings))).toEqual(withDefaults(expected));
  }, 120_000);

  it('finds exactly what each namespace-wide row expects, in a namespace of its own', async () => {
    for (const [index, { agent, row }] of wide.entries()) {
      const { org, environment } = placeOf(index);
      const namespace = `org-${org}--${environment}`;
      const token = org === a ? owner : ownerB;
      const keysOf = (found: readonly Finding[]) =>
        found
          .filter((f) => counted(f.check))
          .map((f) =>
            key(f.check, f.resource.kind, f.resource.kind === 'Namespace' ? CASE_NAMESPACE : f.resource.name),
          )
          .sort();
      const expected = row.expect
        .filter((f) => counted(f.check))
        .map((f) => key(f.check, f.kind, f.name))
        .sort();
      const direct = async () =>
        (
          await suite.evaluateDirectly(
            org,
            namespace,
            catalog.filter((candidate) => candidate.id === agent),
            { now: clock.now(), settings: agentSettings(catalogCaseSettings[agent]) },
          )
        ).findings;
      // A runtime row settles as its controller writes status: wait (without spending units) until it has.
      if (row.runtime) {
        await eventually(`${agent}: ${row.name} to settle`, async () =>
          isDeepStrictEqual(keysOf(await direct()), expected),
        ).catch(() => undefined);
      }
      let findings: readonly Finding[];
      if (catalogCaseSettings[agent] === undefined) {
        const run = await suite.call('POST', '/agents/runs', token, { environment, agents: [agent] });
        expect(run.status, `${agent}: ${row.name}`).toBe(201);
        findings = (run.body as { findings: Finding[] }).findings;
      } else {
        findings = await direct();
      }
      expect({ row: `${agent}: ${row.name}`, findings: keysOf(findings) }).toEqual({
        row: `${agent}: ${row.name}`,
        findings: expected,
      });
    }
  }, 180_000);

  it('refuses one organization’s agent another’s namespace (and lets it read its own)', async () => {
    const asA = suite.kube.impersonating(agentUser(a));
    const own = await asA.list(resourceOf('Secret'), { namespace: casesNamespace });
    expect(own.items.length).toBeGreaterThan(0);
    for (const kind of ['Pod', 'Secret', 'ConfigMap'] as const) {
      await expect(asA.list(resourceOf(kind), { namespace: `org-${b}--other` })).rejects.toMatchObject({
        status: 403,
      });
    }
    // The control, the other way round: b's agent reads b's namespace.
    const asB = suite.kube.impersonating(agentUser(b));
    expect((await asB.list(resourceOf('Pod'), { namespace: `org-${b}--other` })).items).toEqual([]);
  });

  it('keeps Secret values out of stored runs, findings, API answers and log lines', async () => {
    // Applied the way kubectl applies (client-side: the whole Secret, values included, also in an
    // annotation), beside a ConfigMap and an env literal that look like credentials.
    const manifests = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'planted-secret', namespace: casesNamespace },
          stringData: { password: secret.value },
        },
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'planted-config', namespace: casesNamespace },
          data: { DB_PASSWORD: secret.configValue },
        },
        inNamespace(
          deployment(
            'planted-app',
            podSpec({
              containers: [
                container('app', {
                  env: [
                    { name: 'API_TOKEN', value: secret.envValue },
                    {
                      name: 'DB_PASSWORD',
                      valueFrom: { secretKeyRef: { name: 'planted-secret', key: 'password' } },
                    },
                  ],
                  envFrom: [{ configMapRef: { name: 'planted-config' } }],
                }),
              ],
            }),
          ),
          casesNamespace,
        ),
      ],
    };
    const file = join(mkdtempSync(join(tmpdir(), 'guardian-planted-')), 'planted.json');
    writeFileSync(file, JSON.stringify(manifests));
    await kubectl('apply', '-f', file);
    // The control: the values are in the cluster, where the agent reads.
    const stored = await kubectl('get', 'secret', 'planted-secret', '-n', casesNamespace, '-o', 'json');
    expect(stored).toContain(Buffer.from(secret.value).toString('base64'));
    expect(stored).toContain(secret.value);

    const run = await suite.call('POST', '/agents/runs', owner, {
      environment: 'cases',
      categories: ['security', 'deployment'],
    });
    expect(run.status).toBe(201);
    const { run_id: runId, findings } = run.body as { run_id: string; findings: Finding[] };
    // The control: the run read them, and reported the credentials by their names.
    const planted = findings
      .filter((f) => f.resource.name.startsWith('planted-'))
      .map((f) => key(f.check, f.resource.kind, f.resource.name));
    expect(planted).toEqual(
      expect.arrayContaining([
        key('secrets-exposure/secret-literal-in-env', 'Deployment', 'planted-app'),
        key('secrets-exposure/secret-in-configmap', 'ConfigMap', 'planted-config'),
        key('secrets-exposure/secret-env-reference', 'Deployment', 'planted-app'),
      ]),
    );
    const answers = await Promise.all(
      [
        `/agents/runs/${runId}`,
        '/agents/runs',
        '/findings?limit=1000',
        '/environments',
        '/audit?limit=500',
      ].map((path) => suite.call('GET', path, owner)),
    );
    for (const answer of answers) expect(answer.status).toBe(200);
    const database = await databaseSecret(a);
    const rows = await Promise.all(
      ['agent_runs', 'agent_run_findings', 'findings'].map((table) =>
        onTenant(database.url, `SELECT row_to_json(t)::text AS row FROM ${table} t`),
      ),
    );
    const everything = [
      run.text,
      ...answers.map((answer) => answer.text),
      ...rows.flat().map((row) => String(row.row)),
      ...suite.platform.logs,
    ].join('\n');
    expect(everything).toContain('planted-secret');
    expect(everything).toContain('DB_PASSWORD');
    for (const value of [secret.value, secret.configValue, secret.envValue]) {
      expect(everything).not.toContain(value);
      expect(everything).not.toContain(Buffer.from(value).toString('base64'));
    }
  }, 120_000);
});
