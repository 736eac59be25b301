import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, type Listed, snapshotOf } from '../testing/case.ts';
import { claim, controllerChain, pod, podSpec, storageClass } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { storageCases } from './storage.cases.ts';
import { storage } from './storage.ts';

describeCases(storage, storageCases);

const MINUTE = 60_000;
const checks = (objects: readonly Listed[], cluster: Parameters<typeof snapshotOf>[1] = {}) =>
  evaluate([storage], snapshotOf(objects, cluster), { now: CASE_CLOCK.now }).findings.map(
    (f) => `${f.check} ${f.resource.name}`,
  );

describe('storage/pvc-pending', () => {
  const pendingFor = (minutes: number, name = 'data') => {
    const pending = claim(name, { storageClassName: '' }, { phase: 'Pending' });
    return { ...pending, metadata: { name, creationTimestamp: new Date(CASE_CLOCK.now - minutes * MINUTE) } };
  };
  const user = pod(
    'app',
    podSpec({ volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] }),
  );

  it('fires after more than 5 minutes Pending: 6, not 4 (nor 5)', () => {
    expect(checks([pendingFor(6), user])).toEqual(['storage/pvc-pending data']);
    expect(checks([pendingFor(5), user])).toEqual([]);
    expect(checks([pendingFor(4), user])).toEqual([]);
  });

  it('counts the Pod that owns a generic ephemeral claim as its consumer', () => {
    const [scratch, owner] = controllerChain(
      { ...pendingFor(6), metadata: { name: 'app-scratch' } },
      pod('app'),
    );
    const stamped = {
      ...scratch,
      metadata: { ...scratch.metadata, creationTimestamp: new Date(CASE_CLOCK.now - 6 * MINUTE) },
    };
    expect(checks([stamped, owner])).toEqual(['storage/pvc-pending app-scratch']);
  });
});

describe('storage on StorageClasses', () => {
  it('skips the StorageClass checks when they are not readable', () => {
    const objects = [claim('data', { storageClassName: 'fast' })];
    expect(checks(objects)).toEqual(['storage/pvc-storageclass-missing data']);
    expect(checks(objects, { storageClasses: [storageClass('fast')] })).toEqual([]);
    const skipped = evaluate([storage], snapshotOf(objects, { storageClasses: undefined }), {
      now: CASE_CLOCK.now,
    });
    expect(skipped.findings).toEqual([]);
    expect(skipped.skipped.map((s) => s.check)).toEqual([
      'storage/pvc-storageclass-missing',
      'storage/multiple-default-storageclasses',
    ]);
  });

  it('reports default classes only when there are two or more, cluster-scoped', () => {
    const byDefault = (name: string) =>
      storageClass(name, { 'storageclass.kubernetes.io/is-default-class': 'true' });
    expect(checks([byDefault('a')])).toEqual([]);
    const [finding] = evaluate([storage], snapshotOf([byDefault('a'), byDefault('b')]), {
      now: CASE_CLOCK.now,
    }).findings;
    expect(finding?.resource).toEqual({ kind: 'StorageClass', namespace: null, name: 'a' });
    expect(finding?.evidence).toEqual({ defaults: ['a', 'b'] });
  });
});
