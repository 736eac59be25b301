import type { Stored } from '../kinds.ts';
import type { Snapshot } from '../snapshot.ts';

type RoleBinding = Stored<'RoleBinding'>;

const byRole = (snapshot: Snapshot) => {
  const index = new Map<string, RoleBinding[]>();
  for (const binding of snapshot.list('RoleBinding')) {
    if (binding.roleRef.kind !== 'Role') continue;
    index.set(binding.roleRef.name, [...(index.get(binding.roleRef.name) ?? []), binding]);
  }
  return index;
};

/** The RoleBindings of the namespace that bind this Role. */
export function bindingsOf(snapshot: Snapshot, role: Stored<'Role'>): readonly RoleBinding[] {
  return snapshot.memo(byRole).get(role.metadata.name) ?? [];
}

/** The Role a RoleBinding binds, when it binds a Role (not a ClusterRole) that exists. */
export function boundRole(snapshot: Snapshot, binding: RoleBinding): Stored<'Role'> | undefined {
  return binding.roleRef.kind === 'Role' ? snapshot.get('Role', binding.roleRef.name) : undefined;
}
