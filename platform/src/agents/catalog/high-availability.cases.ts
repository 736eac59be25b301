import type { V1PodSpec } from '@kubernetes/client-node';
import { type Case, tableOf } from '../testing/case.ts';
import { deployment, hpa, pdb, podSpec, service, statefulSet } from '../testing/manifests.ts';

const { found, name } = tableOf('high-availability');
/** The row's Service, selecting the row's workload (named after the row). */
const serviceOf = (row: string) => service(name(`${row}-svc`), { app: name(row) });
/** The row's PDB, selecting the row's workload. */
const pdbOf = (row: string) => pdb(name(`${row}-pdb`), name(row), { maxUnavailable: 1 });
const own = (row: string) => ({ matchLabels: { app: name(row) } });
/** Spread across nodes by a constraint on its own Pods. */
const spread = (row: string): V1PodSpec =>
  podSpec({
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: own(row),
      },
    ],
  });
const antiAffinity = (row: string, topologyKey: string): V1PodSpec =>
  podSpec({
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { topologyKey, labelSelector: own(row) } },
        ],
      },
    },
  });

const single = deployment(name('single'), podSpec(), { spec: { replicas: 1 } });
const unprotected = deployment(name('unprotected'), podSpec(), { spec: { replicas: 2 } });
const otherPdb = deployment(name('other-pdb'), spread('other-pdb'), { spec: { replicas: 2 } });
const osAffinity = deployment(name('os-affinity'), antiAffinity('os-affinity', 'kubernetes.io/os'), {
  spec: { replicas: 2 },
});
const recreate = deployment(name('recreate'), spread('recreate'), {
  spec: { replicas: 2, strategy: { type: 'Recreate' } },
});

export const highAvailabilityCases: readonly Case[] = [
  {
    name: 'one replica behind a Service',
    objects: [single, serviceOf('single')],
    expect: [found('single-replica', single)],
  },
  {
    name: 'one replica behind a Service, scaled by an HPA',
    objects: [
      deployment(name('scaled'), podSpec(), { spec: { replicas: 1 } }),
      serviceOf('scaled'),
      hpa(name('scaled-hpa'), { kind: 'Deployment', name: name('scaled') }, { minReplicas: 1 }),
    ],
    expect: [],
    note: 'minReplicas 1: without a metrics API the HPA leaves replicas at 1 (with a higher minimum it would raise them)',
  },
  {
    name: 'one replica that no Service selects',
    objects: [deployment(name('no-service'), podSpec(), { spec: { replicas: 1 } })],
    expect: [],
  },
  {
    name: 'two replicas without a PDB or a spread',
    objects: [unprotected],
    expect: [found('missing-pdb', unprotected), found('no-spread', unprotected)],
  },
  {
    name: 'a StatefulSet with a PDB and a topology spread over its own Pods',
    objects: [
      statefulSet(name('protected'), spread('protected'), {
        spec: { replicas: 3, serviceName: name('protected-svc') },
      }),
      pdbOf('protected'),
    ],
    expect: [],
  },
  {
    name: 'a PDB selecting other Pods does not count',
    objects: [otherPdb, pdb(name('other-pdb-pdb'), name('other-pdb-elsewhere'), { maxUnavailable: 1 })],
    expect: [found('missing-pdb', otherPdb)],
  },
  {
    name: 'anti-affinity by hostname spreads',
    objects: [
      deployment(name('hostname'), antiAffinity('hostname', 'kubernetes.io/hostname'), {
        spec: { replicas: 2 },
      }),
      pdbOf('hostname'),
    ],
    expect: [],
  },
  {
    name: 'anti-affinity by another topology key does not',
    objects: [osAffinity, pdbOf('os-affinity')],
    expect: [found('no-spread', osAffinity)],
  },
  {
    name: 'Recreate behind a Service',
    objects: [recreate, pdbOf('recreate'), serviceOf('recreate')],
    expect: [found('recreate-strategy', recreate)],
  },
  {
    name: 'Recreate that no Service selects',
    objects: [
      deployment(name('recreate-alone'), podSpec(), {
        spec: { replicas: 1, strategy: { type: 'Recreate' } },
      }),
    ],
    expect: [],
  },
];
