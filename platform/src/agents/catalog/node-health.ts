import { named } from '../kinds.ts';
import type { Agent, Check } from '../types.ts';

const PRESSURES = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'];

const nodeNotReady: Check = {
  id: 'node-not-ready',
  severity: 'critical',
  mode: 'runtime',
  title: 'Nodes that are not Ready',
  target: 'Node',
  reads: ['nodes'],
  detect(node) {
    const ready = node.status?.conditions?.find((condition) => condition.type === 'Ready');
    if (ready?.status === 'True') return undefined;
    return {
      message: `${named(node)} is not Ready (${ready ? `${ready.status}${ready.reason ? `: ${ready.reason}` : ''}` : 'no Ready condition'}): its Pods are evicted and no new ones start there.`,
      remediation: `See what its kubelet reports (or why it stopped reporting):\nkubectl describe node ${node.metadata.name}`,
      evidence: {
        status: ready?.status ?? null,
        reason: ready?.reason ?? null,
        message: ready?.message ?? null,
      },
    };
  },
};

const nodePressure: Check = {
  id: 'node-pressure',
  severity: 'high',
  mode: 'runtime',
  title: 'Nodes under memory, disk or PID pressure, or without a network',
  target: 'Node',
  reads: ['nodes'],
  detect(node) {
    const pressing = (node.status?.conditions ?? []).filter(
      (condition) => PRESSURES.includes(condition.type) && condition.status === 'True',
    );
    if (pressing.length === 0) return undefined;
    return {
      message: `${named(node)} reports ${pressing.map((condition) => condition.type).join(', ')}: the kubelet evicts Pods and new ones avoid it.`,
      remediation: `Free what runs short (or add capacity); the conditions say what:\nkubectl describe node ${node.metadata.name}`,
      evidence: {
        conditions: pressing.map(({ type, reason, message }) => ({
          type,
          reason: reason ?? '',
          message: message ?? '',
        })),
      },
    };
  },
};

const nodeCordoned: Check = {
  id: 'node-cordoned',
  severity: 'low',
  mode: 'spec',
  title: 'Cordoned Nodes',
  target: 'Node',
  reads: ['nodes'],
  detect(node) {
    if (node.spec?.unschedulable !== true) return undefined;
    return {
      message: `${named(node)} is cordoned: no new Pods are scheduled there.`,
      remediation: `Uncordon it when its maintenance is over:\nkubectl uncordon ${node.metadata.name}`,
      evidence: { unschedulable: true },
    };
  },
};

export const nodeHealth: Agent = {
  id: 'node-health',
  name: 'Node health',
  category: 'observability',
  description:
    "The cluster's Nodes (every one, not only those running the namespace's Pods): readiness, pressure, cordons.",
  checks: [nodeNotReady, nodePressure, nodeCordoned],
};
