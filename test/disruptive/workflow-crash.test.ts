// WorkflowRuns across repeated operator crashes: 100 runs of deployment_health_check across three
// organizations whose plans allow 1, 2 and 3 concurrent workflows, while the leading operator is
// killed with SIGKILL 20 times at random moments and a standby takes the short Lease each time.
// Every run ends Succeeded; a watch of every WorkflowRun sees no organization above its limit at
// any moment; each run's workflow unit and each agent's unit are counted once; each run's audit
// trail has each of its entries once.

import { randomUUID } from 'node:crypto';
import type { WorkflowRun } from '@guardian/crds/generated';
import { KINDS } from '@guardian/crds/kinds';
import { core, type KubeObject } from '@guardian/kube/resources';
import { isFinal, SLOT_PHASES } from '@guardian/platform/workflows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/stack/process.ts';
import { adminClient, eventually, uniqueName } from '../support/kube.ts';
import {
  applyGuardianManifests,
  operatorKubeconfig,
  type RunningOperator,
  startOperator,
} from '../support/operator.ts';
import { SUITE_LABEL, suiteSelector } from '../support/operator-suite.ts';
import { quotaPolicy } from '../support/platform.ts';
import { apply, coreApi, deleteOrganizations, organization, organizationReady } from '../support/tenancy.ts';
import { auditActions, migratePlatformDatabase, startRun, unitsCounted } from '../support/workflows.ts';

type Run = WorkflowRun & KubeObject;

const suite = uniqueName('wf-disruptive');
const labels = { [SUITE_LABEL]: suite };
const namespace = uniqueName('it-wfd-op');
const RUNS = 100;
const KILLS = 20;
const LIMITS = [1, 2, 3];
const orgs = LIMITS.map((limit) => ({ name: uniqueName(`wfd${limit}`), limit }));
const SHORT_LEASE = {
  LEADER_ELECT_LEASE_DURATION_SECONDS: '4',
  LEADER_ELECT_RENEW_DEADLINE_SECONDS: '3',
  LEADER_ELECT_RETRY_PERIOD_SECONDS: '0.5',
};

/** A seeded generator (mulberry32), so a failing sequence of kills can be replayed from the log. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Watches every WorkflowRun and remembers the most of each organization's that held a slot at once. */
function watchSlots(namespaces: ReadonlySet<string>) {
  const phases = new Map<string, string>();
  const most = new Map<string, number>();
  const controller = new AbortController();
  const client = adminClient();
  const loop = (async () => {
    let resourceVersion = (await client.list(KINDS.workflowRun)).metadata?.resourceVersion ?? '0';
    while (!controller.signal.aborted) {
      await client
        .watch<Run>(
          KINDS.workflowRun,
          { resourceVersion },
          (event) => {
            const meta = event.object.metadata;
            if (meta?.resourceVersion) resourceVersion = meta.resourceVersion;
            if (!meta?.namespace || !namespaces.has(meta.namespace)) return;
            const key = `${meta.namespace}/${meta.name}`;
            if (event.type === 'DELETED') phases.delete(key);
            else phases.set(key, event.object.status?.phase ?? '');
            const holding = [...phases].filter(
              ([other, phase]) =>
                other.startsWith(`${meta.namespace}/`) && (SLOT_PHASES as readonly string[]).includes(phase),
            ).length;
            most.set(meta.namespace, Math.max(most.get(meta.namespace) ?? 0, holding));
          },
          controller.signal,
        )
        .catch((error: unknown) => {
          if (!controller.signal.aborted) throw error;
        });
    }
  })();
  return {
    most,
    async stop() {
      controller.abort();
      await loop.catch(() => undefined);
    },
  };
}

describe('workflow runs across operator crashes', () => {
  const operators: RunningOperator[] = [];
  let kubeconfig: string;
  const start = async () => {
    const operator = await startOperator({
      kubeconfig,
      namespace,
      port: await freePort(),
      name: `wfd-${randomUUID().slice(0, 8)}`,
      env: { ...SHORT_LEASE, OPERATOR_ORGANIZATION_SELECTOR: suiteSelector(suite) },
    });
    operators.push(operator);
    return operator;
  };
  const alive = () => operators.filter((o) => o.process.exitCode === null && o.process.signalCode === null);

  beforeAll(async () => {
    await migratePlatformDatabase();
    await applyGuardianManifests();
    kubeconfig = await operatorKubeconfig(namespace);
    await start();
    await start();
    for (const { name, limit } of orgs) {
      const plan = `${name}-plan`;
      await apply({
        ...quotaPolicy(plan, { displayName: plan, concurrentWorkflows: limit }),
        metadata: { name: plan, labels },
      });
      const base = organization(name, { plan, environments: ['staging'] });
      await apply({ ...base, metadata: { ...base.metadata, labels } });
    }
    await Promise.all(orgs.map(({ name }) => organizationReady(name, 'True', 180_000)));
  }, 300_000);

  afterAll(async () => {
    if (alive().length === 0) await start();
    await deleteOrganizations(...orgs.map(({ name }) => name));
    for (const operator of operators) await operator.stop();
    await coreApi.deleteNamespace({ name: namespace }).catch(() => undefined);
  }, 300_000);

  it(`ends ${RUNS} runs as expected through ${KILLS} kills, each organization within its limit`, async () => {
    const seed = Date.now();
    console.log(`workflow crash test seed: ${seed}`);
    const next = random(seed);
    const watch = watchSlots(new Set(orgs.map(({ name }) => `org-${name}`)));
    const names = Array.from({ length: RUNS }, (_, index) => ({
      org: orgs[index % orgs.length]?.name ?? '',
      name: uniqueName('wf-health'),
    }));
    const uids = new Map<string, string>();
    const creating = (async () => {
      for (const { org, name } of names) {
        const run = await startRun(org, name, { parameters: { window: '1s' } });
        uids.set(name, run.metadata?.uid ?? '');
      }
    })();

    for (let kill = 0; kill < KILLS; kill++) {
      await new Promise((resolve) => setTimeout(resolve, 500 + next() * 2_500));
      const lease = await adminClient().find<KubeObject & { spec?: { holderIdentity?: string } }>(
        core.lease,
        'guardian-operator',
        namespace,
      );
      const leader = alive().find((operator) => operator.name === lease?.spec?.holderIdentity) ?? alive()[0];
      leader?.process.kill('SIGKILL');
      await start();
    }
    await creating;

    const unfinished = new Map<string, string>();
    const ended = await eventually(
      'every run to end',
      async () => {
        // A replica that could not renew in time exits by design; one is always there to lead.
        if (alive().length === 0) await start();
        const runs = (
          await Promise.all(
            orgs.map(({ name }) => adminClient().list<Run>(KINDS.workflowRun, { namespace: `org-${name}` })),
          )
        ).flatMap((list) => list.items);
        unfinished.clear();
        for (const run of runs.filter((candidate) => !isFinal(candidate.status?.phase)))
          unfinished.set(
            run.metadata?.name ?? '',
            `${run.status?.phase}: ${run.status?.conditions?.[0]?.message}`,
          );
        return runs.length === RUNS && unfinished.size === 0 ? runs : undefined;
      },
      300_000,
    ).catch((error: unknown) => {
      throw new Error(
        `${String(error)}; unfinished: ${JSON.stringify([...unfinished])}; ${alive().length} operators alive`,
      );
    });
    await watch.stop();
    expect(ended.filter((run) => run.status?.phase !== 'Succeeded').map((run) => run.metadata?.name)).toEqual(
      [],
    );
    for (const { name, limit } of orgs) {
      expect(watch.most.get(`org-${name}`), name).toBeLessThanOrEqual(limit);
      expect(watch.most.get(`org-${name}`), name).toBeGreaterThan(0);
      expect(await unitsCounted(name, 'workflows')).toBe(names.filter((run) => run.org === name).length);
    }
    for (const run of ended) {
      const org = run.metadata?.namespace?.slice('org-'.length) ?? '';
      const name = run.metadata?.name ?? '';
      const agentRun = run.status?.steps?.[0]?.result?.agentRun;
      expect(await unitsCounted(org, 'workflows', uids.get(name))).toBe(1);
      expect(await unitsCounted(org, 'agent_executions', `${agentRun?.id}:`)).toBe(
        (agentRun?.agents ?? 0) - (agentRun?.failures ?? 0),
      );
      expect(await auditActions(org, name)).toEqual([
        'workflow.started',
        'workflow.step.completed',
        'workflow.step.completed',
        'workflow.finished',
      ]);
    }
  }, 900_000);
});
