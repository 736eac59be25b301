import { ApiError, type KubeClient } from '@guardian/kube/client';
import { pollUntil } from '@guardian/kube/poll';
import { core, type Resource, resourcePath } from '@guardian/kube/resources';
import { loadManifests, type Manifest } from './index.ts';
import { KINDS } from './kinds.ts';
import { type CrdObject, migrateStoredVersions } from './stored-versions.ts';

export interface InstallOptions {
  /** The server-side apply field manager; `make dev` and the tests use `guardian-dev`. */
  fieldManager?: string;
  /** How long to wait for the CRDs to be Established and served. */
  timeoutMs?: number;
  /**
   * Only the CRDs: what the chart's pre-upgrade hook applies (`guardian install-crds`), since Helm
   * upgrades the policies and plans, which are templates, itself.
   */
  crdsOnly?: boolean;
}

// The kinds this package ships objects of, all cluster-scoped. Resolved here rather than through
// discovery so that the plans can be applied the moment their CRD is Established.
const SHIPPED: Resource[] = [
  core.customResourceDefinition,
  core.validatingAdmissionPolicy,
  core.validatingAdmissionPolicyBinding,
  ...Object.values(KINDS).filter((kind) => !kind.namespaced),
];

function resourceOf(manifest: Manifest): Resource {
  const resource = SHIPPED.find((r) => r.apiVersion === manifest.apiVersion && r.kind === manifest.kind);
  if (!resource) throw new Error(`do not know where to apply ${manifest.apiVersion} ${manifest.kind}`);
  return resource;
}

/** The apiserver path of a manifest this package ships. */
export function manifestPath(manifest: Manifest): string {
  return resourcePath(resourceOf(manifest), { name: manifest.metadata.name });
}

/** Tries `attempt` until it succeeds or the installation's deadline passes; its errors are final. */
function retrying(what: string, deadline: number, attempt: () => Promise<boolean>): Promise<true> {
  return pollUntil(what, attempt, { timeoutMs: Math.max(0, deadline - Date.now()), intervalMs: 200 });
}

const isEstablished = (crd: CrdObject | undefined) =>
  crd?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;

/**
 * Applies CustomResourceDefinitions with server-side apply and waits for them to be Established.
 * A CRD that drops a version objects may be stored in gets its storage migrated first
 * (stored-versions.ts). The manifests reach the apiserver as written: the CRD schemas'
 * `x-kubernetes-*` extensions must not go through a typed model that would drop them.
 */
export async function installDefinitions(
  client: KubeClient,
  definitions: Manifest[],
  options: InstallOptions = {},
): Promise<void> {
  const fieldManager = options.fieldManager ?? 'guardian-dev';
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (const crd of definitions) {
    await migrateStoredVersions(client, crd);
    await applying(client, crd, fieldManager, deadline);
  }
  for (const crd of definitions) {
    await retrying(`CustomResourceDefinition ${crd.metadata.name} to be Established`, deadline, async () =>
      isEstablished(await client.find<CrdObject>(core.customResourceDefinition, crd.metadata.name)),
    );
  }
}

// 404 right after a CRD is Established means its handler is not serving yet: retry. Anything
// else (an invalid manifest, a denied request) is a real error.
async function applying(
  client: KubeClient,
  manifest: Manifest,
  fieldManager: string,
  deadline: number,
): Promise<boolean> {
  try {
    await client.apply(resourceOf(manifest), manifest, { fieldManager, force: true });
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404 && Date.now() < deadline) return false;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Could not apply ${manifest.kind} ${manifest.metadata.name}: ${reason}`, {
      cause: error,
    });
  }
}

/**
 * Installs the CRDs, admission policies and default plans with server-side apply (forcing
 * ownership, so it is idempotent and repairs drift), waiting for the CRDs to be Established before
 * applying what depends on them. Used by `make dev`, the tests and `guardian install-crds`; the
 * Helm chart ships the same files.
 */
export async function installManifests(client: KubeClient, options: InstallOptions = {}): Promise<void> {
  const fieldManager = options.fieldManager ?? 'guardian-dev';
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  await installDefinitions(client, loadManifests('crds'), {
    ...options,
    timeoutMs: Math.max(0, deadline - Date.now()),
  });
  if (options.crdsOnly) return;
  for (const manifest of [...loadManifests('policies'), ...loadManifests('plans')]) {
    await retrying(`${manifest.kind} ${manifest.metadata.name} to be applied`, deadline, () =>
      applying(client, manifest, fieldManager, deadline),
    );
  }
}
