import { allContainers } from '../semantics/containers.ts';
import type { Agent } from '../types.ts';
import { containerCheck } from './container-check.ts';

const writableRootFilesystem = containerCheck({
  id: 'writable-root-filesystem',
  severity: 'medium',
  title: 'Containers with a writable root filesystem',
  offending: (workload) =>
    allContainers(workload).filter((container) => container.securityContext?.readOnlyRootFilesystem !== true),
  problem: 'lets containers write to their root filesystem (readOnlyRootFilesystem is not true)',
  advice:
    'Set readOnlyRootFilesystem: true on each container; mount an emptyDir where the process must write (/tmp, caches).',
  fix: ['securityContext:', '  readOnlyRootFilesystem: true'],
});

export const immutableFilesystem: Agent = {
  id: 'immutable-filesystem',
  name: 'Immutable filesystem',
  category: 'security',
  description: 'Writable container root filesystems.',
  checks: [writableRootFilesystem],
};
