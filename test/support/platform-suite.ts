// The setup most platform suites share, registered once with vitest: Guardian's CRDs, the suite's plans,
// organizations and teams, the platform started as its own ServiceAccount and seeing them, and
// everything removed afterwards. What a suite does beyond that (users signing in, an operator,
// its own database handles) stays in the suite, in hooks registered after this one: vitest runs
// beforeAll hooks in order and afterAll hooks in reverse, so those run inside this setup.

import { isDeepStrictEqual } from 'node:util';
import type { Clock } from '@guardian/kube/clock';
import { afterAll, beforeAll } from 'vitest';
import type { Agent } from '../../platform/src/agents/index.ts';
import type { Platform } from '../../platform/src/platform.ts';
import { uniqueName } from './kube.ts';
import { applyGuardianManifests } from './operator.ts';
import {
  applyAll,
  createSsoSecret,
  deleteAll,
  deleteNamespace,
  ensureControlNamespace,
  platformKubeconfig,
  startPlatform,
  type TestPlatform,
  until,
} from './platform.ts';
import { startSmtp, type TestSmtp } from './smtp.ts';

/** A plan, an organization or a team, as the tests write them. */
interface TestObject {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}
interface Organization {
  metadata: { name: string };
  spec: Record<string, unknown>;
}

export interface PlatformSuiteOptions {
  plans: TestObject[];
  organizations: TestObject[];
  /** Teams the platform must see before the tests start, in namespaces of `controlNamespaces`. */
  teams?: TestObject[];
  /** Organizations whose control namespace org-<org> the suite makes as the operator would. */
  controlNamespaces?: string[];
  /** Organizations given the SSO client Secret `sso-client` in org-<org>, readable by the platform. */
  ssoSecrets?: string[];
  /** A mail sink, as the platform's SMTP_URL. */
  smtp?: boolean;
  env?: Record<string, string>;
  clock?: Clock;
  unknownKidReloadMs?: number;
  /** The agents runs may select, when the suite brings its own. */
  agents?: readonly Agent[];
  /** Keep the platform's log lines (debug level) in `logs`. */
  logs?: boolean;
}

export interface PlatformSuite {
  /** The platform's own namespace, where its ServiceAccount lives. */
  readonly namespace: string;
  readonly url: string;
  /** Where the platform serves /metrics (a port of its own). */
  readonly metricsUrl: string;
  readonly platform: Platform;
  readonly smtp: TestSmtp;
  /** Applies test objects; waits until the platform sees the organizations (with plans) and teams. */
  apply(...objects: TestObject[]): Promise<void>;
  /** The platform's log lines, when the suite keeps them (`logs: true`). */
  readonly logs: string[];
  /** Changes top-level fields of an organization's spec; waits until the platform has the change. */
  changeOrganization(org: Organization, change: Record<string, unknown>): Promise<void>;
}

/** Whether the platform's informers hold `object` (plans count through their organizations). */
function sees(platform: Platform, object: TestObject): boolean {
  const name = object.metadata?.name ?? '';
  if (object.kind === 'Organization') {
    const org = platform.directory.get(name);
    return org !== undefined && platform.directory.plan(org) !== undefined;
  }
  if (object.kind === 'Team') {
    const org = (object.metadata?.namespace ?? '').replace(/^org-/, '');
    return platform.teams.get(org, name) !== undefined;
  }
  return true;
}

export function platformSuite(options: PlatformSuiteOptions): PlatformSuite {
  const namespace = uniqueName('it-platform');
  const { plans, organizations, teams = [], controlNamespaces = [], ssoSecrets = [] } = options;
  let api: TestPlatform | undefined;
  let smtp: TestSmtp | undefined;
  const logs: string[] = [];
  const started = () => {
    if (!api) throw new Error('The platform is started in beforeAll');
    return api;
  };
  const seeing = (what: string, objects: TestObject[]) =>
    until(what, () => objects.every((object) => sees(started().platform, object)));

  beforeAll(async () => {
    // A suite may be the first to run on a fresh stack: Guardian's CRDs, policies and plans first.
    await applyGuardianManifests();
    await applyAll(...plans, ...organizations);
    for (const org of controlNamespaces) await ensureControlNamespace(org);
    await applyAll(...teams);
    for (const org of ssoSecrets) await createSsoSecret(org, 'sso-client', namespace);
    if (options.smtp) smtp = await startSmtp();
    api = await startPlatform({
      kubeconfig: await platformKubeconfig(namespace),
      clock: options.clock,
      unknownKidReloadMs: options.unknownKidReloadMs,
      env: { ...options.env, ...(smtp ? { SMTP_URL: smtp.url } : {}) },
      agents: options.agents,
      ...(options.logs ? { logs } : {}),
    });
    await seeing('the platform to see the organizations and teams', [...organizations, ...teams]);
  });
  afterAll(async () => {
    await api?.stop();
    await smtp?.stop();
    await deleteAll(...[...plans, ...organizations, ...teams].reverse());
    for (const org of new Set([...controlNamespaces, ...ssoSecrets])) await deleteNamespace(`org-${org}`);
    await deleteNamespace(namespace);
  });

  return {
    namespace,
    logs,
    get url() {
      return started().url;
    },
    get metricsUrl() {
      return started().metricsUrl;
    },
    get platform() {
      return started().platform;
    },
    get smtp() {
      if (!smtp) throw new Error('The suite has no mail sink: platformSuite({ smtp: true })');
      return smtp;
    },
    async apply(...objects) {
      await applyAll(...objects);
      await seeing(`the platform to see ${objects.map((o) => o.metadata?.name).join(', ')}`, objects);
    },
    async changeOrganization(org, change) {
      await applyAll({ ...org, spec: { ...org.spec, ...change } });
      await until(`the platform to see ${org.metadata.name} with ${JSON.stringify(change)}`, () => {
        const spec: Record<string, unknown> = {
          ...started().platform.directory.get(org.metadata.name)?.spec,
        };
        return Object.entries(change).every(([field, value]) => isDeepStrictEqual(spec[field], value));
      });
    },
  };
}
