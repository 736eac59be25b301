import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, snapshotOf } from '../testing/case.ts';
import { container, deployment, podSpec } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { linuxCapabilitiesCases } from './linux-capabilities.cases.ts';
import { linuxCapabilities } from './linux-capabilities.ts';

describeCases(linuxCapabilities, linuxCapabilitiesCases);

describe('linux-capabilities findings', () => {
  it('name the capabilities each container adds, as written', () => {
    const spec = podSpec({
      containers: [
        container('app', {
          securityContext: { capabilities: { add: ['CAP_SYS_PTRACE', 'CHOWN', 'SYS_TIME'] } },
        }),
        container('proxy', { securityContext: { capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] } } }),
      ],
    });
    const findings = evaluate([linuxCapabilities], snapshotOf([deployment('debug', spec)]), {
      now: CASE_CLOCK.now,
    }).findings;
    const evidence = (check: string) =>
      findings.find((f) => f.check === `linux-capabilities/${check}`)?.evidence;
    expect(evidence('dangerous-added')).toEqual({
      added: [
        { container: 'app', capabilities: ['CAP_SYS_PTRACE'] },
        { container: 'proxy', capabilities: ['NET_ADMIN'] },
      ],
    });
    expect(evidence('added-beyond-baseline')).toEqual({
      added: [
        { container: 'app', capabilities: ['CAP_SYS_PTRACE', 'SYS_TIME'] },
        { container: 'proxy', capabilities: ['NET_ADMIN'] },
      ],
    });
    expect(evidence('drop-all-missing')).toEqual({ containers: ['app'] });
  });
});
