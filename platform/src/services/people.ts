import type { Role } from '../rbac.ts';
import type { UserStore } from '../stores/UserStore.ts';
import { type Person, PLATFORM_REQUESTER_PREFIX, platformUserOf } from '../workflows/index.ts';
import type { AccessService } from './AccessService.ts';
import type { Actor } from './actor.ts';

/** No platform user: memberships of this id are none (the column is a uuid). */
const NOBODY = '00000000-0000-0000-0000-000000000000';

/**
 * Who a decision's `spec.user` is, for the platform's verdict: `guardian:<id>` a platform user,
 * `<prefix><email>` (the apiserver's OIDC username) the person with that verified email at the
 * default issuer, which the apiserver trusts. Their role and Teams in the organization come from
 * AccessService, as at login (SSO group roles excepted: groups are known only at login).
 */
export class People {
  private readonly users: Pick<UserStore, 'get' | 'findVerified'>;
  private readonly access: Pick<AccessService, 'access'>;
  private readonly issuer: string;
  private readonly prefix: string;

  constructor(options: {
    users: Pick<UserStore, 'get' | 'findVerified'>;
    access: Pick<AccessService, 'access'>;
    defaultIssuer: string;
    subjectPrefix: string;
  }) {
    this.users = options.users;
    this.access = options.access;
    this.issuer = options.defaultIssuer;
    this.prefix = options.subjectPrefix;
  }

  /** The names a run's requestedBy may give a platform user (and their verified email). */
  private names(userId: string | undefined, email: string | null): string[] {
    return [
      ...(userId ? [`${PLATFORM_REQUESTER_PREFIX}${userId}`] : []),
      ...(email ? [`${this.prefix}${email.toLowerCase()}`, `${this.prefix}${email}`] : []),
    ];
  }

  /** The person a username names in `orgId`, or undefined for nobody the platform knows. */
  async resolve(user: string, orgId: string): Promise<Person | undefined> {
    const platformId = platformUserOf(user);
    let found: { id: string; issuer: string; email: string | null; emailVerified: boolean } | undefined;
    let email: string | null = null;
    if (platformId !== undefined) {
      if (!/^[0-9a-f-]{36}$/i.test(platformId)) return undefined;
      found = await this.users.get(platformId);
      if (!found) return undefined;
      email = found.issuer === this.issuer && found.emailVerified ? found.email : null;
    } else if (user.startsWith(this.prefix) && user.includes('@')) {
      email = user.slice(this.prefix.length);
      found = await this.users.findVerified(this.issuer, email);
    } else {
      return undefined;
    }
    const access = await this.access.access({
      userId: found?.id ?? NOBODY,
      issuer: found?.issuer ?? this.issuer,
      email: email ?? found?.email ?? null,
      emailVerified: email !== null || (found?.emailVerified ?? false),
      groups: [],
    });
    const role: Role | null = access.superAdmin ? 'super_admin' : (access.orgs[orgId] ?? null);
    return {
      id: found?.id ?? user,
      role,
      teamRoles: access.teamRoles?.[orgId] ?? {},
      names: [...this.names(found?.id, email), user],
    };
  }

  /**
   * The person acting through the API: role and Teams as their verified credential says; their
   * names (to recognize their own runs, however started) from their user.
   */
  async ofActor(actor: Actor): Promise<Person> {
    const user = /^[0-9a-f-]{36}$/i.test(actor.userId) ? await this.users.get(actor.userId) : undefined;
    const email = user && user.issuer === this.issuer && user.emailVerified ? user.email : null;
    return {
      id: actor.userId,
      role: actor.superAdmin ? 'super_admin' : actor.role,
      teamRoles: (actor.orgId === null ? undefined : actor.teamRoles?.[actor.orgId]) ?? {},
      names: this.names(actor.userId, email),
    };
  }
}
