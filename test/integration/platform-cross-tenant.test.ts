import { randomBytes } from 'node:crypto';
import { API_VERSION, KINDS } from '@guardian/crds/kinds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiKeyPermissionsOf,
  onlyOnLedTeams,
  type Permission,
  permissionsOf,
  ROLES,
  type Role,
} from '../../platform/src/rbac.ts';
import { adminClient, uniqueName } from '../support/kube.ts';
import { operatorSuite, SUITE_LABEL } from '../support/operator-suite.ts';
import {
  type Answer,
  call,
  createUser,
  deleteAll,
  organization,
  quotaPolicy,
  setMembership,
  signedIn,
} from '../support/platform.ts';
import { platformSuite } from '../support/platform-suite.ts';
import { recordGoneRemediation } from '../support/remediation.ts';
import { organizationReady, team } from '../support/tenancy.ts';
import { webhookDeliveryIn, webhookIn } from '../support/webhooks.ts';
import { startRun } from '../support/workflows.ts';

/** The ids a request names: of the caller's own organization, or of another one. */
interface Ids {
  org: string;
  run: string;
  team: string;
  user: string;
  key: string;
  invitation: string;
  member: string;
  workflow: string;
  webhook: string;
  delivery: string;
  session: string;
}

interface Case {
  permission: Permission | 'platform:admin';
  path: (ids: Ids) => string;
  body?: () => unknown;
  /** Where one request changes or removes what it names: fresh own ids for each request. */
  fresh?: (own: Ids) => Promise<Partial<Ids>>;
  /** For a principal allowed to destroy what it names: a disposable target and a token that holds it. */
  disposable?: (principal: Principal) => Promise<{ ids?: Partial<Ids>; token?: string }>;
  /**
   * What an allowed caller's request answers where success needs a state the matrix does not build
   * (a decision needs a gate awaiting one): allowed, and refused only by that state.
   */
  allowedAnswer?: number;
}

type Principal = Role | 'api_key' | 'anonymous';
const PRINCIPALS: Principal[] = [...ROLES, 'api_key', 'anonymous'];
/** The API key's role; the matrix holds it to what that role may do. */
const KEY_ROLE: Role = 'org_admin';

const unique = () => randomBytes(4).toString('hex');

/**
 * The cross-tenant matrix: every tenant route of the router's own table (its OpenAPI document) ×
 * every principal, once with another organization's ids (401, 403 or 404, answered exactly as for
 * ids that do not exist) and once with the caller's own (success where the permission matrix
 * allows it, else 401/403). A route without a case here fails the test.
 */
describe('platform cross-tenant matrix', () => {
  // With webhooks (customIntegrations), so their routes succeed where the matrix allows.
  const basicPlan = quotaPolicy(uniqueName('it-plan'), {
    displayName: 'matrix',
    features: { sso: false, customIntegrations: 'full' },
  });
  // Provisioned by an operator of the suite's own (agent runs need their namespaces and databases).
  const labelled = <T extends { metadata: object }>(object: T): T => ({
    ...object,
    metadata: { ...object.metadata, labels: { [SUITE_LABEL]: 'cross-tenant' } },
  });
  const orgA = labelled(
    organization(uniqueName('it-mx-a'), {
      plan: basicPlan.metadata.name,
      owners: [{ kind: 'User', name: 'carol@startupco.io' }],
      environments: ['production'],
    }),
  );
  const orgB = labelled(
    organization(uniqueName('it-mx-b'), {
      displayName: 'Bravo Secret Corp',
      plan: basicPlan.metadata.name,
      owners: [{ kind: 'User', name: 'b-owner@bravo.example' }],
      environments: ['production'],
    }),
  );
  const a = orgA.metadata.name;
  const b = orgB.metadata.name;
  const teamB = team(b, 'b-team', {
    displayName: 'Bravo Hidden Team',
    members: [{ kind: 'User', name: 'b-member@bravo.example' }],
  });
  const created: string[] = [];
  const api = platformSuite({
    plans: [basicPlan],
    organizations: [orgA, orgB],
    smtp: true,
  });
  operatorSuite({ suite: 'cross-tenant', env: { PLATFORM_NAMESPACE: api.namespace } }).track(a, b);
  let carol: string;
  let root: string;
  const tokens = new Map<Principal, string | undefined>();
  let own: Ids;
  let eve: Awaited<ReturnType<typeof signedIn>>;
  let foreign: Ids;
  let missing: Ids;

  const send = (
    principal: Principal,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    token = tokens.get(principal),
  ) =>
    call(api.url, method, path, token, body, {
      ...(principal === 'super_admin' ? { 'x-org-id': a } : {}),
      ...headers,
    });

  /** An organization of its own for a principal allowed to delete (or restore) one, and a token holding it. */
  const disposableOrganization = async (
    principal: Principal,
    prefix: string,
    pendingDeletion = false,
  ): Promise<{ ids?: Partial<Ids>; token?: string }> => {
    if (!allowed(principal, 'org:delete')) return {};
    const id = uniqueName(prefix);
    created.push(id);
    await api.apply(
      organization(id, { plan: basicPlan.metadata.name, owners: [{ kind: 'Group', name: 'none' }] }),
    );
    if (pendingDeletion) {
      // Through the API, as owners do: the platform then owns spec.deletion and may remove it.
      const path = `/tenants/organizations/${id}?confirm=${id}`;
      expect((await call(api.url, 'DELETE', path, tokens.get('super_admin'))).status).toBe(202);
    }
    if (principal !== 'org_owner') return { ids: { org: id } };
    await setMembership(id, eve.userId, 'org_owner');
    return { ids: { org: id }, token: await eve.browser.token(a) };
  };
  const CASES: Record<string, Case> = {
    'get /whoami': { permission: 'org:read', path: () => '/whoami' },
    'get /usage': { permission: 'usage:read', path: () => '/usage' },
    'get /audit': { permission: 'audit:read', path: () => '/audit' },
    'get /audit/verify': { permission: 'audit:verify', path: () => '/audit/verify' },
    'post /tenants/organizations': {
      permission: 'platform:admin',
      path: () => '/tenants/organizations',
      body: () => {
        const id = uniqueName('it-mx-new');
        created.push(id);
        return {
          name: 'Matrix',
          owner_email: 'carol@startupco.io',
          plan_type: basicPlan.metadata.name,
          org_id: id,
        };
      },
    },
    'get /tenants/organizations': { permission: 'org:read', path: () => '/tenants/organizations' },
    'get /tenants/organizations/{org_id}': {
      permission: 'org:read',
      path: (ids) => `/tenants/organizations/${ids.org}`,
    },
    'patch /tenants/organizations/{org_id}': {
      permission: 'org:update',
      path: (ids) => `/tenants/organizations/${ids.org}`,
      body: () => ({ name: 'Alpha' }),
    },
    'delete /tenants/organizations/{org_id}': {
      permission: 'org:delete',
      path: (ids) => `/tenants/organizations/${ids.org}?confirm=${ids.org}`,
      // Deleting organization A would end the matrix: whoever may delete gets one of their own.
      disposable: (principal) => disposableOrganization(principal, 'it-mx-del'),
    },
    'post /tenants/organizations/{org_id}/restore': {
      permission: 'org:delete',
      path: (ids) => `/tenants/organizations/${ids.org}/restore`,
      // Only an organization pending deletion can be restored.
      disposable: (principal) => disposableOrganization(principal, 'it-mx-res', true),
    },
    'get /tenants/organizations/{org_id}/analytics': {
      permission: 'analytics:read',
      path: (ids) => `/tenants/organizations/${ids.org}/analytics`,
    },
    'post /tenants/teams': {
      permission: 'teams:manage',
      path: () => '/tenants/teams',
      body: () => ({ name: `Team ${unique()}` }),
    },
    'get /tenants/teams': { permission: 'teams:read', path: () => '/tenants/teams' },
    'get /tenants/teams/{team_id}': { permission: 'teams:read', path: (ids) => `/tenants/teams/${ids.team}` },
    'patch /tenants/teams/{team_id}': {
      permission: 'teams:manage',
      path: (ids) => `/tenants/teams/${ids.team}`,
      body: () => ({ description: 'matrix' }),
    },
    'delete /tenants/teams/{team_id}': {
      permission: 'teams:manage',
      path: (ids) => `/tenants/teams/${ids.team}`,
      fresh: async () => ({ team: await createTeam() }),
    },
    'get /tenants/teams/{team_id}/members': {
      permission: 'teams:read',
      path: (ids) => `/tenants/teams/${ids.team}/members`,
    },
    'put /tenants/teams/{team_id}/members/{kind}/{name}': {
      permission: 'teams:manage',
      path: (ids) => `/tenants/teams/${ids.team}/members/${ids.member}`,
      body: () => ({ role: 'read_only' }),
    },
    'delete /tenants/teams/{team_id}/members/{kind}/{name}': {
      permission: 'teams:manage',
      path: (ids) => `/tenants/teams/${ids.team}/members/${ids.member}`,
      fresh: async (ids) => {
        const member = `users/m-${unique()}@alpha.example`;
        await call(api.url, 'PUT', `/tenants/teams/${ids.team}/members/${member}`, carol, {});
        return { member };
      },
    },
    'get /tenants/members': { permission: 'members:read', path: () => '/tenants/members' },
    'patch /tenants/members/{user_id}': {
      permission: 'members:manage',
      path: (ids) => `/tenants/members/${ids.user}`,
      body: () => ({ role: 'read_only' }),
    },
    'delete /tenants/members/{user_id}': {
      permission: 'members:manage',
      path: (ids) => `/tenants/members/${ids.user}`,
      fresh: async () => {
        const user = await createUser();
        await setMembership(a, user, 'team_member');
        return { user };
      },
    },
    'post /tenants/api-keys': {
      permission: 'apikeys:manage',
      path: () => '/tenants/api-keys',
      body: () => ({ name: 'matrix', role: 'read_only' }),
    },
    'get /tenants/api-keys': { permission: 'apikeys:manage', path: () => '/tenants/api-keys' },
    'delete /tenants/api-keys/{key_id}': {
      permission: 'apikeys:manage',
      path: (ids) => `/tenants/api-keys/${ids.key}`,
      fresh: async () => ({ key: await mintKey(carol) }),
    },
    'get /agents': { permission: 'agents:read', path: () => '/agents' },
    'post /agents/runs': {
      permission: 'agents:run',
      path: () => '/agents/runs',
      body: () => ({ environment: 'production', agents: ['probes'] }),
    },
    'get /agents/runs': { permission: 'agents:read', path: () => '/agents/runs' },
    'get /agents/runs/{run_id}': { permission: 'agents:read', path: (ids) => `/agents/runs/${ids.run}` },
    'get /findings': { permission: 'agents:read', path: () => '/findings' },
    'get /environments': { permission: 'agents:read', path: () => '/environments' },
    'post /workflows/start': {
      permission: 'workflows:create',
      path: () => '/workflows/start',
      body: () => ({ workflow_type: 'deployment_health_check', parameters: { window: '1s' } }),
    },
    'get /workflows': { permission: 'workflows:read', path: () => '/workflows' },
    'get /workflows/templates': { permission: 'workflows:read', path: () => '/workflows/templates' },
    'get /workflows/{workflow_id}': {
      permission: 'workflows:read',
      path: (ids) => `/workflows/${ids.workflow}`,
    },
    'post /workflows/{workflow_id}/cancel': {
      permission: 'workflows:cancel',
      path: (ids) => `/workflows/${ids.workflow}/cancel`,
      // A cancelled run cannot be cancelled again (409): each caller gets a run of its own.
      fresh: async () => ({ workflow: await workflowIn(carol) }),
    },
    'post /workflows/{workflow_id}/revert': {
      permission: 'workflows:approve',
      path: (ids) => `/workflows/${ids.workflow}/revert`,
      // A revert takes an ended run with a remediation on record: each caller gets one of its own.
      fresh: async () => ({ workflow: await remediatedIn() }),
    },
    // The matrix's runs have no gate: an allowed decision is refused as such (409), not as a role.
    'post /workflows/{workflow_id}/approve': {
      permission: 'workflows:approve',
      path: (ids) => `/workflows/${ids.workflow}/approve`,
      body: () => ({}),
      allowedAnswer: 409,
    },
    'post /workflows/{workflow_id}/reject': {
      permission: 'workflows:approve',
      path: (ids) => `/workflows/${ids.workflow}/reject`,
      body: () => ({}),
      allowedAnswer: 409,
    },
    'get /approvals': { permission: 'workflows:read', path: () => '/approvals' },
    'post /chat': { permission: 'chat:use', path: () => '/chat', body: () => ({ message: 'help' }) },
    'get /chat/sessions': { permission: 'chat:use', path: () => '/chat/sessions' },
    // Sessions are their person's: each allowed principal reads one it opened itself.
    'get /chat/sessions/{session_id}': {
      permission: 'chat:use',
      path: (ids) => `/chat/sessions/${ids.session}`,
      disposable: async (principal) => {
        const token = tokens.get(principal);
        if (!token || !allowed(principal, 'chat:use')) return {};
        const headers: Record<string, string> = principal === 'super_admin' ? { 'x-org-id': a } : {};
        return { ids: { session: await sessionIn(token, headers) } };
      },
    },
    'get /workflows/{workflow_id}/approval': {
      permission: 'workflows:read',
      path: (ids) => `/workflows/${ids.workflow}/approval`,
    },
    'post /tenants/invitations': {
      permission: 'members:manage',
      path: () => '/tenants/invitations',
      body: () => ({ email: `i-${unique()}@alpha.example`, role: 'read_only' }),
    },
    'get /tenants/invitations': { permission: 'members:read', path: () => '/tenants/invitations' },
    'delete /tenants/invitations/{invitation_id}': {
      permission: 'members:manage',
      path: (ids) => `/tenants/invitations/${ids.invitation}`,
      fresh: async () => ({ invitation: await inviteIn(carol) }),
    },
    'post /webhooks': {
      permission: 'webhooks:manage',
      path: () => '/webhooks',
      body: () => ({ url: 'https://hooks.example.com/matrix', events: ['member.joined'] }),
    },
    'get /webhooks': { permission: 'webhooks:manage', path: () => '/webhooks' },
    'delete /webhooks/{webhook_id}': {
      permission: 'webhooks:manage',
      path: (ids) => `/webhooks/${ids.webhook}`,
      fresh: async () => ({ webhook: await webhookIn(api.url, carol) }),
    },
    'get /webhooks/{webhook_id}/deliveries': {
      permission: 'webhooks:manage',
      path: (ids) => `/webhooks/${ids.webhook}/deliveries`,
    },
    'post /webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver': {
      permission: 'webhooks:manage',
      path: (ids) => `/webhooks/${ids.webhook}/deliveries/${ids.delivery}/redeliver`,
    },
  };

  async function createTeam(token = carol, headers: Record<string, string> = {}): Promise<string> {
    const response = await call(
      api.url,
      'POST',
      '/tenants/teams',
      token,
      { name: `Team ${unique()}` },
      headers,
    );
    if (response.status !== 201) throw new Error(`team: ${response.status} ${response.text}`);
    return (response.body as { team_id: string }).team_id;
  }
  async function mintKey(
    token: string,
    headers: Record<string, string> = {},
    role = 'read_only',
  ): Promise<string> {
    const response = await call(
      api.url,
      'POST',
      '/tenants/api-keys',
      token,
      { name: 'matrix', role },
      headers,
    );
    if (response.status !== 201) throw new Error(`key: ${response.status} ${response.text}`);
    return (response.body as { id: string; key: string }).id;
  }
  async function runIn(token: string, headers: Record<string, string> = {}): Promise<string> {
    const body = { environment: 'production', agents: ['probes'] };
    const response = await call(api.url, 'POST', '/agents/runs', token, body, headers);
    if (response.status !== 201) throw new Error(`agent run: ${response.status} ${response.text}`);
    return (response.body as { run_id: string }).run_id;
  }
  async function sessionIn(token: string, headers: Record<string, string> = {}): Promise<string> {
    const body = { message: 'help', session_id: `mx_${unique()}` };
    const response = await call(api.url, 'POST', '/chat', token, body, headers);
    if (response.status !== 200) throw new Error(`chat session: ${response.status} ${response.text}`);
    return (response.body as { session_id: string }).session_id;
  }
  async function workflowIn(token: string, headers: Record<string, string> = {}): Promise<string> {
    // A long window: the run is still going when the matrix cancels it.
    const body = { workflow_type: 'deployment_health_check', parameters: { window: '10m' } };
    const response = await call(api.url, 'POST', '/workflows/start', token, body, headers);
    if (response.status !== 201) throw new Error(`workflow run: ${response.status} ${response.text}`);
    return (response.body as { workflow_id: string }).workflow_id;
  }
  /**
   * A run that ended (its status written here: no operator needs to drive it) with one applied
   * remediation on record in the tenant database, of a Deployment that is gone: its revert answers
   * 200, that object refused.
   */
  async function remediatedIn(): Promise<string> {
    const id = `wf-revert-${unique()}`;
    const uid = (await startRun(a, id)).metadata?.uid;
    await adminClient().apply(
      KINDS.workflowRun,
      {
        apiVersion: API_VERSION,
        kind: 'WorkflowRun',
        metadata: { name: id, namespace: `org-${a}` },
        status: { phase: 'Succeeded' },
      },
      { fieldManager: 'guardian-test', subresource: 'status' },
    );
    await recordGoneRemediation(a, id, uid ?? '');
    return id;
  }
  async function inviteIn(token: string, headers: Record<string, string> = {}): Promise<string> {
    const body = { email: `i-${unique()}@example.com`, role: 'read_only' };
    const response = await call(api.url, 'POST', '/tenants/invitations', token, body, headers);
    if (response.status !== 201) throw new Error(`invitation: ${response.status} ${response.text}`);
    return (response.body as { id: string }).id;
  }

  beforeAll(async () => {
    await Promise.all([organizationReady(a), organizationReady(b)]);
    await api.apply(teamB);
    const carolLogin = await signedIn(api.url, 'carol@startupco.io');
    carol = await carolLogin.browser.token(a);
    root = await (await signedIn(api.url, 'root@guardian.local')).browser.token();
    eve = await signedIn(api.url, 'eve@startupco.io');
    for (const role of ['org_owner', 'org_admin', 'team_lead', 'team_member', 'read_only'] as const) {
      await setMembership(a, eve.userId, role);
      tokens.set(role, await eve.browser.token(a));
    }
    tokens.set('super_admin', root);
    const keyResponse = await call(api.url, 'POST', '/tenants/api-keys', carol, {
      name: 'mx',
      role: KEY_ROLE,
    });
    tokens.set('api_key', (keyResponse.body as { key: string }).key);
    tokens.set('anonymous', undefined);
    // Organization B, populated by its super admin: a team, a member, an API key, an invitation.
    const inB = { 'x-org-id': b };
    const memberB = await createUser();
    await setMembership(b, memberB, 'team_member');
    foreign = {
      org: b,
      run: await runIn(root, inB),
      team: 'b-team',
      user: memberB,
      key: await mintKey(root, inB),
      invitation: await inviteIn(root, inB),
      member: 'users/b-member@bravo.example',
      workflow: await workflowIn(root, inB),
      ...(await webhookDeliveryIn(api.url, root, b, inB)),
      session: await sessionIn(root, inB),
    };
    const memberA = await createUser();
    await setMembership(a, memberA, 'team_member');
    own = {
      org: a,
      run: await runIn(carol),
      team: await createTeam(),
      user: memberA,
      key: await mintKey(carol),
      invitation: await inviteIn(carol),
      member: 'users/a-member@alpha.example',
      workflow: await workflowIn(carol),
      ...(await webhookDeliveryIn(api.url, carol, a)),
      session: await sessionIn(carol),
    };
    await call(api.url, 'PUT', `/tenants/teams/${own.team}/members/${own.member}`, carol, {});
    missing = {
      org: 'it-mx-nonexistent',
      run: '00000000-0000-4000-8000-000000000000',
      team: 'no-such-team',
      user: '00000000-0000-4000-8000-000000000000',
      key: '0000000000000000',
      invitation: '0'.repeat(32),
      member: 'users/nobody@nowhere.example',
      workflow: 'wf-health-zzzzz',
      webhook: '00000000-0000-4000-8000-000000000000',
      delivery: '999999999',
      session: 'no_such_session',
    };
  });
  afterAll(() => deleteAll(...created.map((name) => organization(name, {}))));

  const roleOf = (principal: Principal): Role | undefined =>
    principal === 'anonymous' ? undefined : principal === 'api_key' ? KEY_ROLE : principal;
  const allowed = (principal: Principal, permission: Case['permission']) => {
    const role = roleOf(principal);
    if (role === undefined) return false;
    const granted = principal === 'api_key' ? apiKeyPermissionsOf(role) : permissionsOf(role);
    // Held only on the Teams one leads (team leads' teams:manage), and eve leads none of the
    // matrix's: refused. workflow-approvals-teams shows a lead managing the Team they lead.
    if (onlyOnLedTeams(role, permission as Permission)) return false;
    return granted.includes(permission as Permission);
  };
  const revealsNothing = (answer: Answer) => {
    for (const secret of [
      'Bravo Secret Corp',
      'Bravo Hidden Team',
      'b-owner@bravo.example',
      'b-member@bravo.example',
      foreign.user,
      foreign.key,
      foreign.invitation,
      foreign.run,
      foreign.webhook,
    ]) {
      expect(answer.text).not.toContain(secret);
    }
  };

  it('has a case for every tenant route of the router', async () => {
    const document = (await call(api.url, 'GET', '/openapi.json', undefined)).body as {
      paths: Record<string, Record<string, { 'x-guardian-permission'?: string }>>;
    };
    // Tenant routes: under /tenants/, or needing a permission in an organization.
    const routes = Object.entries(document.paths)
      .flatMap(([path, methods]) =>
        Object.entries(methods)
          .filter(([, operation]) => path.startsWith('/tenants/') || operation['x-guardian-permission'])
          .map(([method]) => `${method} ${path}`),
      )
      .sort();
    expect(routes.length).toBeGreaterThan(20);
    expect(Object.keys(CASES).sort()).toEqual(routes);
  });

  for (const [route, spec] of Object.entries(CASES)) {
    const [verb = 'get', template = ''] = route.split(' ');
    // fetch upper-cases GET, POST, PUT and DELETE itself, but not PATCH.
    const method = verb.toUpperCase();
    const hasIds = template.includes('{');

    it(`${route}: another organization's ids or x-org-id get 401/403/404, as for ids that do not exist`, async () => {
      for (const principal of PRINCIPALS) {
        // A super admin may act in every organization: crossing tenants is its job, not a leak.
        if (principal === 'super_admin') continue;
        const body = spec.body?.();
        const context = `${principal} ${route}`;
        if (hasIds) {
          const answer = await send(principal, method, spec.path(foreign), body);
          const control = await send(principal, method, spec.path(missing), body);
          expect(answer.status, `${context}: ${answer.text}`).toBe(control.status);
          expect([401, 403, 404], context).toContain(answer.status);
          expect((answer.body as { detail?: string }).detail, context).toBe(
            (control.body as { detail?: string }).detail,
          );
          revealsNothing(answer);
        }
        // Switching the tenant to the other organization: refused before any route runs.
        const switched = await send(principal, method, spec.path(own), spec.body?.(), { 'x-org-id': b });
        expect(switched.status, `${context} x-org-id: ${switched.text}`).toBe(
          principal === 'anonymous' ? 401 : 403,
        );
        revealsNothing(switched);
      }
    });

    it(`${route}: the caller's own ids succeed exactly where the permission matrix allows`, async () => {
      for (const principal of PRINCIPALS) {
        const disposable = (await spec.disposable?.(principal)) ?? {};
        const ids = { ...own, ...((await spec.fresh?.(own)) ?? {}), ...disposable.ids };
        const answer = await send(
          principal,
          method,
          spec.path(ids),
          spec.body?.(),
          {},
          disposable.token ?? tokens.get(principal),
        );
        const context = `${principal} ${route}: ${answer.text}`;
        if (principal === 'anonymous') expect(answer.status, context).toBe(401);
        else if (!allowed(principal, spec.permission)) expect(answer.status, context).toBe(403);
        else if (spec.allowedAnswer !== undefined) {
          expect(answer.status, context).toBe(spec.allowedAnswer);
          expect(answer.text, context).toMatch(/No gate of this run awaits a decision/);
        } else expect(answer.status, context).toBeLessThan(300);
      }
    });
  }
});
