import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, snapshotOf } from '../testing/case.ts';
import { podSpec, statefulSet } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { statefulsetConfigCases } from './statefulset-config.cases.ts';
import { statefulsetConfig } from './statefulset-config.ts';

describeCases(statefulsetConfig, statefulsetConfigCases);

describe('statefulset-config/storageclass-missing', () => {
  it('is skipped when StorageClasses are not readable, and names each template otherwise', () => {
    const db = statefulSet('db', podSpec(), {
      spec: {
        serviceName: '',
        volumeClaimTemplates: [
          { metadata: { name: 'data' }, spec: { storageClassName: 'fast' } },
          { metadata: { name: 'logs' }, spec: { storageClassName: 'fast' } },
        ],
      },
    });
    const unreadable = evaluate([statefulsetConfig], snapshotOf([db], { storageClasses: undefined }), {
      now: CASE_CLOCK.now,
    });
    expect(unreadable.findings).toEqual([]);
    expect(unreadable.skipped.map((s) => s.check)).toEqual(['statefulset-config/storageclass-missing']);
    const [finding] = evaluate([statefulsetConfig], snapshotOf([db]), { now: CASE_CLOCK.now }).findings;
    expect(finding?.evidence).toEqual({
      claimTemplates: [
        { claimTemplate: 'data', storageClassName: 'fast' },
        { claimTemplate: 'logs', storageClassName: 'fast' },
      ],
    });
  });
});
