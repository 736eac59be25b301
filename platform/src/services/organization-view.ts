import type { Organization } from '@guardian/crds/generated';
import type { OrganizationView } from '../contract/organizations.ts';

/** Whether the operator has reconciled the current generation and reports it Ready. */
export function isReady(org: Organization): boolean {
  const generation = org.metadata?.generation;
  const observed = org.status?.observedGeneration;
  const ready = (org.status?.conditions ?? []).find((condition) => condition.type === 'Ready');
  return (
    ready?.status === 'True' &&
    (generation === undefined || (observed !== undefined && observed >= generation))
  );
}

/** Whether a deletion requested through the API waits for its grace period (spec.deletion). */
export function deletionPending(org: Organization): boolean {
  return org.spec.deletion !== undefined;
}

export const PENDING_READ_ONLY = (orgId: string) =>
  `Organization ${orgId} is pending deletion and read-only; an owner may restore it`;

/** An Organization as the API shows it: the seed's names at the top level, the CRD's shapes inside. */
export function organizationView(org: Organization): OrganizationView {
  const { spec } = org;
  return {
    org_id: org.metadata?.name ?? '',
    name: spec.displayName,
    domains: spec.domains ?? [],
    plan_type: spec.plan,
    owners: (spec.owners ?? []).map(({ kind, name }) => ({ kind, name })),
    environments: spec.environments ?? ['production', 'staging'],
    sso: spec.sso ?? null,
    branding: spec.branding ?? null,
    suspended: spec.suspended ?? false,
    deletion: spec.deletion
      ? {
          requested_at: spec.deletion.requestedAt,
          scheduled_at: org.status?.deletionScheduledAt ?? null,
        }
      : null,
    ready: isReady(org),
    conditions: (org.status?.conditions ?? []).map(({ type, status, reason, message }) => ({
      type,
      status,
      ...(reason ? { reason } : {}),
      ...(message ? { message } : {}),
    })),
    created_at: org.metadata?.creationTimestamp ?? null,
  };
}
