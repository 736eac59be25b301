import { randomBytes } from 'node:crypto';
import type { Organization } from '@guardian/crds/generated';
import { KINDS } from '@guardian/crds/kinds';
import type { KubeClient } from '@guardian/kube/client';
import type { Informer } from '@guardian/kube/informer';
import { core, type KubeObject, keyOf } from '@guardian/kube/resources';
import {
  parseStorageSecret,
  STORAGE_SECRET,
  StorageConflict,
  type StorageCredentials,
  type StorageProvisioner,
  storageSecretData,
} from '@guardian/platform/storage';
import type { ChildWriter } from '../runtime/children.ts';
import { failpoint } from '../runtime/failpoint.ts';
import { controlNamespace, managedLabels, ownedBy } from '../tenancy/names.ts';
import { keepSecretCopy } from './retained.ts';
import type { VerifiedDatabases } from './verified-databases.ts';

export const STORAGE_FINALIZER = 'guardian.aiops.dev/tenant-storage';
/** Its own field manager, so that this finalizer and the database's are applied independently. */
const STORAGE_FIELD_MANAGER = 'guardian-operator-storage';

export interface StorageOutcome {
  ready: boolean;
  reason: string;
  message: string;
  /** A failure worth retrying with backoff, after the status says what happened. */
  retry?: Error;
}

export interface StorageDeps {
  client: KubeClient;
  children: ChildWriter;
  provisioner: StorageProvisioner;
  secrets: Informer<KubeObject>;
  /** Where the Secret of retained storage is kept once its organization is gone. */
  operatorNamespace: string;
  /** Organizations whose storage this process provisioned or checked lately (keyed by the secret key). */
  verified: VerifiedDatabases;
}

interface Secret extends KubeObject {
  data?: Record<string, string>;
  type?: string;
}

/** The Secret with the organization's storage credentials: the only place its secret key lives. */
export function desiredStorageSecret(org: Organization, credentials: StorageCredentials): Secret {
  const name = org.metadata?.name ?? '';
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: STORAGE_SECRET,
      namespace: controlNamespace(name),
      labels: managedLabels(name),
      ownerReferences: ownedBy(org),
    },
    type: 'Opaque',
    data: storageSecretData(credentials),
  };
}

/** Deleting the organization removes its storage (Delete) or keeps it (Retain); the database's policy by default. */
export function storageDeletionPolicy(org: Organization): 'Delete' | 'Retain' {
  return org.spec.storage?.deletionPolicy ?? org.spec.database?.deletionPolicy ?? 'Delete';
}

async function applyFinalizer(client: KubeClient, org: Organization, present: boolean): Promise<void> {
  await client.apply(
    KINDS.organization,
    {
      apiVersion: KINDS.organization.apiVersion,
      kind: KINDS.organization.kind,
      metadata: { name: org.metadata?.name, ...(present ? { finalizers: [STORAGE_FINALIZER] } : {}) },
    },
    { fieldManager: STORAGE_FIELD_MANAGER },
  );
}

/**
 * Provisions the organization's object storage: the Secret first (a new random secret key, or the
 * one it holds), then the account with that key and the bucket it owns (or the folder). Never
 * rejects; failures come back as an outcome.
 */
export async function syncStorage(deps: StorageDeps, org: Organization): Promise<StorageOutcome> {
  const { provisioner } = deps;
  if (!provisioner.configured) {
    return {
      ready: true,
      reason: 'NotConfigured',
      message: 'No object storage is configured (S3_ENDPOINT or STORAGE_DIR): no bucket, no backups',
    };
  }
  const orgName = org.metadata?.name ?? '';
  const uid = org.metadata?.uid ?? '';
  try {
    if (!org.metadata?.finalizers?.includes(STORAGE_FINALIZER)) await applyFinalizer(deps.client, org, true);
    // The informer may not have seen the Secret an earlier pass wrote: ask before making a new key.
    const existing =
      (deps.secrets.get(`${controlNamespace(orgName)}/${STORAGE_SECRET}`) as Secret | undefined) ??
      (await deps.client.find<Secret>(core.secret, STORAGE_SECRET, controlNamespace(orgName)));
    const held = parseStorageSecret(existing?.data);
    const secretKey = held?.type === 's3' ? held.secretAccessKey : randomBytes(30).toString('base64url');
    const credentials = provisioner.credentials(orgName, secretKey);
    await deps.children.ensure(core.secret, deps.secrets, desiredStorageSecret(org, credentials));
    const ready = {
      ready: true,
      reason: 'Provisioned',
      message: `Object storage: ${provisioner.describe(orgName)}`,
    };
    const fingerprint = JSON.stringify(credentials);
    if (deps.verified.has(uid, 'storage', fingerprint)) return ready;
    failpoint('storage-after-secret', keyOf(org));
    await provisioner.ensure(orgName, uid, credentials);
    deps.verified.add(uid, 'storage', fingerprint);
    return ready;
  } catch (error) {
    if (error instanceof StorageConflict)
      return { ready: false, reason: 'StorageConflict', message: error.message };
    return {
      ready: false,
      reason: 'ProvisioningFailed',
      message: 'Could not provision the object storage; retrying',
      retry: error instanceof Error ? error : new Error(String(error)),
    };
  }
}

/**
 * Runs before the Organization goes: removes its bucket, objects and account (Delete) or keeps
 * them and copies their Secret to the operator's namespace (Retain); then releases the finalizer.
 * Storage marked as another organization's is never removed.
 */
export async function finalizeStorage(deps: StorageDeps, org: Organization): Promise<void> {
  deps.verified.delete(org.metadata?.uid ?? '');
  if (!org.metadata?.finalizers?.includes(STORAGE_FINALIZER)) return;
  const orgName = org.metadata?.name ?? '';
  if (deps.provisioner.configured) {
    if (storageDeletionPolicy(org) === 'Retain') {
      const secret = deps.secrets.get(`${controlNamespace(orgName)}/${STORAGE_SECRET}`) as Secret | undefined;
      if (secret?.data) {
        const copy = { name: `retained-storage-${orgName}`, namespace: deps.operatorNamespace };
        await keepSecretCopy(
          deps.client,
          { ...copy, organization: orgName, fieldManager: STORAGE_FIELD_MANAGER },
          secret.data,
        );
      }
    } else {
      await deps.provisioner.remove(orgName, org.metadata?.uid ?? '');
    }
  }
  failpoint('storage-during-deletion', keyOf(org));
  await applyFinalizer(deps.client, org, false);
}
