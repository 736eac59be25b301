import type { V1PodSpec } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { allContainers, regularContainers, runningContainers } from './containers.ts';

const podSpec: V1PodSpec = {
  initContainers: [{ name: 'migrate' }, { name: 'proxy', restartPolicy: 'Always' }],
  containers: [{ name: 'app' }, { name: 'metrics' }],
};
const names = (containers: readonly { name: string }[]) => containers.map((container) => container.name);

describe('container sets', () => {
  it('all: init, regular and the ephemeral containers of live Pods', () => {
    const ephemeralContainers = [{ name: 'debugger' }];
    expect(names(allContainers({ podSpec, ephemeralContainers }))).toEqual([
      'migrate',
      'proxy',
      'app',
      'metrics',
      'debugger',
    ]);
  });

  it('running: regular containers and native sidecars, not run-to-completion init containers', () => {
    expect(names(runningContainers(podSpec))).toEqual(['proxy', 'app', 'metrics']);
  });

  it('regular: containers only', () => {
    expect(names(regularContainers(podSpec))).toEqual(['app', 'metrics']);
  });
});
