import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, type Listed, minutesAgo, snapshotOf } from '../testing/case.ts';
import { controllerChain, deployment, event, pod, replicaSet } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { eventsCases } from './events.cases.ts';
import { events } from './events.ts';

describeCases(events, eventsCases);

const run = (objects: readonly Listed[]) =>
  evaluate([events], snapshotOf(objects), { now: CASE_CLOCK.now }).findings;

describe('events/warning-events', () => {
  it('counts a Warning seen 59 minutes ago, not one seen 61 minutes ago', () => {
    const web = deployment('web');
    expect(run([web, event('e', web, { reason: 'X', minutes: 59 })])).toHaveLength(1);
    expect(run([web, event('e', web, { reason: 'X', minutes: 60 })])).toHaveLength(1);
    expect(run([web, event('e', web, { reason: 'X', minutes: 61 })])).toEqual([]);
  });

  it("gathers the Warnings of a Deployment's Pods and ReplicaSets on the Deployment, every reason once", () => {
    const [p, rs, d] = controllerChain(pod('web-1-a'), replicaSet('web-1'), deployment('web'));
    const findings = run([
      p,
      rs,
      d,
      event('a', p, { reason: 'BackOff', count: 4, minutes: 5 }),
      event('b', rs, { reason: 'FailedCreate', minutes: 20 }),
      event('c', p, { reason: 'BackOff', minutes: 90 }),
      event('d', d, { reason: 'ScalingReplicaSet', type: 'Normal' }),
      event('e', p, { reason: 'BackOff', count: 2, minutes: 1 }),
    ]);
    expect(findings.map((f) => [f.check, `${f.resource.kind}/${f.resource.name}`, f.message])).toEqual([
      [
        'events/warning-events',
        'Deployment/web',
        'Deployment web has 7 Warning events in the last 60 minutes: BackOff, FailedCreate.',
      ],
    ]);
    expect(findings[0]?.evidence).toEqual({
      reasons: ['BackOff', 'FailedCreate'],
      events: [
        { object: 'Pod web-1-a', reason: 'BackOff', message: 'BackOff', count: 2, lastSeen: minutesAgo(1) },
        { object: 'Pod web-1-a', reason: 'BackOff', message: 'BackOff', count: 4, lastSeen: minutesAgo(5) },
        {
          object: 'ReplicaSet web-1',
          reason: 'FailedCreate',
          message: 'FailedCreate',
          count: 1,
          lastSeen: minutesAgo(20),
        },
      ],
      unlisted: 0,
    });
  });

  it('reads events.k8s.io Events: eventTime and series, without lastTimestamp', () => {
    const web = deployment('web');
    const base = event('e', web, { reason: 'X', minutes: 300 });
    const modern: Listed = {
      ...base,
      firstTimestamp: undefined,
      lastTimestamp: undefined,
      count: undefined,
      eventTime: minutesAgo(300),
      series: { count: 9, lastObservedTime: minutesAgo(30) },
    };
    const [finding] = run([web, modern]);
    expect(finding?.evidence.events).toEqual([
      { object: 'Deployment web', reason: 'X', message: 'X', count: 9, lastSeen: minutesAgo(30) },
    ]);
    expect(run([web, { ...modern, series: undefined }])).toEqual([]);
  });

  it('reads the null the API serves for an unset timestamp, of either kind of recorder', () => {
    const web = deployment('web');
    const base = event('e', web, { reason: 'X', minutes: 5 });
    const old: Listed = { ...base, eventTime: null };
    const modern: Listed = {
      ...base,
      firstTimestamp: null,
      lastTimestamp: null,
      eventTime: minutesAgo(5),
      series: { count: 2, lastObservedTime: null },
    };
    expect(run([web, old]).map((f) => f.check)).toEqual(['events/warning-events']);
    expect(run([web, modern]).map((f) => f.check)).toEqual(['events/warning-events']);
    // The control: the same Events an hour older are not counted.
    const older: Listed = { ...modern, eventTime: minutesAgo(90) };
    expect(run([web, older])).toEqual([]);
  });

  it('lists the 20 most recent Events and counts the rest', () => {
    const web = deployment('web');
    const many = Array.from({ length: 25 }, (_, index) =>
      event(`e-${index}`, web, { reason: `R${index}`, minutes: 50 - index }),
    );
    const [finding] = run([web, ...many]);
    expect(finding?.message).toContain('has 25 Warning events');
    expect(finding?.evidence.unlisted).toBe(5);
    const listed = finding?.evidence.events;
    expect(Array.isArray(listed) ? listed.length : undefined).toBe(20);
    expect(finding?.evidence.reasons).toHaveLength(25);
  });
});
