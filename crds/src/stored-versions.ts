// A CRD that drops a version must not leave objects stored in it: the apiserver refuses the CRD
// while status.storedVersions still names a version missing from spec.versions. Before applying
// such a CRD, every object is rewritten (a no-op update stores it again, in the current storage
// version), then storedVersions is cut down to that version: the migration Kubernetes leaves to
// whoever ships the CRD (kube-storage-version-migrator's job, done here for Guardian's own kinds).
import { ApiError, isNotFound, type KubeClient } from '@guardian/kube/client';
import { core, type KubeObject, type Resource } from '@guardian/kube/resources';
import type { Manifest } from './index.ts';

interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
}

export interface CrdObject extends KubeObject {
  spec?: {
    group?: string;
    scope?: string;
    names?: { plural?: string; kind?: string };
    versions?: CrdVersion[];
  };
  status?: { storedVersions?: string[]; conditions?: { type?: string; status?: string }[] };
}

const storageVersion = (crd: CrdObject) => crd.spec?.versions?.find((v) => v.storage)?.name;

/**
 * What upgrading `installed` to `wanted` needs: nothing, a storage migration to `storage` (the
 * versions `dropped` may still hold objects), or a refusal when no single step can do it.
 */
export function storedVersionsPlan(
  installed: CrdObject | undefined,
  wanted: CrdObject,
): { migrate: false } | { migrate: true; storage: string; dropped: string[] } {
  const versions = new Set((wanted.spec?.versions ?? []).map((v) => v.name));
  const dropped = (installed?.status?.storedVersions ?? []).filter((v) => !versions.has(v));
  if (!installed || dropped.length === 0) return { migrate: false };
  const storage = storageVersion(wanted);
  const current = storageVersion(installed);
  const name = wanted.metadata?.name ?? '';
  if (!storage || storage !== current) {
    // Objects can only be moved to a version the installed CRD already stores in: the release
    // that made `storage` the storage version has to be installed first.
    throw new Error(
      `CustomResourceDefinition ${name} drops version ${dropped.join(', ')}, which objects may still be ` +
        `stored in, and the installed CRD stores ${current ?? 'nothing'}, not ${storage ?? 'nothing'}: ` +
        `upgrade to the release that made ${storage ?? 'the new version'} the storage version first`,
    );
  }
  return { migrate: true, storage, dropped };
}

function resourceOfCrd(crd: CrdObject, version: string): Resource {
  const { group, names, scope } = crd.spec ?? {};
  if (!group || !names?.plural || !names.kind)
    throw new Error(`CustomResourceDefinition ${crd.metadata?.name ?? ''} has no group or names`);
  return {
    apiVersion: `${group}/${version}`,
    kind: names.kind,
    plural: names.plural,
    namespaced: scope === 'Namespaced',
  };
}

/** Stores every object of `crd` again, in version `storage`; a changed or deleted object is read again. */
async function rewriteObjects(client: KubeClient, crd: CrdObject, storage: string): Promise<number> {
  const resource = resourceOfCrd(crd, storage);
  const { items } = await client.list(resource);
  for (const item of items) {
    const name = item.metadata?.name ?? '';
    const namespace = item.metadata?.namespace;
    for (let current: KubeObject | undefined = item; current; ) {
      try {
        await client.replace(resource, current);
        break;
      } catch (error) {
        // Written meanwhile (by then in the storage version, but rewriting once more is harmless).
        if (!(error instanceof ApiError && error.status === 409)) throw error;
        current = await client.find(resource, name, namespace);
      }
    }
  }
  return items.length;
}

/**
 * Makes `wanted` applicable over what is installed: when it drops versions that objects may be
 * stored in, rewrites every object in the storage version and sets storedVersions to it alone.
 * Returns the versions dropped (empty when there was nothing to do).
 */
export async function migrateStoredVersions(client: KubeClient, wanted: Manifest): Promise<string[]> {
  const name = wanted.metadata.name;
  const installed = await client.find<CrdObject>(core.customResourceDefinition, name);
  const plan = storedVersionsPlan(installed, wanted as CrdObject);
  if (!plan.migrate || !installed) return [];
  await rewriteObjects(client, installed, plan.storage);
  for (;;) {
    const latest = await client.get<CrdObject>(core.customResourceDefinition, name);
    try {
      await client.replace(
        core.customResourceDefinition,
        { ...latest, status: { ...latest.status, storedVersions: [plan.storage] } },
        'status',
      );
      return plan.dropped;
    } catch (error) {
      if (isNotFound(error)) return plan.dropped;
      if (!(error instanceof ApiError && error.status === 409)) throw error;
    }
  }
}
