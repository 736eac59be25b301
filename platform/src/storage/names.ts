/**
 * The Secret in an organization's control namespace `org-<org>` with the credentials of its object
 * storage: `type` (`s3` or `filesystem`); for s3 `endpoint`, `region`, `bucket`, `access-key-id`,
 * `secret-access-key`; for a filesystem `path`. The only place an organization's storage secret lives.
 */
export const STORAGE_SECRET = 'guardian-storage';

/** An organization's bucket, and the name of the account that owns it: `<prefix>org-<org>`. */
export function organizationBucket(prefix: string, org: string): string {
  return `${prefix}org-${org}`;
}

/** The bucket of the platform database's backups: `<prefix>platform` (no organization's, which start `org-`). */
export function platformBucket(prefix: string): string {
  return `${prefix}platform`;
}

/** Where an organization's objects live under a filesystem target's root. */
export function organizationFolder(org: string): string {
  return `org-${org}`;
}

export const PLATFORM_FOLDER = 'platform';
