import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, snapshotOf } from '../testing/case.ts';
import { container, deployment, podSpec } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { danglingReferencesCases } from './dangling-references.cases.ts';
import { danglingReferences } from './dangling-references.ts';

describeCases(danglingReferences, danglingReferencesCases);

describe('dangling-references', () => {
  it('names each missing object once, and every place that references it', () => {
    const spec = podSpec({
      initContainers: [container('setup', { envFrom: [{ secretRef: { name: 'db' } }] })],
      containers: [
        container('app', { env: [{ name: 'DB', valueFrom: { secretKeyRef: { name: 'db', key: 'url' } } }] }),
      ],
      volumes: [{ name: 'creds', secret: { secretName: 'db' } }],
      imagePullSecrets: [{ name: 'db' }],
    });
    const findings = evaluate([danglingReferences], snapshotOf([deployment('web', spec)]), {
      now: CASE_CLOCK.now,
    }).findings;
    expect(findings.map((f) => [f.check, f.message, f.evidence])).toEqual([
      [
        'dangling-references/missing-secret',
        'Deployment web references Secrets that do not exist: db.',
        {
          references: [
            { name: 'db', at: 'volume creds' },
            { name: 'db', at: 'container setup envFrom' },
            { name: 'db', at: 'container app env DB' },
          ],
        },
      ],
      [
        'dangling-references/missing-image-pull-secret',
        'Deployment web references image pull Secrets that do not exist: db.',
        { references: [{ name: 'db', at: 'imagePullSecrets' }] },
      ],
    ]);
  });
});
