// What the workflow benchmarks share (bench/approvals.ts, bench/workflows.ts): the bench stack
// (.stack/bench), Guardian's manifests, an operator (`guardian operator` as a process of its own,
// as it is installed; or, for a bench with templates of its own, built in this process with them),
// one organization of the bench's own on a plan of its choosing, a watch of its runs that
// timestamps every change as this process sees it, and the baseline: a bare watch round trip (a
// ConfigMap written, then seen by an informer) on the same apiserver in the same run, on an idle
// stack or under the load of the bench's runs.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowRun } from '@guardian/crds/generated';
import { KINDS } from '@guardian/crds/kinds';
import { Informer } from '@guardian/kube/informer';
import { core, type KubeObject } from '@guardian/kube/resources';
import type { TemplateCatalog } from '@guardian/platform/workflows';
import { pino } from 'pino';
import { up } from '../scripts/stack/index.ts';
import { Stack } from '../scripts/stack/stack.ts';

const stack = new Stack(resolve(import.meta.dirname, '../.stack/bench'), true);
Object.assign(process.env, await up(stack));
// Imported after the stack's environment is in place: the test support reads it.
const { adminClient, eventually, uniqueName } = await import('../test/support/kube.ts');
const { applyGuardianManifests, operatorKubeconfig, startOperatorInProcess } = await import(
  '../test/support/operator.ts'
);
const { SUITE_LABEL, startSuiteOperator, suiteSelector } = await import('../test/support/operator-suite.ts');
const { quotaPolicy } = await import('../test/support/platform.ts');
const { apply, coreApi, deleteOrganizations, organization, organizationReady } = await import(
  '../test/support/tenancy.ts'
);
const { migratePlatformDatabase } = await import('../test/support/workflows.ts');

export type Run = WorkflowRun & KubeObject;
export { adminClient, eventually, uniqueName };

export interface WorkflowBench {
  org: string;
  namespace: string;
  /** Processes to account CPU to (pid → name): this one, the operator's own, the apiserver, etcd, Postgres. */
  processes: Record<number, string>;
  /** The bench's runs as this process last saw them, and when it saw each change (performance.now()). */
  runs: Informer<Run>;
  onRun(handler: (run: Run, seenAt: number) => void): void;
  /** Writes a run as kubectl would (the operator drives it). */
  start(name: string, spec: Partial<WorkflowRun['spec']>): Promise<void>;
  /** Bare watch round trips: a ConfigMap written, then seen by an informer; `count` of them, in ms. */
  watchRoundTrips(count: number): Promise<number[]>;
  /**
   * Bare watch round trips until `work` settles, one every `everyMs` at most (samples of the load,
   * not a load of their own): the baseline under the load `work` makes.
   */
  watchRoundTripsDuring(work: Promise<unknown>, everyMs?: number): Promise<number[]>;
  stop(): Promise<void>;
}

/**
 * Brings up the bench's organization (plan `limits`) and its operator: `guardian operator` in a
 * process of its own with the built-in templates, or, given `templates`, one built in this process
 * with them (its work then shares this process's event loop with the bench's watches).
 */
export async function workflowBench(
  name: string,
  limits: Record<string, unknown>,
  templates?: TemplateCatalog,
): Promise<WorkflowBench> {
  const suite = uniqueName(`bench-${name}`);
  const labels = { [SUITE_LABEL]: suite };
  const org = uniqueName('bench');
  const namespace = `org-${org}`;
  const planName = uniqueName('bench-plan');
  const operatorNamespace = uniqueName('bench-op');
  await migratePlatformDatabase();
  await applyGuardianManifests();
  const settings = { OPERATOR_WORKERS: '8' };
  const operator = templates
    ? await startOperatorInProcess({
        namespace: operatorNamespace,
        selector: suiteSelector(suite),
        templates,
        env: settings,
      })
    : await startSuiteOperator({
        kubeconfig: await operatorKubeconfig(operatorNamespace),
        namespace: operatorNamespace,
        selector: suiteSelector(suite),
        env: settings,
      });
  // However the bench ends, an operator of its own must not outlive it.
  if ('process' in operator) process.on('exit', () => operator.process.kill('SIGKILL'));
  await apply({
    ...quotaPolicy(planName, { displayName: planName, features: { sso: false }, ...limits }),
    metadata: { name: planName, labels },
  });
  const base = organization(org, { plan: planName, environments: ['staging', 'production'] });
  await apply({ ...base, metadata: { ...base.metadata, labels } });
  await organizationReady(org, 'True', 180_000);

  const kube = adminClient();
  const log = pino({ level: 'silent' });
  const runs = new Informer<Run>(kube, KINDS.workflowRun, log);
  const handlers: Array<(run: Run, seenAt: number) => void> = [];
  runs.onChange((run, change) => {
    if (change === 'delete' || run.metadata?.namespace !== namespace) return;
    const seenAt = performance.now();
    for (const handler of handlers) handler(run, seenAt);
  });
  runs.start();
  await eventually('the runs informer to sync', async () => runs.hasSynced);

  const scratch = uniqueName('bench-watch');
  await kube.apply(
    core.namespace,
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: scratch } } as KubeObject,
    {
      fieldManager: 'bench',
    },
  );
  const configMaps = new Informer<KubeObject>(kube, core.configMap, log);
  const seen = new Map<string, () => void>();
  configMaps.onChange((object) => {
    if (object.metadata?.namespace === scratch) seen.get(object.metadata?.name ?? '')?.();
  });
  configMaps.start();
  await eventually('the ConfigMap informer to sync', async () => configMaps.hasSynced);

  // Each round trip writes a ConfigMap of its own (a write that changes nothing would not be seen).
  let sequence = 0;
  const roundTrip = async (): Promise<number> => {
    const cm = `rt-${sequence++}`;
    const started = performance.now();
    const arrived = new Promise<void>((done) => seen.set(cm, done));
    await kube.apply(
      core.configMap,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: cm, namespace: scratch } } as KubeObject,
      { fieldManager: 'bench' },
    );
    await arrived;
    seen.delete(cm);
    return performance.now() - started;
  };

  const pidOf = (name: string) => Number(readFileSync(stack.path('run', `${name}.pid`), 'utf8'));
  const processes: Record<number, string> = {
    [process.pid]: 'bench',
    ...('process' in operator ? { [operator.process.pid ?? 0]: 'operator' } : {}),
    // Named apart from the same programs of other stacks on the machine (counted by command name).
    ...Object.fromEntries(['kube-apiserver', 'etcd', 'pg1', 'pg2'].map((p) => [pidOf(p), `stack ${p}`])),
  };

  return {
    org,
    namespace,
    processes,
    runs,
    onRun: (handler) => handlers.push(handler),
    async start(runName, spec) {
      await apply({
        apiVersion: KINDS.workflowRun.apiVersion,
        kind: KINDS.workflowRun.kind,
        metadata: { name: runName, namespace },
        spec: { template: 'deployment_health_check', environment: 'staging', requestedBy: 'bench', ...spec },
      });
    },
    async watchRoundTrips(count) {
      const samples: number[] = [];
      for (let i = 0; i < count; i++) samples.push(await roundTrip());
      return samples;
    },
    async watchRoundTripsDuring(work, everyMs = 100) {
      let over = false;
      const settled = work.finally(() => {
        over = true;
      });
      const samples: number[] = [];
      while (!over) {
        const started = performance.now();
        samples.push(await roundTrip());
        await sleep(Math.max(0, everyMs - (performance.now() - started)));
      }
      await settled;
      return samples;
    },
    async stop() {
      runs.stop();
      configMaps.stop();
      await deleteOrganizations(org);
      await operator.stop();
      await kube.delete(core.namespace, scratch).catch(() => undefined);
      await coreApi.deleteNamespace({ name: operatorNamespace }).catch(() => undefined);
    },
  };
}
