import type { Organization, OrganizationSpec, Team, TeamSpec } from '@guardian/crds/generated';
import { API_VERSION } from '@guardian/crds/kinds';
import { auditEvents, eventually, k8s, kubeConfig, kubectl } from './kube.ts';

const config = kubeConfig();
export const objects = k8s.KubernetesObjectApi.makeApiClient(config);
export const coreApi = config.makeApiClient(k8s.CoreV1Api);
const apiVersion = API_VERSION;

// Guardian's generated types carry JSON-shaped metadata; client-node's typings want Dates.
export const apply = <T extends object>(object: T) =>
  objects.patch(
    object as k8s.KubernetesObject,
    undefined,
    undefined,
    'guardian-test',
    true,
    k8s.PatchStrategy.ServerSideApply,
  ) as Promise<T>;

export const remove = (object: object) => objects.delete(object as k8s.KubernetesObject);

export function organization(name: string, spec: Partial<OrganizationSpec> = {}): Organization {
  return {
    apiVersion,
    kind: 'Organization',
    metadata: { name },
    spec: { displayName: name, plan: 'starter', ...spec },
  };
}

export function team(org: string, name: string, spec: Partial<TeamSpec> = {}): Team {
  return {
    apiVersion,
    kind: 'Team',
    metadata: { name, namespace: `org-${org}` },
    spec: { displayName: name, ...spec },
  };
}

export async function readOrganization(name: string): Promise<Organization> {
  return (await objects.read({ apiVersion, kind: 'Organization', metadata: { name } })) as Organization;
}

export function condition(object: { status?: { conditions?: Array<{ type: string }> } }, type: string) {
  return object.status?.conditions?.find((c) => c.type === type) as
    | { type: string; status: string; reason: string; message: string }
    | undefined;
}

/** Waits until the organization's Ready condition has `status` for its current generation. */
export function organizationReady(name: string, status = 'True', timeoutMs = 60_000): Promise<Organization> {
  return eventually(
    `organization ${name} Ready=${status}`,
    async () => {
      const org = await readOrganization(name);
      const ready = condition(org, 'Ready');
      return ready?.status === status && org.status?.observedGeneration === org.metadata?.generation
        ? org
        : undefined;
    },
    timeoutMs,
  );
}

export async function exists(kind: string, name: string, namespace?: string): Promise<boolean> {
  const args = ['get', kind, name, '-o', 'name', ...(namespace ? ['-n', namespace] : [])];
  return kubectl(...args).then(
    () => true,
    (error: Error) => {
      if (/NotFound|not found/.test(error.message)) return false;
      throw error;
    },
  );
}

export async function deleteOrganization(name: string): Promise<void> {
  await remove(organization(name)).catch(() => undefined);
}

/** Deletes organizations and waits until they are gone: call it while an operator still runs. */
export async function deleteOrganizations(...names: string[]): Promise<void> {
  await Promise.all(names.map(deleteOrganization));
  await eventually(
    `organizations ${names.join(', ')} to be finalized`,
    async () => !(await Promise.all(names.map((name) => exists('organization', name)))).some(Boolean),
    120_000,
  );
}

/** `kubectl auth can-i`, impersonating `as` (a user, or a ServiceAccount), with optional groups. */
export async function canI(
  as: string,
  verb: string,
  resource: string,
  namespace: string,
  groups: string[] = [],
) {
  const args = [
    'auth',
    'can-i',
    verb,
    resource,
    '-n',
    namespace,
    `--as=${as}`,
    ...groups.map((g) => `--as-group=${g}`),
  ];
  return kubectl(...args).then(
    (out) => out.trim() === 'yes',
    (error: Error) => {
      if (/: no\s*$/.test(error.message)) return false;
      throw error;
    },
  );
}

/**
 * Writes one user made concerning one organization (the object itself, its namespaces and what
 * is in them), from the apiserver's audit log. Other suites' operators run at the same time, so
 * writes about their organizations are not counted.
 */
export function writesBy(user: string, org: string): number {
  const ours = (name?: string) => name === org || name === `org-${org}` || name?.startsWith(`org-${org}--`);
  return auditEvents().filter(
    (e) => e.user.username === user && (ours(e.objectRef?.name) || ours(e.objectRef?.namespace)),
  ).length;
}
