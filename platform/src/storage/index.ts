// @guardian/platform/storage: each organization's object storage (an S3 bucket its own account
// owns, or a folder), the provisioning the operator does, and the store its credentials open.
export { FileObjectStore } from './file-store.ts';
export {
  organizationBucket,
  organizationFolder,
  PLATFORM_FOLDER,
  platformBucket,
  STORAGE_SECRET,
} from './names.ts';
export { ObjectNotFound, type ObjectStore, type StoredObject, storedBytes } from './object-store.ts';
export { ORGANIZATION_MARKER, StorageConflict, StorageProvisioner } from './provisioner.ts';
export { isS3Error, type S3Access, S3ObjectStore, s3Client } from './s3-store.ts';
export {
  organizationStore,
  parseStorageSecret,
  type StorageCredentials,
  storageSecretData,
  storeWith,
} from './secret.ts';
export { type StorageTarget, storageEnv, storageTarget } from './target.ts';
export { AdminApiError, VersityAdmin } from './versitygw.ts';
