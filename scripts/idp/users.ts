import { createHash, timingSafeEqual } from 'node:crypto';
import type { IssuerName } from './config.ts';

export interface DemoUser {
  /** Stable and opaque, so nothing downstream can mistake the subject for the email. */
  sub: string;
  email: string;
  emailVerified: boolean;
  name: string;
  groups: string[];
}

/** Every demo user's password (see DESIGN.md, "Local stack and entry points"). */
export const DEMO_PASSWORD = 'demo';

export const USERS: Record<IssuerName, DemoUser[]> = {
  default: [
    {
      sub: 'u-0adddc73f09fbe1f8e7a',
      email: 'root@guardian.local',
      emailVerified: true,
      name: 'Root Admin',
      groups: ['guardian-admins'],
    },
    {
      sub: 'u-1eba598c154d3c171a7e',
      email: 'carol@startupco.io',
      emailVerified: true,
      name: 'Carol Startup',
      groups: ['startupco-owners'],
    },
    // StartupCo's other people (their roles come from `make dev`'s demo data, scripts/demo-orgs.ts).
    {
      sub: 'u-5fbf3e8e5a948732aaa5',
      email: 'dana@startupco.io',
      emailVerified: true,
      name: 'Dana Reviewer',
      groups: [],
    },
    {
      sub: 'u-89d9ec80d27cc5074c8c',
      email: 'erin@startupco.io',
      emailVerified: true,
      name: 'Erin Engineer',
      groups: [],
    },
    {
      sub: 'u-a334a2840b62cf111dd4',
      email: 'frank@startupco.io',
      emailVerified: true,
      name: 'Frank Lead',
      groups: [],
    },
    // Unverified: the platform must refuse her a domain-based signup.
    {
      sub: 'u-83480d5b642a28dd07ad',
      email: 'eve@startupco.io',
      emailVerified: false,
      name: 'Eve',
      groups: [],
    },
  ],
  techcorp: [
    {
      sub: 't-92688f8c7b5076fb1e21',
      email: 'alice@techcorp.com',
      emailVerified: true,
      name: 'Alice Techcorp',
      groups: ['techcorp-platform-owners'],
    },
    {
      sub: 't-563d4a7c8d69336a7dc7',
      email: 'bob@techcorp.com',
      emailVerified: true,
      name: 'Bob Techcorp',
      groups: ['techcorp-developers'],
    },
    {
      sub: 't-c6bf2d01b7d7fbdd9393',
      email: 'dave@techcorp.com',
      emailVerified: false,
      name: 'Dave',
      groups: [],
    },
  ],
};

export function findUser(issuer: IssuerName, sub: string): DemoUser | undefined {
  return USERS[issuer].find((user) => user.sub === sub);
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The user these credentials sign in, if any. Digests give equal lengths for `timingSafeEqual`,
 * and an unknown email still costs a comparison so timing does not reveal which emails exist.
 */
export function authenticate(issuer: IssuerName, email: string, password: string): DemoUser | undefined {
  const user = USERS[issuer].find((candidate) => candidate.email === email.trim().toLowerCase());
  const matches = timingSafeEqual(digest(password), digest(DEMO_PASSWORD));
  return user && matches ? user : undefined;
}
