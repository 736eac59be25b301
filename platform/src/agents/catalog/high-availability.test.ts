import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, snapshotOf } from '../testing/case.ts';
import { deployment, podSpec, service } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { highAvailabilityCases } from './high-availability.cases.ts';
import { highAvailability } from './high-availability.ts';

describeCases(highAvailability, highAvailabilityCases);

describe('high-availability', () => {
  it('does not count ExternalName Services, and suggests a PDB over the template labels', () => {
    const web = deployment('web', podSpec(), { spec: { replicas: 2 } });
    const objects = [
      deployment('api', podSpec(), { spec: { replicas: 1 } }),
      service('api', { app: 'api' }, { type: 'ExternalName', externalName: 'api.example.com' }),
      web,
    ];
    const findings = evaluate([highAvailability], snapshotOf(objects), { now: CASE_CLOCK.now }).findings;
    expect(findings.map((f) => `${f.check} ${f.resource.name}`)).toEqual([
      'high-availability/missing-pdb web',
      'high-availability/no-spread web',
    ]);
    expect(findings[0]?.remediation).toBe(
      [
        'Add a PodDisruptionBudget that selects its Pods:',
        'apiVersion: policy/v1',
        'kind: PodDisruptionBudget',
        'metadata:',
        '  name: web',
        'spec:',
        '  maxUnavailable: 1',
        '  selector:',
        '    matchLabels:',
        '      app: web',
      ].join('\n'),
    );
  });
});
