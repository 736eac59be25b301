// The catalog's case rows as the cluster suites apply them: agents-cases.test.ts takes the rows of
// one namespace, agents-cluster-cases.test.ts those that hold Nodes or StorageClasses.

import { catalogCases } from '../../platform/src/agents/catalog/cases.ts';
import type { Case, KubeManifest } from '../../platform/src/agents/testing/case.ts';

export interface CaseRow {
  agent: string;
  row: Case;
}

/** Every row of every agent's table. */
export const caseRows: readonly CaseRow[] = Object.entries(catalogCases).flatMap(([agent, cases]) =>
  cases.map((row) => ({ agent, row })),
);

/** Nodes and StorageClasses: the cluster's, shared by every suite running on the stack. */
export const isClusterScoped = (
  object: KubeManifest,
): object is Extract<KubeManifest, { kind: 'Node' | 'StorageClass' }> =>
  object.kind === 'Node' || object.kind === 'StorageClass';

/** A row that holds a Node or a StorageClass: agents-cluster-cases.test.ts runs it. */
export const holdsClusterObjects = ({ row }: CaseRow): boolean => row.objects.some(isClusterScoped);

/** A finding as the suites compare them. */
export const findingKey = (check: string, kind: string, name: string): string => `${check} ${kind}/${name}`;
