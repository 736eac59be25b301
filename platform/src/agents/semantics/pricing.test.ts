import type { V1PodSpec } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Stored } from '../kinds.ts';
import { defaultAgentSettings } from '../settings.ts';
import { cents, claimPrice, podPrice } from './pricing.ts';
import { containerDefaults, NO_DEFAULTS } from './resources.ts';

const { prices } = defaultAgentSettings;

describe('podPrice', () => {
  it('sums the requests of running containers, native sidecars included, init containers not', () => {
    const spec: V1PodSpec = {
      initContainers: [
        { name: 'migrate', resources: { requests: { cpu: '4', memory: '4Gi' } } },
        { name: 'proxy', restartPolicy: 'Always', resources: { requests: { cpu: '500m', memory: '512Mi' } } },
      ],
      containers: [{ name: 'app', resources: { requests: { cpu: '1500m', memory: '1536Mi' } } }],
    };
    expect(podPrice(spec, NO_DEFAULTS, prices)).toEqual({
      cpuCores: 2,
      memoryGiB: 2,
      monthly: 2 * 23 + 2 * 3,
      unpriced: [],
    });
  });

  it('prices a missing request at 0 and names the container once', () => {
    const spec: V1PodSpec = {
      containers: [{ name: 'app', resources: { requests: { cpu: '1' } } }, { name: 'bare' }],
    };
    const price = podPrice(spec, NO_DEFAULTS, prices);
    expect(price).toMatchObject({ cpuCores: 1, memoryGiB: 0, monthly: 23 });
    expect(price.unpriced.map((container) => container.name)).toEqual(['app', 'bare']);
  });

  it('takes requests from limits and from the LimitRange', () => {
    const spec: V1PodSpec = { containers: [{ name: 'app', resources: { limits: { cpu: '2' } } }] };
    const defaults = containerDefaults([
      { spec: { limits: [{ type: 'Container', defaultRequest: { memory: '1Gi' } }] } },
    ]);
    expect(podPrice(spec, defaults, prices)).toMatchObject({ cpuCores: 2, memoryGiB: 1, unpriced: [] });
  });

  it('prices a pod-level request instead of the containers', () => {
    const spec: V1PodSpec = {
      resources: { requests: { cpu: '3', memory: '2Gi' } },
      containers: [{ name: 'app' }, { name: 'helper', resources: { requests: { cpu: '1' } } }],
    };
    expect(podPrice(spec, NO_DEFAULTS, prices)).toEqual({
      cpuCores: 3,
      memoryGiB: 2,
      monthly: 75,
      unpriced: [],
    });
  });
});

describe('claimPrice', () => {
  it('prices the requested storage per GiB', () => {
    const claim: Stored<'PersistentVolumeClaim'> = {
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data' },
      spec: { resources: { requests: { storage: '20Gi' } } },
    };
    expect(claimPrice(claim, prices)).toEqual({ gib: 20, monthly: 2 });
  });
});

describe('cents', () => {
  it('rounds to cents, so 0.1 + 0.2 compares as 0.3', () => {
    expect(cents(0.1 + 0.2)).toBe(0.3);
    expect(cents(49.999)).toBe(50);
  });
});
