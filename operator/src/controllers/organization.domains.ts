import type { Organization } from '@guardian/crds/generated';

export interface DomainClaim {
  domain: string;
  /** The older organization that holds the domain. */
  heldBy: string;
}

const age = (org: Organization) => [org.metadata?.creationTimestamp ?? '', org.metadata?.name ?? ''] as const;
const olderThan = (a: Organization, b: Organization) => {
  const [aTime, aName] = age(a);
  const [bTime, bName] = age(b);
  return aTime < bTime || (aTime === bTime && aName < bName);
};

/**
 * The domains of `org` that an older organization also claims. Domain-based signup trusts a
 * domain to name one organization, so the newer claimant gets DomainConflict and no signups.
 */
export function domainConflicts(org: Organization, all: Organization[]): DomainClaim[] {
  const claims: DomainClaim[] = [];
  for (const domain of org.spec.domains ?? []) {
    const older = all
      .filter((other) => other.metadata?.name !== org.metadata?.name && !other.metadata?.deletionTimestamp)
      .filter((other) => other.spec.domains?.includes(domain) && olderThan(other, org))
      .sort((a, b) => (olderThan(a, b) ? -1 : 1))[0];
    if (older) claims.push({ domain, heldBy: older.metadata?.name ?? '' });
  }
  return claims;
}

/** Organizations sharing a domain with `org`: they must be reconciled again when it changes. */
export function sharingDomains(org: Organization, all: Organization[]): Organization[] {
  const domains = new Set(org.spec.domains ?? []);
  return all.filter(
    (other) => other.metadata?.name !== org.metadata?.name && other.spec.domains?.some((d) => domains.has(d)),
  );
}
