import { type ContainerDefaults, containerDefaults } from '../semantics/resources.ts';
import type { Snapshot } from '../snapshot.ts';

const build = (snapshot: Snapshot) => containerDefaults(snapshot.list('LimitRange'));

/** The namespace's LimitRange container defaults (AGENTS.md §0.6), read once per run. */
export function containerDefaultsOf(snapshot: Snapshot): ContainerDefaults {
  return snapshot.memo(build);
}
