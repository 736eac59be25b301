import { type Case, tableOf } from '../testing/case.ts';
import { service } from '../testing/manifests.ts';

const { found, name } = tableOf('service-cost');
const loadBalancer = (row: string, selector: Record<string, string> | undefined) =>
  service(name(row), selector, { type: 'LoadBalancer' });

const single = loadBalancer('single', { app: name('single') });
const twinA = loadBalancer('twin-a', { app: name('twin'), tier: 'web' });
const twinB = loadBalancer('twin-b', { tier: 'web', app: name('twin') });
const apart = loadBalancer('apart', { app: name('apart') });
const apartToo = loadBalancer('apart-too', { app: name('apart'), tier: 'admin' });
const manualA = loadBalancer('manual-a', undefined);
const manualB = loadBalancer('manual-b', undefined);

export const serviceCostCases: readonly Case[] = [
  { name: 'a LoadBalancer Service', objects: [single], expect: [found('loadbalancer-service', single)] },
  {
    name: 'two LoadBalancers with the same selector, keys in another order',
    objects: [twinA, twinB],
    expect: [
      found('loadbalancer-service', twinA),
      found('loadbalancer-service', twinB),
      found('duplicate-loadbalancers', twinA),
      found('duplicate-loadbalancers', twinB),
    ],
  },
  {
    name: 'two LoadBalancers whose selectors differ',
    objects: [apart, apartToo],
    expect: [found('loadbalancer-service', apart), found('loadbalancer-service', apartToo)],
  },
  {
    name: 'two LoadBalancers without selectors are not duplicates',
    objects: [manualA, manualB],
    expect: [found('loadbalancer-service', manualA), found('loadbalancer-service', manualB)],
  },
  {
    name: 'ClusterIP and NodePort Services are not billed',
    objects: [
      service(name('internal'), { app: name('internal') }),
      service(name('node-port'), { app: name('node-port') }, { type: 'NodePort' }),
    ],
    expect: [],
  },
];
