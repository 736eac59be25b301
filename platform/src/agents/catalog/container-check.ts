import { named } from '../kinds.ts';
import type { AnyContainer } from '../semantics/containers.ts';
import type { Check, Evidence, RunContext, Severity } from '../types.ts';
import type { Workload } from '../workloads.ts';
import { containersFragment, nameList, names } from './text.ts';

/** A spec check that fires when some containers of a workload are at fault, and names them. */
export interface ContainerCheck {
  id: string;
  severity: Severity;
  title: string;
  /** The containers at fault, from the set the check reads (AGENTS.md §0.4). */
  offending(workload: Workload, run: RunContext): readonly AnyContainer[];
  /** Completes "Deployment web …: app, proxy." */
  problem: string;
  /** The first line of the remediation. */
  advice: string;
  /** YAML lines to set under each offending container. */
  fix: readonly string[];
  evidence?(offending: readonly AnyContainer[], workload: Workload): Evidence;
}

export function containerCheck(definition: ContainerCheck): Check {
  return {
    id: definition.id,
    severity: definition.severity,
    mode: 'spec',
    title: definition.title,
    target: 'Workload',
    detect(workload, run) {
      const offending = definition.offending(workload, run);
      if (offending.length === 0) return undefined;
      return {
        message: `${named(workload.object)} ${definition.problem}: ${names(offending)}.`,
        remediation: `${definition.advice}\n${containersFragment(workload, offending, definition.fix)}`,
        evidence: definition.evidence?.(offending, workload) ?? { containers: nameList(offending) },
      };
    },
  };
}
