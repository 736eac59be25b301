// What an interrupted test run leaves on the shared test stack. A run killed between creating its
// organizations and deleting them (a timeout, Ctrl-C) leaves them in the cluster, and a later run
// counting a person's organizations (the console's carol, say) sees them. Every test run records
// itself in `.stack/test/runs/`; an organization older than the oldest run still alive was made by
// a run that is gone, and is deleted, through a real operator where a finalizer holds it.

import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '../../scripts/stack/process.ts';
import { kubectl, uniqueName } from './kube.ts';
import { operatorKubeconfig } from './operator.ts';
import { SUITE_LABEL, startSuiteOperator, suiteSelector } from './operator-suite.ts';
import { TEST_STACK_DIR } from './stack.ts';
import { coreApi, deleteOrganizations } from './tenancy.ts';

const RUNS = join(TEST_STACK_DIR, 'runs');

/**
 * Records this run (its pid, when it began) until `release`; `since` is when the oldest run still
 * alive began, this one included. Records of runs that died are removed.
 */
export function registerRun(): { since: number; release: () => void } {
  mkdirSync(RUNS, { recursive: true });
  const began = Date.now();
  const own = join(RUNS, String(process.pid));
  writeFileSync(own, String(began));
  let since = began;
  for (const file of readdirSync(RUNS)) {
    if (!isAlive(Number(file))) rmSync(join(RUNS, file), { force: true });
    else since = Math.min(since, Number(readFileSync(join(RUNS, file), 'utf8')) || began);
  }
  return { since, release: () => rmSync(own, { force: true }) };
}

interface Listed {
  metadata: { name: string; creationTimestamp: string; finalizers?: string[] };
}

/** Organizations created before `since` (a whole second before: timestamps are in seconds). */
export async function leftoverOrganizations(since: number): Promise<Listed[]> {
  const { items } = JSON.parse(await kubectl('get', 'organizations', '-o', 'json')) as { items: Listed[] };
  const before = Math.floor(since / 1000) * 1000 - 1000;
  return items.filter((org) => Date.parse(org.metadata.creationTimestamp) < before);
}

/**
 * Deletes the organizations earlier runs left. Those a finalizer holds (their operator died with
 * its run) are handed to an operator of their own, which drops their databases as it would have.
 */
export async function sweepLeftovers(since: number): Promise<string[]> {
  const leftovers = await leftoverOrganizations(since);
  const names = leftovers.map((org) => org.metadata.name);
  if (names.length === 0) return [];
  const held = leftovers.filter((org) => (org.metadata.finalizers ?? []).length > 0);
  if (held.length === 0) {
    await deleteOrganizations(...names);
    return names;
  }
  const suite = uniqueName('leftovers');
  for (const org of held)
    await kubectl('label', 'organization', org.metadata.name, `${SUITE_LABEL}=${suite}`, '--overwrite');
  const namespace = uniqueName('it-leftovers-op');
  const operator = await startSuiteOperator({
    kubeconfig: await operatorKubeconfig(namespace),
    namespace,
    selector: suiteSelector(suite),
  });
  try {
    await deleteOrganizations(...names);
  } finally {
    await operator.stop();
    await coreApi.deleteNamespace({ name: namespace }).catch(() => undefined);
  }
  return names;
}
