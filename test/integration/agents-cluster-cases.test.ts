// The catalog's case rows that hold Nodes or StorageClasses (node-health, scheduling, storage,
// statefulset-config), in a real cluster, run through the platform's own path (the organization's
// agent impersonated for the namespace, the platform's identity for Nodes and StorageClasses, then
// evaluate; and POST /agents/runs), and compared exactly with the rows' `expect`.
//
// Nodes and StorageClasses are the cluster's, shared with every suite the stack runs in parallel:
// - they are named for this run (`<name>-<run>`, and so is every string of the row naming one: a
//   claim's storageClassName, a pool label and the nodeSelectors asking for it), and only findings
//   on this run's Nodes and StorageClasses count;
// - the Nodes carry a NoSchedule taint no Pod tolerates, so no other suite's Pod or DaemonSet lands
//   where no kubelet runs (the checks read no taints);
// - no kwok manages them: the stack's kwok takes only Nodes annotated `kwok.x-k8s.io/node: fake`, so
//   its node stages never rewrite the conditions written here. A kubelet's heartbeat stands in for
//   kwok's: this test holds each Node's Lease in kube-node-lease and renews it, as a kubelet does,
//   so the node lifecycle controller (which marks every condition of a Node Unknown once neither
//   status nor Lease moved within node-monitor-grace-period) leaves them as written;
// - the default StorageClasses are created last and deleted first: while they exist, the apiserver
//   gives claims created anywhere without a class the newer one, and the PV controller gives it to
//   Pending claims without one. Every other suite's claim names a class, or "", but one: the claim
//   of agents-cases' StatefulSet whose template names none, and agents-cases counts no finding on it;
// - all of them are removed afterwards, with those an earlier run of this file left behind.

import { randomBytes } from 'node:crypto';
import type { KubeClient } from '@guardian/kube/client';
import { core, type KubeObject } from '@guardian/kube/resources';
import type { V1NodeCondition, V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceOf } from '../../platform/src/agent-runs/snapshot-reader.ts';
import { catalogCaseSettings } from '../../platform/src/agents/catalog/cases.ts';
import { agentSettings, catalog, type Finding } from '../../platform/src/agents/index.ts';
import type { KubeManifest } from '../../platform/src/agents/testing/case.ts';
import {
  type CaseRow,
  caseRows,
  findingKey,
  holdsClusterObjects,
  isClusterScoped,
} from '../support/agent-cases.ts';
import { agentSuite, inNamespace } from '../support/agents.ts';
import { adminClient, eventually, uniqueName } from '../support/kube.ts';
import { quotaPolicy } from '../support/platform.ts';

const RUN = randomBytes(3).toString('hex');
const RUN_LABEL = 'guardian.aiops.dev/agent-cases-run';
const TAINT = { key: 'guardian.aiops.dev/agent-cases', value: RUN, effect: 'NoSchedule' };
const DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
const FIELD_MANAGER = 'guardian-test';
const NODE_LEASES = 'kube-node-lease';
// kube-controller-manager's default node-monitor-grace-period; a kubelet's Lease renewal interval and duration.
const GRACE_MS = 50_000;
const RENEW_MS = 10_000;
const LEASE_SECONDS = 40;

const rows = caseRows.filter(holdsClusterObjects);
/** Default StorageClasses change what admission gives claims across the cluster while they exist. */
const makesDefaults = ({ row }: CaseRow) =>
  row.objects.some((o) => o.kind === 'StorageClass' && o.metadata.annotations?.[DEFAULT_CLASS] === 'true');
const lasting = rows.filter((entry) => !makesDefaults(entry));
const passing = rows.filter(makesDefaults);
const agents = [...new Set(rows.map((entry) => entry.agent))];

/** Each Node's and StorageClass's name in the rows, and its name in this run. */
const renames = new Map<string, string>(
  rows.flatMap(({ row }) =>
    row.objects.filter(isClusterScoped).map((o) => [o.metadata.name, `${o.metadata.name}-${RUN}`] as const),
  ),
);
const ofRun = new Set(renames.values());

/** `value` with every string that names a row's Node or StorageClass renamed for this run. */
function forRun<T>(value: T): T {
  if (typeof value === 'string') return (renames.get(value) ?? value) as T;
  if (Array.isArray(value)) return value.map(forRun) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, forRun(item)])) as T;
  }
  return value;
}

/** Per agent of the rows: what `of` expect, in this run's names. */
function expected(of: readonly CaseRow[]): Record<string, string[]> {
  return Object.fromEntries(
    agents.map((agent) => [
      agent,
      of
        .filter((entry) => entry.agent === agent)
        .flatMap(({ row }) => row.expect.map((f) => findingKey(f.check, f.kind, forRun(f.name))))
        .sort(),
    ]),
  );
}

/** Per agent of the rows: its findings, on the suite's namespace or this run's Nodes and StorageClasses. */
function actual(findings: readonly Finding[]): Record<string, string[]> {
  const counts = ({ resource }: Finding) =>
    (resource.kind !== 'Node' && resource.kind !== 'StorageClass') || ofRun.has(resource.name);
  return Object.fromEntries(
    agents.map((agent) => [
      agent,
      findings
        .filter((f) => f.agent === agent && counts(f))
        .map((f) => findingKey(f.check, f.resource.kind, f.resource.name))
        .sort(),
    ]),
  );
}

/** A row's Node or StorageClass as this run creates it: labelled with the run; a Node tainted. */
function clusterObject(object: KubeManifest): KubeObject {
  const renamed = forRun(object);
  const metadata = { ...renamed.metadata, labels: { ...renamed.metadata.labels, [RUN_LABEL]: RUN } };
  if (renamed.kind !== 'Node') return { ...renamed, metadata } as KubeObject;
  return { ...renamed, metadata, spec: { ...renamed.spec, taints: [TAINT] } } as KubeObject;
}

/** A Node as the apiserver stores it, with what this test reads of it. */
type StoredNode = KubeObject & {
  spec?: { unschedulable?: boolean };
  status?: { conditions?: V1NodeCondition[] };
};

/** A kubelet's heartbeat: the Node's Lease, held by the Node and renewed now (a MicroTime). */
const lease = (node: StoredNode) => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: {
    name: node.metadata?.name ?? '',
    namespace: NODE_LEASES,
    ownerReferences: [
      { apiVersion: 'v1', kind: 'Node', name: node.metadata?.name ?? '', uid: node.metadata?.uid ?? '' },
    ],
  },
  spec: {
    holderIdentity: node.metadata?.name ?? '',
    leaseDurationSeconds: LEASE_SECONDS,
    renewTime: new Date().toISOString().replace(/Z$/, '000Z'),
  },
});

describe('agents: the case rows with Nodes or StorageClasses, in a real cluster', () => {
  const org = uniqueName('it-agcl');
  const plan = quotaPolicy(uniqueName('it-agcl-plan'), {
    displayName: 'cluster cases',
    features: { sso: false },
  });
  const suite = agentSuite({
    suite: 'agents-cluster-cases',
    plans: [plan],
    organizations: [{ name: org, spec: { plan: plan.metadata.name, environments: ['cluster'] } }],
  });
  const namespace = `org-${org}--cluster`;
  const nodes: StoredNode[] = [];
  const heartbeatFailures: string[] = [];
  let heartbeat: NodeJS.Timeout | undefined;
  let admin: KubeClient;
  let owner: string;

  const renewLeases = () =>
    Promise.all(
      nodes.map((node) =>
        admin
          .apply(core.lease, lease(node), { fieldManager: FIELD_MANAGER })
          .catch((error: unknown) => heartbeatFailures.push(`${node.metadata?.name}: ${String(error)}`)),
      ),
    );

  /** Creates the rows' objects: Nodes as a kubelet registers them (status included), then their Leases. */
  async function place(of: readonly CaseRow[]): Promise<void> {
    for (const { row } of of) {
      for (const object of row.objects) {
        if (object.kind === 'Node') {
          const node = await admin.create<StoredNode>(resourceOf('Node'), clusterObject(object));
          nodes.push(node);
          await admin.apply(core.lease, lease(node), { fieldManager: FIELD_MANAGER });
        } else if (object.kind === 'StorageClass') {
          await admin.apply(resourceOf('StorageClass'), clusterObject(object), {
            fieldManager: FIELD_MANAGER,
          });
        } else {
          await admin.apply(resourceOf(object.kind), inNamespace(forRun(object), namespace), {
            fieldManager: FIELD_MANAGER,
          });
        }
      }
    }
  }

  /** Deletes the Nodes (their Leases too) and StorageClasses labelled with a run: `run`, or any other. */
  async function removeRun(selector: string): Promise<void> {
    for (const kind of ['StorageClass', 'Node'] as const) {
      const { items } = await admin.list(resourceOf(kind), { labelSelector: selector });
      for (const item of items) {
        const name = item.metadata?.name ?? '';
        await admin.delete(resourceOf(kind), name);
        if (kind === 'Node') await admin.delete(core.lease, name, NODE_LEASES);
      }
    }
  }

  /** What the rows' agents find in the suite's namespace, read exactly as the platform reads it. */
  async function evaluateDirectly(which: readonly string[] = agents): Promise<Finding[]> {
    const evaluation = await suite.evaluateDirectly(
      org,
      namespace,
      catalog.filter((agent) => which.includes(agent.id)),
      { now: Date.now(), settings: agentSettings() },
    );
    expect(evaluation.failed).toEqual([]);
    expect(evaluation.skipped).toEqual([]);
    return evaluation.findings;
  }

  beforeAll(async () => {
    admin = adminClient();
    owner = (await suite.token(org, 'org_owner')).token;
    await removeRun(`${RUN_LABEL},${RUN_LABEL}!=${RUN}`);
    await place(lasting);
    heartbeat = setInterval(() => void renewLeases(), RENEW_MS);
  }, 120_000);

  afterAll(async () => {
    clearInterval(heartbeat);
    await removeRun(`${RUN_LABEL}=${RUN}`);
    await admin.close();
  });

  it('runs every row that holds a Node or a StorageClass, with the tables’ default settings', () => {
    expect(rows.length).toBe(14);
    expect(agents.sort()).toEqual(['node-health', 'scheduling', 'statefulset-config', 'storage']);
    expect(agents.filter((agent) => catalogCaseSettings[agent] !== undefined)).toEqual([]);
    expect(passing.map(({ row }) => row.name)).toEqual([
      'two default StorageClasses, and one that says it is not',
    ]);
  });

  it('finds exactly what the rows expect, agent by agent, as the organization’s agent', async () => {
    expect(actual(await evaluateDirectly())).toEqual(expected(lasting));
  });

  it('finds the same through POST /agents/runs', async () => {
    const run = await suite.call('POST', '/agents/runs', owner, { environment: 'cluster', agents });
    expect(run.status).toBe(201);
    const body = run.body as { status: string; findings: Finding[]; skipped: unknown[] };
    expect(body.status).toBe('succeeded');
    expect(body.skipped).toEqual([]);
    expect(actual(body.findings)).toEqual(expected(lasting));
  });

  it('finds two default StorageClasses while they exist (created last, deleted first)', async () => {
    const classes = passing.flatMap(({ row }) => row.objects.filter((o) => o.kind === 'StorageClass'));
    let found: Finding[];
    try {
      await place(passing);
      found = await evaluateDirectly(passing.map((entry) => entry.agent));
    } finally {
      for (const object of classes)
        await admin.delete(resourceOf('StorageClass'), forRun(object.metadata.name));
    }
    const only = (record: Record<string, string[]>) =>
      Object.fromEntries(passing.map(({ agent }) => [agent, record[agent]]));
    expect(only(actual(found))).toEqual(only(expected(rows)));
    // The control: gone, they are found no more.
    expect(only(actual(await evaluateDirectly(passing.map((entry) => entry.agent))))).toEqual(
      only(expected(lasting)),
    );
  });

  it(
    'keeps the Nodes as written past node-monitor-grace-period, and every Pod off them',
    async () => {
      const oldest = Math.min(...nodes.map((node) => Date.parse(String(node.metadata?.creationTimestamp))));
      await eventually(
        'the Nodes to outlive node-monitor-grace-period',
        async () => Date.now() > oldest + GRACE_MS + RENEW_MS,
        2 * GRACE_MS,
      );
      const written = lasting.flatMap(({ row }) =>
        row.objects.flatMap((object) => (object.kind === 'Node' ? [forRun(object)] : [])),
      );
      const conditionsOf = (node: { status?: { conditions?: V1NodeCondition[] } }) =>
        (node.status?.conditions ?? []).map(({ type, status, reason }) => ({ type, status, reason }));
      for (const object of written) {
        const stored = await admin.get<StoredNode>(resourceOf('Node'), object.metadata.name);
        // A renewal that failed (the machine under load) matters only if the conditions moved.
        const failures = heartbeatFailures.join('; ') || 'none';
        expect(conditionsOf(stored), `${object.metadata.name}; failed renewals: ${failures}`).toEqual(
          conditionsOf(object),
        );
        expect(stored.spec?.unschedulable ?? false).toBe(object.spec?.unschedulable ?? false);
        const pods = await admin.request<{ items: V1Pod[] }>('GET', '/api/v1/pods', {
          query: { fieldSelector: `spec.nodeName=${object.metadata.name}` },
        });
        expect(pods.items.map((pod) => pod.metadata?.name)).toEqual([]);
      }
      // And the findings still hold.
      expect(actual(await evaluateDirectly(['node-health']))['node-health']).toEqual(
        expected(lasting)['node-health'],
      );
    },
    2 * GRACE_MS + 30_000,
  );
});
