import { describe, expect, it } from 'vitest';
import { baselineOf, type Observed, regressions } from './workflowrun.monitor.ts';

const pod = (name: string, restarts: number, ready: boolean, owner = 'web-1') => ({
  metadata: {
    name,
    uid: `uid-${name}`,
    ownerReferences: [
      { apiVersion: 'apps/v1', uid: owner, kind: 'ReplicaSet', name: owner, controller: true },
    ],
  },
  status: {
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    containerStatuses: [{ restartCount: restarts }],
  },
});
const replicaSets = [
  {
    metadata: {
      name: 'web-1',
      ownerReferences: [
        { apiVersion: 'apps/v1', uid: 'web', kind: 'Deployment', name: 'web', controller: true },
      ],
    },
  },
  {
    metadata: {
      name: 'db-1',
      ownerReferences: [
        { apiVersion: 'apps/v1', uid: 'db', kind: 'Deployment', name: 'db', controller: true },
      ],
    },
  },
];
const warning = (uid: string, name: string, count = 1) => ({
  metadata: { uid },
  type: 'Warning',
  reason: 'BackOff',
  message: 'Back-off restarting failed container',
  count,
  involvedObject: { kind: 'Pod', name },
});
const world = (pods: Observed['pods'], events: Observed['events'] = []): Observed => ({
  pods,
  replicaSets,
  events,
});
const web = { kind: 'Deployment', name: 'web' };

describe('the monitor', () => {
  const start = world([pod('web-a', 0, true), pod('db-a', 3, false, 'db-1')], [warning('old', 'web-a')]);
  const baseline = baselineOf(start, web, '30s', '2026-01-01T00:00:30Z');

  it('records the watched workload’s pods and Warning Events at the start', () => {
    expect(baseline.pods).toEqual([{ uid: 'uid-web-a', name: 'web-a', restarts: 0, ready: true }]);
    expect(baseline.warningEvents).toEqual([{ uid: 'old', count: 1 }]);
    expect(baselineOf(start, undefined, '30s', '').pods).toHaveLength(2);
  });

  it('sees no regression in an unchanged world, nor in a pod that went away or another workload', () => {
    expect(regressions(baseline, start, web)).toEqual([]);
    expect(regressions(baseline, world([pod('db-a', 9, false, 'db-1')]), web)).toEqual([]);
  });

  it('fails on a restart, a pod turning unready, and a new or recurring Warning', () => {
    expect(regressions(baseline, world([pod('web-a', 1, true)]), web)).toEqual([
      'Pod web-a restarted (0 -> 1)',
    ]);
    expect(regressions(baseline, world([pod('web-a', 0, false)]), web)).toEqual(['Pod web-a turned unready']);
    expect(
      regressions(baseline, world([pod('web-a', 0, true)], [warning('old', 'web-a', 2)]), web),
    ).toHaveLength(1);
    expect(regressions(baseline, world([pod('web-a', 0, true)], [warning('new', 'web-a')]), web)[0]).toMatch(
      /^Warning BackOff on Pod\/web-a/,
    );
    expect(regressions(baseline, world([pod('web-a', 0, true)], [warning('new', 'db-a')]), web)).toEqual([]);
  });
});
