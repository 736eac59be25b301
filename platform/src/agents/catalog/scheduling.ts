import { named } from '../kinds.ts';
import { containerDefaultsOf } from '../lookups/limit-ranges.ts';
import { constrainsNodes, nodeFits } from '../semantics/node-affinity.ts';
import { parseQuantity } from '../semantics/quantity.ts';
import { podRequest } from '../semantics/resources.ts';
import type { Agent, Check } from '../types.ts';
import { labelsText } from './text.ts';

const nodeSelectorMatchesNoNode: Check = {
  id: 'node-selector-matches-no-node',
  severity: 'high',
  mode: 'spec',
  title: 'Pods whose nodeSelector or required node affinity no Node satisfies',
  target: 'Workload',
  reads: ['nodes'],
  detect(workload, { snapshot }) {
    const spec = workload.podSpec;
    const nodes = snapshot.nodes ?? [];
    if (!constrainsNodes(spec) || nodes.some((node) => nodeFits(spec, node))) return undefined;
    const nodeSelector = spec.nodeSelector ?? {};
    const terms =
      spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    return {
      message: `${named(workload.object)} can run on no Node: none of the ${nodes.length} Nodes has ${[
        ...(Object.keys(nodeSelector).length > 0 ? [`the labels ${labelsText(nodeSelector)}`] : []),
        ...(terms ? ['what its required node affinity asks'] : []),
      ].join(' and ')}.`,
      remediation: `Compare the constraints with the Nodes' labels, and relax them (or label a Node):\nkubectl get nodes --show-labels`,
      evidence: { nodeSelector, requiredAffinityTerms: terms?.length ?? 0, nodes: nodes.length },
    };
  },
};

/** Requests and allocatable amounts as messages show them: CPU in cores, memory in GiB. */
const UNITS = { cpu: { unit: 'cores', scale: 1 }, memory: { unit: 'GiB', scale: 2 ** 30 } } as const;
const round = (amount: number) => Math.round(amount * 1000) / 1000;

const requestsExceedNodeAllocatable: Check = {
  id: 'requests-exceed-node-allocatable',
  severity: 'high',
  mode: 'spec',
  title: 'Pods requesting more CPU or memory than any Node can give',
  target: 'Workload',
  reads: ['nodes'],
  detect(workload, { snapshot }) {
    const nodes = snapshot.nodes ?? [];
    const defaults = containerDefaultsOf(snapshot);
    const exceeded = (['cpu', 'memory'] as const).flatMap((resource) => {
      const { unit, scale } = UNITS[resource];
      const request = podRequest(workload.podSpec, resource, defaults);
      // A Node without the resource in status.allocatable has none of it to give, as the scheduler reads it.
      const largest = Math.max(
        0,
        ...nodes.map((node) => parseQuantity(node.status?.allocatable?.[resource] ?? '0') ?? 0),
      );
      return request > 0 && request > largest
        ? [{ resource, unit, request: round(request / scale), largestAllocatable: round(largest / scale) }]
        : [];
    });
    if (exceeded.length === 0) return undefined;
    return {
      message: `${named(workload.object)} requests more than any Node can give: ${exceeded
        .map(
          ({ resource, unit, request, largestAllocatable }) =>
            `${resource} ${request} ${unit} (the largest Node has ${largestAllocatable})`,
        )
        .join(', ')}.`,
      remediation:
        'Lower the requests (an init container counts on its own), or add Nodes large enough; until then its Pods stay Pending.',
      evidence: { exceeded, nodes: nodes.length },
    };
  },
};

export const scheduling: Agent = {
  id: 'scheduling',
  name: 'Scheduling',
  category: 'observability',
  description:
    "Pods no Node of the cluster can take: node constraints nothing satisfies, requests beyond every Node's capacity.",
  checks: [nodeSelectorMatchesNoNode, requestsExceedNodeAllocatable],
};
