import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, snapshotOf } from '../testing/case.ts';
import { container, pod, podSpec } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { hostNamespacesCases } from './host-namespaces.cases.ts';
import { hostNamespaces } from './host-namespaces.ts';

const { now } = CASE_CLOCK;

describeCases(hostNamespaces, hostNamespacesCases);

describe('host-namespaces/host-port', () => {
  it('names each bound port in the evidence, defaulted ones with their container port', () => {
    const spec = podSpec({
      hostNetwork: true,
      containers: [
        container('app', { ports: [{ containerPort: 80 }, { containerPort: 443, hostPort: 443 }] }),
        container('metrics', { ports: [{ containerPort: 9090, hostPort: 0 }] }),
      ],
    });
    const finding = evaluate([hostNamespaces], snapshotOf([pod('edge', spec)]), { now }).findings.find(
      (f) => f.check === 'host-namespaces/host-port',
    );
    expect(finding?.evidence).toEqual({
      ports: [
        { container: 'app', containerPort: 80, hostPort: 80 },
        { container: 'app', containerPort: 443, hostPort: 443 },
      ],
    });
  });
});
