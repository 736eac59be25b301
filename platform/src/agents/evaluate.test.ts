import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.ts';
import { findingId, mergeEvidence } from './findings.ts';
import { named } from './kinds.ts';
import { agentSettings, defaultAgentSettings } from './settings.ts';
import { buildSnapshot } from './snapshot.ts';
import { CASE_CLOCK, snapshotOf } from './testing/case.ts';
import { controllerChain, deployment, pod, replicaSet } from './testing/manifests.ts';
import type { Agent, Check } from './types.ts';

const { now } = CASE_CLOCK;

const base = { category: 'observability', description: 'test agent', name: 'Test' } as const;

const podsOnOwner: Agent = {
  ...base,
  id: 'pods',
  checks: [
    {
      id: 'every-pod',
      severity: 'low',
      mode: 'spec',
      title: 'Every Pod, on its top-level owner',
      target: 'Pod',
      detect: (pod, { snapshot }) => ({
        message: `${named(snapshot.topLevelOwner(pod))} has a Pod.`,
        remediation: 'None.',
        evidence: { pods: [pod.metadata.name], kind: 'Pod' },
        on: snapshot.topLevelOwner(pod),
      }),
    },
  ],
};

const everyWorkload: Check = {
  id: 'every-workload',
  severity: 'info',
  mode: 'spec',
  title: 'Every workload',
  target: 'Workload',
  detect: ({ object }) => ({ message: `${named(object)} exists.`, remediation: 'None.', evidence: {} }),
};

const nodes: Agent = {
  ...base,
  id: 'nodes',
  checks: [
    {
      id: 'every-node',
      severity: 'info',
      mode: 'spec',
      title: 'Every Node',
      target: 'Node',
      reads: ['nodes'],
      detect: (node) => ({ message: `${named(node)} exists.`, remediation: 'None.', evidence: {} }),
    },
    everyWorkload,
  ],
};

const broken: Agent = {
  ...base,
  id: 'broken',
  checks: [
    everyWorkload,
    {
      id: 'throws',
      severity: 'high',
      mode: 'spec',
      title: 'Throws',
      target: 'Pod',
      detect: () => {
        throw new Error('no such field');
      },
    },
  ],
};

const [p1, p2, rs, d] = (() => {
  const [first, set, owner] = controllerChain(pod('web-1-a'), replicaSet('web-1'), deployment('web'));
  const [second] = controllerChain(pod('web-1-b'), set);
  return [first, second, set, owner];
})();

describe('evaluate', () => {
  it('reports a finding once per (check, kind, name), with the evidence of all', () => {
    const { findings } = evaluate([podsOnOwner], snapshotOf([p1, p2, rs, d]), { now });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      check: 'pods/every-pod',
      agent: 'pods',
      category: 'observability',
      severity: 'low',
      resource: { kind: 'Deployment', namespace: 'agent-cases', name: 'web' },
      message: 'Deployment web has a Pod.',
      evidence: { pods: ['web-1-a', 'web-1-b'], kind: 'Pod' },
    });
  });

  it('skips checks whose cluster-scoped reads are unavailable, and runs the rest', () => {
    const unreadable = evaluate([nodes], snapshotOf([pod('solo')], { nodes: undefined }), { now });
    expect(unreadable.skipped).toEqual([
      { check: 'nodes/every-node', reason: 'Nodes are not readable: agents.clusterScopedReads is off' },
    ]);
    expect(unreadable.findings.map((f) => f.check)).toEqual(['nodes/every-workload']);

    const readable = evaluate([nodes], snapshotOf([pod('solo')], { nodes: [{ metadata: { name: 'n1' } }] }), {
      now,
    });
    expect(readable.skipped).toEqual([]);
    expect(readable.findings.map((f) => [f.check, f.resource])).toEqual([
      ['nodes/every-node', { kind: 'Node', namespace: null, name: 'n1' }],
      ['nodes/every-workload', { kind: 'Pod', namespace: 'agent-cases', name: 'solo' }],
    ]);
  });

  it('says why a list is unreadable where the snapshot’s reader said so', () => {
    const refused = 'Nodes are not readable: the apiserver refused the platform’s list (403)';
    const snapshot = buildSnapshot({ namespace: 'n', objects: {}, unreadable: { nodes: refused } });
    expect(evaluate([nodes], snapshot, { now }).skipped).toEqual([
      { check: 'nodes/every-node', reason: refused },
    ]);
  });

  it('isolates an agent that throws: none of its findings, the others unaffected', () => {
    const result = evaluate([broken, nodes], snapshotOf([pod('solo')]), { now });
    expect(result.failed).toEqual([{ agent: 'broken', error: 'no such field' }]);
    expect(result.findings.map((f) => f.check)).toEqual(['nodes/every-workload']);
    expect(evaluate([broken], snapshotOf([]), { now }).failed).toEqual([]);
  });

  it('evaluates a Namespace check once, on the namespace itself, reported as cluster-scoped', () => {
    const namespaces: Agent = {
      ...base,
      id: 'namespaces',
      checks: [
        {
          id: 'no-pods',
          severity: 'low',
          mode: 'spec',
          title: 'Namespaces without Pods',
          target: 'Namespace',
          detect: (namespace, { snapshot }) =>
            snapshot.list('Pod').length > 0
              ? undefined
              : { message: `${named(namespace)} has no Pods.`, remediation: 'None.', evidence: {} },
        },
      ],
    };
    const resource = { kind: 'Namespace', namespace: null, name: 'agent-cases' };
    const empty = evaluate([namespaces], snapshotOf([deployment('web'), deployment('api')]), {
      now,
    }).findings;
    expect(empty.map((f) => [f.id, f.check, f.resource, f.message])).toEqual([
      [
        findingId('namespaces/no-pods', resource),
        'namespaces/no-pods',
        resource,
        'Namespace agent-cases has no Pods.',
      ],
    ]);
    expect(evaluate([namespaces], snapshotOf([pod('solo')]), { now }).findings).toEqual([]);
  });

  it('returns the summaries of agents that summarize, given the settings of the run', () => {
    const summarizing: Agent = {
      ...base,
      id: 'sum',
      checks: [],
      summarize: ({ settings }) => ({ currency: settings.currency }),
    };
    expect(evaluate([summarizing], snapshotOf([]), { now }).summaries).toEqual({ sum: { currency: 'USD' } });
    const euros = agentSettings({ currency: 'EUR' });
    expect(evaluate([summarizing], snapshotOf([]), { now, settings: euros }).summaries).toEqual({
      sum: { currency: 'EUR' },
    });
  });
});

describe('findingId', () => {
  const resource = { kind: 'Deployment', namespace: 'shop', name: 'web' };

  it('is the same for one check on one resource, and differs otherwise', () => {
    const id = findingId('a/b', resource);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(findingId('a/b', { ...resource })).toBe(id);
    expect(findingId('a/c', resource)).not.toBe(id);
    expect(findingId('a/b', { ...resource, name: 'api' })).not.toBe(id);
    expect(findingId('a/b', { ...resource, namespace: 'other' })).not.toBe(id);
  });
});

describe('mergeEvidence', () => {
  it('keeps equal values, unions lists, and lists differing values', () => {
    expect(
      mergeEvidence({ a: 1, list: ['x'], same: 'k' }, { a: 2, list: ['x', 'y'], same: 'k', b: true }),
    ).toEqual({
      a: [1, 2],
      list: ['x', 'y'],
      same: 'k',
      b: true,
    });
  });
});

describe('agentSettings', () => {
  it('applies each layer over the defaults, ignoring undefined values', () => {
    const settings = agentSettings({ prices: { cpuCore: 30 } }, undefined, {
      prices: { memoryGiB: 4, cpuCore: undefined },
      thresholds: { workloadMonthly: 100 },
    });
    expect(settings.prices).toEqual({ ...defaultAgentSettings.prices, cpuCore: 30, memoryGiB: 4 });
    expect(settings.thresholds).toEqual({ workloadMonthly: 100, hpaCeilingMonthly: 500 });
    expect(settings.currency).toBe('USD');
  });
});
