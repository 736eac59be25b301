import { describe, expect, it } from 'vitest';
import type { Stored } from '../kinds.ts';
import { type KubeManifest, snapshotOf } from '../testing/case.ts';
import { cronJob, deployment, pod } from '../testing/manifests.ts';
import { endpointSlicesOf, readyEndpointCount, withoutReadyEndpoints } from './endpoints.ts';
import { loadBalancersLike, selectedBy, selectsPods, servicesSelecting } from './services.ts';

const service = (
  name: string,
  selector: Record<string, string> | undefined,
  type = 'ClusterIP',
): KubeManifest => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { type, selector, ports: [{ port: 80 }] },
});

const slice = (name: string, service: string, ready: (boolean | undefined)[]): KubeManifest => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name, labels: { 'kubernetes.io/service-name': service } },
  addressType: 'IPv4',
  endpoints: ready.map((isReady, index) => ({
    addresses: [`10.0.0.${index + 1}`],
    conditions: isReady === undefined ? {} : { ready: isReady },
  })),
});

const names = (objects: readonly { metadata: { name: string } }[]) => objects.map((o) => o.metadata.name);

describe('Service lookups', () => {
  const snapshot = snapshotOf([
    deployment('web'),
    cronJob('report'),
    pod('debug'),
    service('web', { app: 'web' }),
    service('web-too', { app: 'web' }, 'LoadBalancer'),
    service('web-lb', { app: 'web' }, 'LoadBalancer'),
    service('api-lb', { app: 'api' }, 'LoadBalancer'),
    service('batch', { app: 'report' }),
    service('debug', { app: 'debug' }),
    service('external', { app: 'web' }, 'ExternalName'),
    service('headless-manual', {}),
    service('none', undefined),
  ]);
  const get = (name: string): Stored<'Service'> => {
    const found = snapshot.get('Service', name);
    if (!found) throw new Error(`no Service ${name}`);
    return found;
  };

  it('selects Pods only with a non-empty selector and a type other than ExternalName', () => {
    expect(['web', 'web-lb', 'batch'].map((name) => selectsPods(get(name)))).toEqual([true, true, true]);
    expect(['external', 'headless-manual', 'none'].map((name) => selectsPods(get(name)))).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('matches templates (batch included) and live Pods by every selector pair', () => {
    expect(selectedBy(snapshot, get('web')).workloads.map((w) => w.object.metadata.name)).toEqual(['web']);
    expect(selectedBy(snapshot, get('batch')).workloads.map((w) => w.object.metadata.name)).toEqual([
      'report',
    ]);
    expect(names(selectedBy(snapshot, get('debug')).pods)).toEqual(['debug']);
    expect(selectedBy(snapshot, get('api-lb'))).toEqual({ workloads: [], pods: [] });
    expect(selectedBy(snapshot, get('external'))).toEqual({ workloads: [], pods: [] });
  });

  it("lists a workload's Services, ExternalName ones left out", () => {
    const [web] = snapshot.workloads;
    if (!web) throw new Error('no workload');
    expect(names(servicesSelecting(snapshot, web))).toEqual(['web', 'web-too', 'web-lb']);
  });

  it('groups LoadBalancers by selector, whatever the key order', () => {
    expect(names(loadBalancersLike(snapshot, get('web-lb')))).toEqual(['web-too']);
    expect(loadBalancersLike(snapshot, get('api-lb'))).toEqual([]);
    expect(loadBalancersLike(snapshot, get('web'))).toEqual([]);
    const reordered = snapshotOf([
      service('a', { app: 'x', tier: 'y' }, 'LoadBalancer'),
      service('b', { tier: 'y', app: 'x' }, 'LoadBalancer'),
    ]);
    const a = reordered.get('Service', 'a');
    if (!a) throw new Error('no Service a');
    expect(names(loadBalancersLike(reordered, a))).toEqual(['b']);
  });
});

describe('EndpointSlice lookups', () => {
  const snapshot = snapshotOf([
    service('up', { app: 'up' }),
    service('down', { app: 'down' }),
    service('unknown', { app: 'unknown' }),
    service('empty', { app: 'empty' }),
    service('manual', {}),
    slice('up-a', 'up', [false]),
    slice('up-b', 'up', [true, false]),
    slice('down-a', 'down', [false, false]),
    slice('unknown-a', 'unknown', [undefined]),
  ]);
  const get = (name: string): Stored<'Service'> => {
    const found = snapshot.get('Service', name);
    if (!found) throw new Error(`no Service ${name}`);
    return found;
  };

  it("counts the ready endpoints of all the Service's slices", () => {
    expect(names(endpointSlicesOf(snapshot, get('up')))).toEqual(['up-a', 'up-b']);
    expect(readyEndpointCount(snapshot, get('up'))).toBe(1);
    expect(readyEndpointCount(snapshot, get('down'))).toBe(0);
  });

  it('reports a selecting Service without a ready endpoint; ready unset is not ready', () => {
    expect(withoutReadyEndpoints(snapshot, get('up'))).toBeUndefined();
    expect(withoutReadyEndpoints(snapshot, get('down'))).toEqual({
      endpointSlices: ['down-a'],
      endpoints: 2,
    });
    expect(withoutReadyEndpoints(snapshot, get('unknown'))).toEqual({
      endpointSlices: ['unknown-a'],
      endpoints: 1,
    });
    expect(withoutReadyEndpoints(snapshot, get('empty'))).toEqual({ endpointSlices: [], endpoints: 0 });
    expect(withoutReadyEndpoints(snapshot, get('manual'))).toBeUndefined();
  });
});
