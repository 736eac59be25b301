import type { NamespacedKind } from '../kinds.ts';
import type { Check, Severity } from '../types.ts';

/** A check on the namespace itself that fires when it holds no object of `kind`. */
export interface NamespaceWithout {
  id: string;
  severity: Severity;
  title: string;
  kind: NamespacedKind;
  /** Completes "Namespace shop has no NetworkPolicy: …". */
  consequence: string;
  /** What to add, given the namespace's name. */
  remediation(namespace: string): string;
}

export function namespaceWithout(definition: NamespaceWithout): Check {
  return {
    id: definition.id,
    severity: definition.severity,
    mode: 'spec',
    title: definition.title,
    target: 'Namespace',
    detect(namespace, { snapshot }) {
      if (snapshot.list(definition.kind).length > 0) return undefined;
      return {
        message: `Namespace ${namespace.metadata.name} has no ${definition.kind}: ${definition.consequence}.`,
        remediation: definition.remediation(namespace.metadata.name),
        evidence: { [definition.kind]: 0 },
      };
    },
  };
}
