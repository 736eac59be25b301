import type { V1Container, V1PodSpec } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { LimitRange } from '../kinds.ts';
import {
  containerDefaults,
  containersLacking,
  effectiveResource,
  NO_DEFAULTS,
  podLevelResource,
  podRequest,
} from './resources.ts';

const limitRange = (...limits: NonNullable<LimitRange['spec']>['limits']): LimitRange => ({
  spec: { limits },
});
const names = (containers: readonly V1Container[]) => containers.map((container) => container.name);

describe('containerDefaults', () => {
  it('reads default and defaultRequest of Container items only', () => {
    const defaults = containerDefaults([
      limitRange(
        { type: 'Pod', max: { cpu: '8' } },
        { type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '100m', memory: '64Mi' } },
      ),
    ]);
    expect(defaults).toEqual({ limit: { cpu: '500m' }, request: { cpu: '100m', memory: '64Mi' } });
  });

  it('defaults an item as the API stores it: default from max, defaultRequest from default, then min', () => {
    const defaults = containerDefaults([
      limitRange({
        type: 'Container',
        max: { cpu: '2', memory: '1Gi' },
        min: { memory: '16Mi', storage: '1Gi' },
      }),
    ]);
    expect(defaults).toEqual({
      limit: { cpu: '2', memory: '1Gi' },
      request: { cpu: '2', memory: '1Gi', storage: '1Gi' },
    });
  });

  it('keeps the first value of a resource across LimitRanges', () => {
    const defaults = containerDefaults([
      limitRange({ type: 'Container', default: { cpu: '1' } }),
      limitRange({ type: 'Container', default: { cpu: '2', memory: '1Gi' } }),
    ]);
    expect(defaults.limit).toEqual({ cpu: '1', memory: '1Gi' });
  });
});

describe('effectiveResource', () => {
  const defaults = containerDefaults([
    limitRange({ type: 'Container', default: { cpu: '1' }, defaultRequest: { cpu: '250m' } }),
  ]);

  it('takes the container values first', () => {
    const container = { name: 'a', resources: { requests: { cpu: '100m' }, limits: { cpu: '200m' } } };
    expect(effectiveResource(container, 'cpu', defaults)).toEqual({ request: '100m', limit: '200m' });
  });

  it('defaults the request to the container limit before the LimitRange', () => {
    const container = { name: 'a', resources: { limits: { cpu: '2' } } };
    expect(effectiveResource(container, 'cpu', defaults)).toEqual({ request: '2', limit: '2' });
  });

  it('falls back to the LimitRange, and is unset without one', () => {
    expect(effectiveResource({ name: 'a' }, 'cpu', defaults)).toEqual({ request: '250m', limit: '1' });
    expect(effectiveResource({ name: 'a' }, 'cpu', NO_DEFAULTS)).toEqual({
      request: undefined,
      limit: undefined,
    });
  });
});

describe('podLevelResource', () => {
  it('defaults pod-level requests to pod-level limits', () => {
    expect(podLevelResource({ containers: [], resources: { limits: { cpu: '1' } } }, 'cpu')).toEqual({
      request: '1',
      limit: '1',
    });
  });
});

describe('containersLacking', () => {
  const spec: V1PodSpec = {
    initContainers: [{ name: 'setup' }, { name: 'sidecar', restartPolicy: 'Always' }],
    containers: [{ name: 'app', resources: { requests: { cpu: '1' } } }, { name: 'worker' }],
  };

  it('names running containers (native sidecars included, init containers not) without the value', () => {
    expect(names(containersLacking(spec, 'cpu', 'request', NO_DEFAULTS))).toEqual(['sidecar', 'worker']);
    expect(names(containersLacking(spec, 'cpu', 'limit', NO_DEFAULTS))).toEqual(['sidecar', 'app', 'worker']);
  });

  it('is empty when the pod level sets the value', () => {
    const withPodLevel = { ...spec, resources: { requests: { cpu: '2' } } };
    expect(containersLacking(withPodLevel, 'cpu', 'request', NO_DEFAULTS)).toEqual([]);
    expect(names(containersLacking(withPodLevel, 'cpu', 'limit', NO_DEFAULTS))).toHaveLength(3);
  });
});

describe('podRequest', () => {
  const spec: V1PodSpec = {
    initContainers: [
      { name: 'migrate', resources: { requests: { cpu: '3' } } },
      { name: 'proxy', restartPolicy: 'Always', resources: { requests: { cpu: '500m' } } },
    ],
    containers: [{ name: 'app', resources: { limits: { cpu: '1', memory: '1Gi' } } }, { name: 'worker' }],
  };

  it('takes the larger of the running sum and each init container, limits and LimitRange defaults included', () => {
    expect(podRequest(spec, 'cpu', NO_DEFAULTS)).toBe(3);
    expect(podRequest({ ...spec, initContainers: [] }, 'cpu', NO_DEFAULTS)).toBe(1);
    const defaults = containerDefaults([
      limitRange({ type: 'Container', defaultRequest: { memory: '512Mi' } }),
    ]);
    expect(podRequest(spec, 'memory', defaults)).toBe(2 ** 30 + 2 * 2 ** 29);
    expect(podRequest(spec, 'memory', NO_DEFAULTS)).toBe(2 ** 30);
  });

  it('takes a pod-level request instead', () => {
    expect(podRequest({ ...spec, resources: { requests: { cpu: '250m' } } }, 'cpu', NO_DEFAULTS)).toBe(0.25);
  });
});
