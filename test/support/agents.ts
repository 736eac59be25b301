// Agent runs against the real stack: a platform and an operator of the suite's own, its
// organizations Ready (namespaces, the agent's ServiceAccount and RBAC, the impersonation binding
// for this platform, a tenant database), tokens for callers, and the platform's own path to a
// snapshot (the organization's agent impersonated through the platform's ServiceAccount).

import { randomUUID } from 'node:crypto';
import type { OrganizationSpec } from '@guardian/crds/generated';
import { KubeClient } from '@guardian/kube/client';
import type { Clock } from '@guardian/kube/clock';
import { loadClusterAccess } from '@guardian/kube/kubeconfig';
import type { KubeObject } from '@guardian/kube/resources';
import { afterAll, beforeAll } from 'vitest';
import { agentUser, readSnapshot } from '../../platform/src/agent-runs/snapshot-reader.ts';
import {
  type Agent,
  type AgentSettings,
  buildSnapshot,
  type Evaluation,
  evaluate,
} from '../../platform/src/agents/index.ts';
import type { KubeManifest } from '../../platform/src/agents/testing/case.ts';
import type { OrgRole } from '../../platform/src/rbac.ts';
import { operatorSuite, SUITE_LABEL } from './operator-suite.ts';
import { call, organization, platformKubeconfig } from './platform.ts';
import { type PlatformSuite, platformSuite } from './platform-suite.ts';
import { organizationReady } from './tenancy.ts';

export interface AgentSuiteOptions {
  /** The suite's name: its operator selects its organizations by it. */
  suite: string;
  plans: object[];
  /** Organizations (with their plan and environments), Ready before the tests. */
  organizations: Array<{ name: string; spec: Partial<OrganizationSpec> }>;
  clock?: Clock;
  agents?: readonly Agent[];
  logs?: boolean;
  env?: Record<string, string>;
  /** A mail sink, as the platform's SMTP_URL. */
  smtp?: boolean;
}

export interface AgentSuite {
  readonly platform: PlatformSuite;
  /** The platform's own client (its ServiceAccount), as the platform builds it. */
  readonly kube: KubeClient;
  /** An organization of the suite as it was applied (labelled for the suite's operator). */
  organization(name: string): { metadata: { name: string }; spec: Record<string, unknown> };
  /** A token for a caller with `role` in `org` (and `teams` there); its user id is random. */
  token(org: string, role: OrgRole, teams?: string[]): Promise<{ token: string; userId: string }>;
  /** A request to the platform with a bearer token. */
  call(method: string, path: string, token: string, body?: unknown): ReturnType<typeof call>;
  /** What a run of `agents` over `namespace` finds, read exactly as the platform reads it. */
  evaluateDirectly(
    org: string,
    namespace: string,
    agents: readonly Agent[],
    options: { now: number; settings: AgentSettings },
  ): Promise<Evaluation>;
}

export function agentSuite(options: AgentSuiteOptions): AgentSuite {
  const organizations = options.organizations.map(({ name, spec }) => {
    const org = organization(name, spec);
    return { ...org, metadata: { ...org.metadata, labels: { [SUITE_LABEL]: options.suite } } };
  });
  const platform = platformSuite({
    plans: options.plans,
    organizations,
    clock: options.clock,
    agents: options.agents,
    logs: options.logs,
    env: options.env,
    smtp: options.smtp,
  });
  // The operator binds the impersonation (and the tenant database Secret's Role) to this platform.
  const operator = operatorSuite({ suite: options.suite, env: { PLATFORM_NAMESPACE: platform.namespace } });
  operator.track(...options.organizations.map(({ name }) => name));
  let kube: KubeClient | undefined;

  beforeAll(async () => {
    await Promise.all(options.organizations.map(({ name }) => organizationReady(name, 'True', 120_000)));
    kube = new KubeClient(loadClusterAccess({ KUBECONFIG: await platformKubeconfig(platform.namespace) }));
  });
  afterAll(async () => {
    await kube?.close();
  });

  const client = () => {
    if (!kube) throw new Error('The suite is set up in beforeAll');
    return kube;
  };
  return {
    platform,
    organization(name) {
      const org = organizations.find((candidate) => candidate.metadata.name === name);
      if (!org) throw new Error(`${name} is not an organization of the suite`);
      return org;
    },
    get kube() {
      return client();
    },
    async token(org, role, teams = []) {
      const userId = randomUUID();
      const { token } = await platform.platform.tokens.issue(
        userId,
        { superAdmin: false, orgs: { [org]: role }, teams: { [org]: teams } },
        org,
      );
      return { token, userId };
    },
    call: (method, path, token, body) => call(platform.url, method, path, token, body),
    async evaluateDirectly(org, namespace, agents, { now, settings }) {
      const input = await readSnapshot(
        { agent: client().impersonating(agentUser(org)), cluster: client() },
        namespace,
      );
      return evaluate(agents, buildSnapshot(input), { now, settings });
    },
  };
}

/**
 * A manifest of the case tables' kind (their builders: `deployment(name, podSpec(...))`) placed in
 * `namespace`, without the status only controllers write: what a test applies.
 */
export function inNamespace(object: KubeManifest, namespace: string): KubeObject {
  const { status: _, ...rest } = object as KubeManifest & { status?: unknown };
  // Manifests hold no timestamps (KubeManifest forbids creationTimestamp), only client-node's typing does.
  return { ...rest, metadata: { ...object.metadata, namespace } } as KubeObject;
}
