// A freed concurrency slot goes to the next Pending run of the organization at once: `guardian
// operator`, with a resync far longer than the test, drives a run holding the plan's only slot and
// three waiting behind it; each cancel of the holder brings the next in line to Running, first come
// first served, so nothing but the run's end can have started it. Meanwhile the runs still waiting
// keep their status as they first wrote it, even when every run of the organization is reconciled
// again (an Organization change): a waiting run that rewrote its place in line on each start would
// flood the work queue ahead of the run whose turn it is (bench/workflows.ts).

import { REASONS } from '@guardian/platform/workflows';
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../support/kube.ts';
import { operatorSuite } from '../support/operator-suite.ts';
import { quotaPolicy } from '../support/platform.ts';
import { apply, condition, organizationReady } from '../support/tenancy.ts';
import {
  migratePlatformDatabase,
  readRun,
  runEnded,
  runWhere,
  startRun,
  workflowRun,
} from '../support/workflows.ts';

const org = uniqueName('wfr-handoff');
const plan = uniqueName('wfr-handoff-plan');
/** Runs that hold their slot until they are cancelled. */
const LONG = { parameters: { window: '10m' } };

beforeAll(migratePlatformDatabase);
// An hour's resync: within the test, only an event (a run's end) can start the next run.
const operator = operatorSuite({ suite: 'workflowrun-handoff', env: { OPERATOR_RESYNC_SECONDS: '3600' } });

describe('a freed workflow slot', () => {
  beforeAll(async () => {
    await apply({
      ...quotaPolicy(plan, { displayName: plan, concurrentWorkflows: 1 }),
      metadata: { name: plan, labels: operator.labels },
    });
    await apply(operator.organization(org, { plan, environments: ['staging'] }));
    operator.track(org);
    await organizationReady(org, 'True', 120_000);
  }, 180_000);

  it('starts the next Pending run when a run ends, and leaves the runs still waiting as they were', async () => {
    let holder = uniqueName('wf-hold');
    await startRun(org, holder, LONG);
    await runWhere(org, holder, 'Running', (run) => run.status?.phase === 'Running');
    // One base name: runs created within the same second queue by name.
    const base = uniqueName('wf-next');
    const waiting = [`${base}-1`, `${base}-2`, `${base}-3`];
    const waitedAs = new Map<string, string | undefined>();
    for (const name of waiting) {
      await startRun(org, name, LONG);
      const run = await runWhere(
        org,
        name,
        'waiting for a slot',
        (r) => condition(r as never, 'Ready')?.reason === REASONS.waitingForSlot,
      );
      expect(run.status?.phase).toBe('Pending');
      waitedAs.set(name, run.metadata?.resourceVersion);
    }

    for (const [i, next] of waiting.entries()) {
      await apply(workflowRun(org, holder, { ...LONG, cancelRequested: true }));
      expect((await runEnded(org, holder)).status?.phase).toBe('Cancelled');
      await runWhere(org, next, 'Running', (run) => run.status?.phase === 'Running');
      for (const later of waiting.slice(i + 1)) {
        const run = await readRun(org, later);
        expect(run.status?.phase).toBe('Pending');
        expect(run.metadata?.resourceVersion).toBe(waitedAs.get(later));
      }
      // Every run of the organization reconciled again: those waiting have nothing new to write.
      const labelled = operator.organization(org, { plan, environments: ['staging'] });
      await apply({ ...labelled, metadata: { ...labelled.metadata, annotations: { 'test/poke': `${i}` } } });
      holder = next;
    }
    await apply(workflowRun(org, holder, { ...LONG, cancelRequested: true }));
    expect((await runEnded(org, holder)).status?.phase).toBe('Cancelled');
  }, 300_000);
});
