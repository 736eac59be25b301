import {
  addedCapabilities,
  BASELINE_CAPABILITIES,
  capabilityName,
  DANGEROUS_CAPABILITIES,
  droppedCapabilities,
} from '../semantics/capabilities.ts';
import { type AnyContainer, allContainers } from '../semantics/containers.ts';
import type { Agent, Check } from '../types.ts';
import { containerCheck } from './container-check.ts';

/** The capabilities the container adds that `fault` picks, by their stored names. */
const addedWhere = (container: AnyContainer, fault: (name: string) => boolean) =>
  addedCapabilities(container).filter((added) => fault(capabilityName(added)));

function addedCheck(
  id: string,
  severity: 'high' | 'medium',
  title: string,
  fault: (name: string) => boolean,
  problem: string,
): Check {
  return containerCheck({
    id,
    severity,
    title,
    offending: (workload) =>
      allContainers(workload).filter((container) => addedWhere(container, fault).length > 0),
    problem,
    advice:
      'Remove these capabilities from securityContext.capabilities.add; if the process needs one, grant only that one and drop ALL.',
    fix: [
      'securityContext:',
      '  capabilities:',
      '    drop: ["ALL"]',
      '    add: []  # only what the process needs',
    ],
    evidence: (offending) => ({
      added: offending.map((container) => ({
        container: container.name,
        capabilities: addedWhere(container, fault),
      })),
    }),
  });
}

const dropAllMissing = containerCheck({
  id: 'drop-all-missing',
  severity: 'low',
  title: 'Containers that keep the default capabilities',
  offending: (workload) =>
    allContainers(workload).filter(
      (container) => !droppedCapabilities(container).some((dropped) => capabilityName(dropped) === 'ALL'),
    ),
  problem: 'keeps the default Linux capabilities (capabilities.drop lacks ALL) in containers',
  advice: 'Drop all capabilities and add back only those the process needs.',
  fix: ['securityContext:', '  capabilities:', '    drop: ["ALL"]'],
});

export const linuxCapabilities: Agent = {
  id: 'linux-capabilities',
  name: 'Linux capabilities',
  category: 'security',
  description:
    'Linux capabilities added to, or not dropped from, containers (names compared case-insensitively, CAP_ prefix optional).',
  checks: [
    addedCheck(
      'dangerous-added',
      'high',
      'Containers that add dangerous capabilities',
      (name) => DANGEROUS_CAPABILITIES.has(name),
      'adds dangerous Linux capabilities in containers',
    ),
    addedCheck(
      'added-beyond-baseline',
      'medium',
      'Containers that add capabilities beyond the Pod Security baseline',
      (name) => !BASELINE_CAPABILITIES.has(name),
      'adds Linux capabilities outside the Pod Security baseline set in containers',
    ),
    dropAllMissing,
  ],
};
