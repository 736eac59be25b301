// Input the API must refuse with problem+json before it reaches the apiserver or a handler: each
// class the API fuzzer (test/fuzz) found, one case each, plus routing's own answers.
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../support/kube.ts';
import { type Answer, answer, call, organization, plan, signedIn } from '../support/platform.ts';
import { platformSuite } from '../support/platform-suite.ts';

interface Document {
  paths: Record<string, Record<string, { responses: Record<string, { links?: Record<string, unknown> }> }>>;
}

describe('platform input refusals', () => {
  const basicPlan = plan(uniqueName('it-plan'), false);
  const carolsOrg = organization(uniqueName('it-input'), {
    plan: basicPlan.metadata.name,
    owners: [{ kind: 'User', name: 'carol@startupco.io' }],
  });
  const org = carolsOrg.metadata.name;
  const api = platformSuite({ plans: [basicPlan], organizations: [carolsOrg], controlNamespaces: [org] });
  let owner: string;

  beforeAll(async () => {
    owner = await (await signedIn(api.url, 'carol@startupco.io')).browser.token(org);
  });

  /** A request with a raw body, as a client that is not a JSON library would send it. */
  const raw = async (
    method: string,
    path: string,
    body: string,
    type = 'application/json',
  ): Promise<Answer> =>
    answer(
      await fetch(new URL(path, api.url), {
        method,
        headers: { authorization: `Bearer ${owner}`, 'content-type': type },
        body,
      }),
    );

  const expectFieldError = (response: Answer, field: string) => {
    expect(response.status, response.text).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((response.body as { errors: { field: string }[] }).errors.map((error) => error.field)).toContain(
      field,
    );
  };

  it('answers 405 with Allow for a method a path does not take, and 404 for a path it does not have', async () => {
    const deleted = await call(api.url, 'DELETE', '/tenants/teams', owner);
    expect(deleted.status).toBe(405);
    expect(deleted.headers.get('allow')).toBe('GET, HEAD, POST');
    expect((deleted.body as { status: number }).status).toBe(405);
    // Before the body is read: a body the route could not parse changes nothing.
    expect((await raw('PUT', '/tenants/teams', 'a=1', 'text/plain')).status).toBe(405);
    // Routing comes before the body: an unknown route is 404 whatever its content type.
    const unknown = await raw('POST', '/no/such/route', 'a=1', 'application/x-www-form-urlencoded');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    // A route that takes a body still wants JSON.
    expect((await raw('POST', '/tenants/teams', 'a=1', 'application/x-www-form-urlencoded')).status).toBe(
      415,
    );
  });

  it('refuses a JSON null body, which is not an object', async () => {
    await call(api.url, 'POST', '/tenants/teams', owner, { name: 'Nulls' });
    const patched = await raw('PATCH', '/tenants/teams/nulls', 'null');
    expectFieldError(patched, 'body');
    const org = await raw('PATCH', `/tenants/organizations/${carolsOrg.metadata.name}`, 'null');
    expectFieldError(org, 'body');
  });

  it('refuses a repeated entry in a list the apiserver keeps as a set', async () => {
    const created = await call(api.url, 'POST', '/tenants/teams', owner, {
      name: 'Repeats',
      agent_categories: ['cost', 'cost'],
    });
    expectFieldError(created, 'agent_categories');
    const environments = await call(api.url, 'PATCH', `/tenants/organizations/${org}`, owner, {
      environments: ['staging', 'staging'],
    });
    expectFieldError(environments, 'environments');
  });

  it('refuses control characters and lone surrogates in names, and allows line breaks in descriptions', async () => {
    expectFieldError(await call(api.url, 'POST', '/tenants/teams', owner, { name: 'Bad\u0000Name' }), 'name');
    expectFieldError(await call(api.url, 'POST', '/tenants/teams', owner, { name: 'Bad\u0085Name' }), 'name');
    // JSON.stringify would escape a lone surrogate as \ud800 too; written out to be sure it is sent.
    expectFieldError(await raw('POST', '/tenants/teams', '{"name":"Bad\\ud800Name"}'), 'name');
    expectFieldError(
      await call(api.url, 'POST', '/tenants/teams', owner, { name: 'Tabs', description: 'bell\u0007' }),
      'description',
    );
    const lines = await call(api.url, 'POST', '/tenants/teams', owner, {
      name: 'Lines',
      description: 'first line\nsecond line\tand a tab',
    });
    expect(lines.status, lines.text).toBe(201);
    expect((lines.body as { description: string }).description).toBe('first line\nsecond line\tand a tab');
  });

  it('refuses an email address beyond SMTP’s limits', async () => {
    const local = `${'a'.repeat(65)}@startupco.io`;
    const refused = await call(api.url, 'POST', '/tenants/invitations', owner, {
      email: local,
      role: 'read_only',
    });
    expectFieldError(refused, 'email');
  });

  it('documents the answers every operation can give, and links created resources to their operations', async () => {
    const document = (await (await fetch(`${api.url}/openapi.json`)).json()) as Document;
    const patchTeam = document.paths['/tenants/teams/{team_id}']?.patch?.responses ?? {};
    expect(Object.keys(patchTeam)).toEqual(
      expect.arrayContaining(['400', '401', '403', '413', '415', '429']),
    );
    const health = document.paths['/healthz']?.get?.responses ?? {};
    expect(Object.keys(health)).toEqual(expect.arrayContaining(['200', '401', '403']));
    expect(Object.keys(health)).not.toContain('400');
    const created = document.paths['/tenants/teams']?.post?.responses['201']?.links ?? {};
    expect(created).toEqual(
      expect.objectContaining({
        getTenantsTeamsTeamId: {
          operationId: 'getTenantsTeamsTeamId',
          parameters: { team_id: '$response.body#/team_id' },
        },
        deleteTenantsTeamsTeamId: expect.anything(),
        getTenantsTeamsTeamIdMembers: expect.anything(),
      }),
    );
  });
});
