// The setup every operator suite shares, registered once with vitest: Guardian's manifests, the
// operator's RBAC in a namespace of the suite's own, the operator started as that ServiceAccount
// and ready, the suite's organizations Ready; afterwards the organizations deleted while the
// operator still runs (it holds them by a finalizer until it drops their databases), the operator
// stopped and its namespace deleted. Suites run at once, each with its own operator: each operator
// selects its suite's organizations by the label `guardian.aiops.dev/test-suite=<suite>`
// (--organization-selector), so no operator reconciles another suite's. Hooks a suite registers
// after this one run inside it (vitest runs beforeAll hooks in order, afterAll hooks in reverse).

import type { Organization, OrganizationSpec } from '@guardian/crds/generated';
import { afterAll, beforeAll } from 'vitest';
import { migrate } from '../../platform/src/db.ts';
import { freePort } from '../../scripts/stack/process.ts';
import { eventually, uniqueName } from './kube.ts';
import {
  applyGuardianManifests,
  operatorKubeconfig,
  type RunningOperator,
  startOperator,
} from './operator.ts';
import { encryptionKey, quotaPolicy } from './platform.ts';
import { stackEnv } from './stack.ts';
import {
  apply,
  coreApi,
  deleteOrganizations,
  organizationReady,
  organization as unlabelledOrganization,
} from './tenancy.ts';

export const SUITE_LABEL = 'guardian.aiops.dev/test-suite';

/** The selector of a suite's operator: its own organizations (and plans, for their counts). */
export const suiteSelector = (suite: string) => `${SUITE_LABEL}=${suite}`;

/** Starts `guardian operator` selecting `selector`, and waits until it is ready. */
export async function startSuiteOperator(options: {
  kubeconfig: string;
  namespace: string;
  selector: string;
  env?: NodeJS.ProcessEnv;
}): Promise<RunningOperator> {
  // The operator appends to the organizations' audit chains in the platform database.
  await migrate(stackEnv('DATABASE_ADMIN_URL'), stackEnv('DATABASE_URL'));
  const operator = await startOperator({
    kubeconfig: options.kubeconfig,
    namespace: options.namespace,
    port: await freePort(),
    env: {
      OPERATOR_ORGANIZATION_SELECTOR: options.selector,
      DATABASE_URL: stackEnv('DATABASE_URL'),
      GUARDIAN_ENCRYPTION_KEY: encryptionKey(),
      ...options.env,
    },
  });
  await eventually('the operator to be ready', async () => {
    if (operator.process.exitCode !== null) throw new Error(`operator exited: ${operator.logs.join('')}`);
    return (await operator.probe('/readyz')).status === 200;
  });
  return operator;
}

export interface OperatorSuiteOptions {
  /** The suite's name: the value of its organizations' `guardian.aiops.dev/test-suite` label. */
  suite: string;
  /** Another selector for the operator than the suite's label (the suite's organizations keep it). */
  selector?: string;
  /** More settings of the operator (environment variables; `undefined` leaves one of the stack's out). */
  env?: NodeJS.ProcessEnv;
  /** Organizations applied (with the suite's label) and Ready before the tests, deleted after them. */
  organizations?: Organization[];
}

export interface OperatorSuite {
  /** The operator's namespace, where its ServiceAccount and Lease live. */
  readonly namespace: string;
  /** The operator's username, as the audit log names it. */
  readonly account: string;
  /** The suite's label, for plans it wants counted. */
  readonly labels: Record<string, string>;
  readonly operator: RunningOperator;
  /** An Organization of this suite (labelled for its operator); re-apply it with this too. */
  organization(name: string, spec?: Partial<OrganizationSpec>): Organization;
  /** Organizations the suite made during its tests, to delete afterwards. */
  track(...names: string[]): void;
  /** Reconciles of `controller` so far, every result together (from /metrics). */
  reconciles(controller: string): Promise<number>;
}

export function operatorSuite(options: OperatorSuiteOptions): OperatorSuite {
  const namespace = uniqueName(`it-${options.suite}-op`);
  const labels = { [SUITE_LABEL]: options.suite };
  const labelled = (org: Organization): Organization => ({
    ...org,
    metadata: { ...org.metadata, labels: { ...org.metadata?.labels, ...labels } },
  });
  const tracked = new Set<string>((options.organizations ?? []).map((org) => org.metadata?.name ?? ''));
  let running: RunningOperator | undefined;
  const started = () => {
    if (!running) throw new Error('The operator is started in beforeAll');
    return running;
  };

  beforeAll(async () => {
    await applyGuardianManifests();
    running = await startSuiteOperator({
      kubeconfig: await operatorKubeconfig(namespace),
      namespace,
      selector: options.selector ?? suiteSelector(options.suite),
      env: options.env,
    });
    for (const org of options.organizations ?? []) await apply(labelled(org));
    await Promise.all(
      (options.organizations ?? []).map((org) => organizationReady(org.metadata?.name ?? '')),
    );
  });
  afterAll(async () => {
    if (tracked.size > 0) await deleteOrganizations(...tracked);
    await running?.stop();
    await coreApi.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  return {
    namespace,
    account: `system:serviceaccount:${namespace}:guardian-operator`,
    labels,
    get operator() {
      return started();
    },
    organization: (name, spec = {}) => labelled(unlabelledOrganization(name, spec)),
    track(...names) {
      for (const name of names) tracked.add(name);
    },
    async reconciles(controller) {
      const metrics = (await started().probe('/metrics')).body;
      const pattern = new RegExp(
        `guardian_reconcile_total\\{controller="${controller}",result="[a-z]+"\\} (\\d+)`,
        'g',
      );
      return [...metrics.matchAll(pattern)].reduce((sum, match) => sum + Number(match[1]), 0);
    },
  };
}

/** A short Lease, so a standby takes over within seconds of a kill. */
const SHORT_LEASE = {
  LEADER_ELECT_LEASE_DURATION_SECONDS: '2',
  LEADER_ELECT_RENEW_DEADLINE_SECONDS: '1.5',
  LEADER_ELECT_RETRY_PERIOD_SECONDS: '0.25',
};

export interface CrashingOperatorSuite extends OperatorSuite {
  /**
   * Waits until `dying` (default: the suite's operator) was killed by its failpoint, then starts a
   * standby, which dies at `next` if given; standbys stop after the suite's organizations are gone.
   */
  takeOver(options?: { dying?: RunningOperator; next?: string }): Promise<RunningOperator>;
}

/**
 * An operator suite whose operator runs with a short Lease and dies (SIGKILL) at `failpoint`, with
 * the organization `org` (environment staging, on a plan of two concurrent workflows) Ready first.
 */
export function crashingOperatorSuite(suite: string, failpoint: string, org: string): CrashingOperatorSuite {
  const standbys: RunningOperator[] = [];
  // Registered before the suite's hooks, so it runs after them: a standby still runs while the
  // suite deletes its organizations (the operator holds them by a finalizer until their databases go).
  afterAll(async () => {
    for (const standby of standbys) await standby.stop();
  });
  const operator = operatorSuite({ suite, env: { ...SHORT_LEASE, GUARDIAN_FAILPOINT: failpoint } });
  beforeAll(async () => {
    const plan = `${org}-plan`;
    await apply({
      ...quotaPolicy(plan, { displayName: plan, concurrentWorkflows: 2 }),
      metadata: { name: plan, labels: operator.labels },
    });
    await apply(operator.organization(org, { plan, environments: ['staging'] }));
    operator.track(org);
    await organizationReady(org, 'True', 120_000);
  }, 180_000);
  return Object.assign(operator, {
    async takeOver(options: { dying?: RunningOperator; next?: string } = {}) {
      const dying = options.dying ?? operator.operator;
      await eventually(
        'the operator to be killed by its failpoint',
        async () => dying.process.signalCode === 'SIGKILL',
        120_000,
      );
      const standby = await startSuiteOperator({
        kubeconfig: await operatorKubeconfig(operator.namespace),
        namespace: operator.namespace,
        selector: suiteSelector(suite),
        env: { ...SHORT_LEASE, ...(options.next ? { GUARDIAN_FAILPOINT: options.next } : {}) },
      });
      standbys.push(standby);
      return standby;
    },
  });
}
