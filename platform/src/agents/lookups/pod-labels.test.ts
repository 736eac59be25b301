import { describe, expect, it } from 'vitest';
import { mapSelectorMatches } from '../semantics/selectors.ts';
import { type KubeManifest, snapshotOf } from '../testing/case.ts';
import { deployment, pod } from '../testing/manifests.ts';
import type { Workload } from '../workloads.ts';
import { podsMatching } from './pod-labels.ts';

const labelled = <T extends KubeManifest>(object: T, labels: Record<string, string>): T => ({
  ...object,
  metadata: { ...object.metadata, labels },
});
const names = (objects: readonly { metadata: { name: string } }[]) => objects.map((o) => o.metadata.name);
const workloadNames = (workloads: readonly Workload[]) => names(workloads.map((w) => w.object));

describe('podsMatching', () => {
  // Pods of three label sets, interleaved: a selector over several sets answers in snapshot order.
  const snapshot = snapshotOf([
    deployment('web'),
    deployment('api'),
    labelled(pod('p1'), { tier: 'front', app: 'web' }),
    labelled(pod('p2'), { tier: 'back', app: 'api' }),
    labelled(pod('p3'), { tier: 'front', app: 'web' }),
    labelled(pod('p4'), { tier: 'front', app: 'shop' }),
    labelled(pod('p5'), { tier: 'back', app: 'api' }),
  ]);

  it('answers the workloads and Pods of every matching set, in snapshot order', () => {
    const front = podsMatching(snapshot, (labels) => labels.tier === 'front');
    expect(names(front.pods)).toEqual(['p1', 'p3', 'p4']);
    const any = podsMatching(snapshot, () => true);
    // Bare Pods are workloads too (AGENTS.md §0.3).
    expect(workloadNames(any.workloads)).toEqual(['web', 'api', 'p1', 'p2', 'p3', 'p4', 'p5']);
    expect(names(any.pods)).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    expect(podsMatching(snapshot, () => false)).toEqual({ workloads: [], pods: [] });
  });

  it('answers the same when told the labels every match carries (a map selector)', () => {
    const selectors: Record<string, string>[] = [
      { tier: 'front' },
      { app: 'web' },
      { tier: 'back', app: 'api' },
      { app: 'none' },
    ];
    for (const selector of selectors) {
      const matches = (labels: Record<string, string>) => mapSelectorMatches(selector, labels);
      const narrowed = podsMatching(snapshot, matches, selector);
      expect(narrowed).toEqual(podsMatching(snapshot, matches));
    }
    const web = podsMatching(snapshot, (labels) => mapSelectorMatches({ app: 'web' }, labels), {
      app: 'web',
    });
    expect([workloadNames(web.workloads), names(web.pods)]).toEqual([
      ['web', 'p1', 'p3'],
      ['p1', 'p3'],
    ]);
  });
});
