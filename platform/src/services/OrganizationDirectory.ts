import type { Organization, QuotaPolicy } from '@guardian/crds/generated';
import { KINDS } from '@guardian/crds/kinds';
import { isNotFound, type KubeClient } from '@guardian/kube/client';
import { Informer } from '@guardian/kube/informer';
import { core, type KubeObject } from '@guardian/kube/resources';
import type { Logger } from 'pino';
import { ForbiddenError } from './errors.ts';
import { deletionPending, PENDING_READ_ONLY } from './organization-view.ts';

type Org = Organization & KubeObject;
type Plan = QuotaPolicy & KubeObject;

/** The control namespace of an organization, where its Secrets live. */
export const controlNamespace = (orgId: string) => `org-${orgId}`;

/** An organization's environments: `spec.environments`, or the CRD's default when it leaves it out. */
export const environmentsOf = (org: Pick<Organization, 'spec'>): string[] =>
  org.spec.environments ?? ['production', 'staging'];

/**
 * Organizations and plans as Kubernetes holds them, read from informers: the platform keeps no
 * copy of a spec in its database, so there is nothing to drift.
 */
export class OrganizationDirectory {
  private readonly client: KubeClient;
  private readonly orgs: Informer<Org>;
  private readonly plans: Informer<Plan>;

  constructor(client: KubeClient, log: Logger) {
    this.client = client;
    this.orgs = new Informer<Org>(client, KINDS.organization, log);
    this.plans = new Informer<Plan>(client, KINDS.quotaPolicy, log);
  }

  start(): void {
    this.orgs.start();
    this.plans.start();
  }

  stop(): void {
    this.orgs.stop();
    this.plans.stop();
  }

  get synced(): boolean {
    return this.orgs.hasSynced && this.plans.hasSynced;
  }

  get plansSynced(): boolean {
    return this.plans.hasSynced;
  }

  get stale(): boolean {
    return this.orgs.isStale() || this.plans.isStale();
  }

  get(orgId: string): Organization | undefined {
    const org = this.orgs.get(orgId);
    return org?.metadata?.deletionTimestamp ? undefined : org;
  }

  list(): Organization[] {
    return this.orgs.list().filter((org) => !org.metadata?.deletionTimestamp);
  }

  /** Every request and every token re-checks its organization: deleted or suspended ones are refused. */
  requireActive(orgId: string | null): void {
    if (orgId === null) return;
    const org = this.get(orgId);
    if (!org) throw new ForbiddenError(`Organization ${orgId} does not exist`);
    if (org.spec.suspended) throw new ForbiddenError(`Organization ${orgId} is suspended`);
  }

  /** An organization pending deletion is read-only for its members (super admins are not asked). */
  requireWritable(orgId: string | null): void {
    const org = orgId === null ? undefined : this.get(orgId);
    if (org && deletionPending(org)) throw new ForbiddenError(PENDING_READ_ONLY(orgId ?? ''));
  }

  plan(org: Organization): QuotaPolicy | undefined {
    return this.plans.get(org.spec.plan);
  }

  /** Every plan (QuotaPolicy), whether an organization uses it or not. */
  allPlans(): QuotaPolicy[] {
    return this.plans.list();
  }

  /** Calls `handler` after each change the plan informer sees (and on its resyncs). */
  onPlanChange(handler: () => void): void {
    this.plans.onChange(() => handler());
  }

  /** SSO through the org's own identity provider: configured, and allowed by its plan. */
  ssoEnabled(org: Organization): boolean {
    return org.spec.sso !== undefined && this.plan(org)?.spec.features?.sso === true;
  }

  /**
   * The issuer whose assertions (email, groups) count for this org's owners, group roles and
   * domain signup: its own identity provider when SSO is on, else the instance's default one.
   * Another issuer's "alice@techcorp.com" is not techcorp's alice.
   */
  trustedIssuer(org: Organization, defaultIssuer: string): string {
    const sso = org.spec.sso;
    return sso && this.ssoEnabled(org) ? sso.issuer : defaultIssuer;
  }

  /** Organizations whose domains include `domain`, except ones the operator marked DomainConflict. */
  claimingDomain(domain: string): Organization[] {
    return this.list().filter(
      (org) =>
        (org.spec.domains ?? []).includes(domain) &&
        !(org.status?.conditions ?? []).some(
          (condition) =>
            (condition.type === 'DomainConflict' && condition.status === 'True') ||
            (condition.type === 'Ready' && condition.reason === 'DomainConflict'),
        ),
    );
  }

  /**
   * The client secret of an org's own identity provider, read with the platform's Kubernetes
   * identity from `org-<org>` at each login (a rotated Secret takes effect at once).
   */
  async ssoClientSecret(org: Organization): Promise<string | undefined> {
    const ref = org.spec.sso?.clientSecretRef;
    const orgId = org.metadata?.name;
    if (!ref || !orgId) return undefined;
    try {
      const secret = await this.client.get<KubeObject & { data?: Record<string, string> }>(
        core.secret,
        ref.name,
        controlNamespace(orgId),
      );
      const value = secret.data?.[ref.key ?? 'client-secret'];
      return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw new Error(`Could not read the SSO client secret of organization ${orgId}`, { cause: error });
    }
  }
}
