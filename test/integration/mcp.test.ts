// The MCP server at /mcp against the real stack (a platform and an operator of the suite's own),
// driven by the MCP SDK's own client over streamable HTTP: the seven tools and their schemas, each
// carried out by the API's services (the same runs, ledger units, WorkflowRuns and audit events,
// checked in the cluster and the databases), bearer tokens and API keys, the organization taken from
// the credential only (another organization's run is not found, another's x-org-id refused), each
// class of bad input, and the hourly API limit counting MCP requests.

import type { WorkflowRun } from '@guardian/crds/generated';
import { KINDS } from '@guardian/crds/kinds';
import type { KubeObject } from '@guardian/kube/resources';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceOf } from '../../platform/src/agent-runs/snapshot-reader.ts';
import { container, deployment, podSpec } from '../../platform/src/agents/testing/manifests.ts';
import { agentSuite, inNamespace } from '../support/agents.ts';
import { adminClient, uniqueName } from '../support/kube.ts';
import { call, createUser, quotaPolicy } from '../support/platform.ts';
import { auditActions, migratePlatformDatabase, unitsCounted } from '../support/workflows.ts';

const SUITE = 'mcp';
const labelled = (plan: ReturnType<typeof quotaPolicy>) => ({
  ...plan,
  metadata: { ...plan.metadata, labels: { 'guardian.aiops.dev/test-suite': SUITE } },
});
const TOOLS = [
  'get_workflow',
  'list_agents',
  'list_environments',
  'list_findings',
  'list_workflows',
  'run_agents',
  'start_workflow',
];

interface Problem {
  status: number;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
}
interface ToolAnswer {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
}

beforeAll(migratePlatformDatabase);

describe('MCP server', () => {
  const org = uniqueName('it-mcp');
  const other = uniqueName('it-mcpo');
  const limited = uniqueName('it-mcpl');
  const CALLS_PER_HOUR = 5;
  const open = labelled(
    quotaPolicy(uniqueName('it-mcp-plan'), {
      displayName: 'mcp',
      features: { sso: false },
      agentExecutionsPerMonth: 1000,
    }),
  );
  const hourly = labelled(
    quotaPolicy(uniqueName('it-mcpl-plan'), {
      displayName: 'mcp limited',
      features: { sso: false },
      apiCallsPerHour: CALLS_PER_HOUR,
    }),
  );
  const suite = agentSuite({
    suite: SUITE,
    plans: [open, hourly],
    organizations: [
      { name: org, spec: { plan: open.metadata.name, environments: ['staging', 'production'] } },
      { name: other, spec: { plan: open.metadata.name, environments: ['production'] } },
      { name: limited, spec: { plan: hourly.metadata.name, environments: ['production'] } },
    ],
  });
  const admin = adminClient();
  const clients: Client[] = [];
  let member: { token: string; userId: string };
  let reader: { token: string; userId: string };
  let outsider: { token: string; userId: string };

  /** A client of the SDK, connected (initialize, notifications/initialized) with these headers. */
  const connect = async (token: string | undefined, headers: Record<string, string> = {}) => {
    const client = new Client({ name: 'guardian-integration-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL('/mcp', suite.platform.url), {
      requestInit: {
        headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...headers },
      },
    });
    await client.connect(transport);
    clients.push(client);
    return client;
  };
  const callTool = async (client: Client, name: string, args: Record<string, unknown> = {}) =>
    (await client.callTool({ name, arguments: args })) as ToolAnswer;
  const ok = async <T = Record<string, unknown>>(
    client: Client,
    name: string,
    args: Record<string, unknown> = {},
  ) => {
    const answer = await callTool(client, name, args);
    expect(answer.isError ?? false, JSON.stringify(answer.content)).toBe(false);
    // The text content repeats the structured content, for clients that read only text.
    expect(JSON.parse(answer.content[0]?.text ?? '')).toEqual(answer.structuredContent);
    return answer.structuredContent as T;
  };
  const refused = async (client: Client, name: string, args: Record<string, unknown> = {}) => {
    const answer = await callTool(client, name, args);
    expect(answer.isError, JSON.stringify(answer.content)).toBe(true);
    expect(answer.structuredContent).toBeUndefined();
    return answer.content[0]?.text ?? '';
  };
  const problemOf = (text: string) => JSON.parse(text) as Problem;
  const workflowRuns = async (orgId: string) =>
    (await admin.list<WorkflowRun & KubeObject>(KINDS.workflowRun, { namespace: `org-${orgId}` })).items;
  const runCount = async (token: string) =>
    ((await suite.call('GET', '/agents/runs?limit=100', token)).body as { runs: unknown[] }).runs.length;

  beforeAll(async () => {
    member = await suite.token(org, 'team_member');
    reader = await suite.token(org, 'read_only');
    outsider = await suite.token(other, 'team_member');
    const privileged = container('app', { securityContext: { privileged: true } });
    await admin.apply(
      resourceOf('Deployment'),
      inNamespace(deployment('mcp-privileged', podSpec({ containers: [privileged] })), `org-${org}--staging`),
      { fieldManager: 'guardian-test' },
    );
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await admin.close();
  });

  it('lists the seven tools, each with a JSON Schema input and output, and no approval tool', async () => {
    const client = await connect(member.token);
    expect(client.getServerVersion()?.name).toBe('guardian');
    expect(client.getInstructions()).toMatch(/approvals are not offered/);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(TOOLS);
    for (const tool of tools) {
      expect(tool.inputSchema.type, tool.name).toBe('object');
      expect(tool.outputSchema?.type, tool.name).toBe('object');
      expect(tool.name).not.toMatch(/approv|reject|decide/);
    }
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    expect(byName.get('run_agents')?.inputSchema.required).toEqual(['environment']);
    expect(byName.get('run_agents')?.annotations).toMatchObject({ readOnlyHint: false });
    expect(byName.get('list_findings')?.annotations).toMatchObject({ readOnlyHint: true });
  });

  it('runs agents as POST /agents/runs does: the run, its units and its audit event; findings and environments follow', async () => {
    const client = await connect(member.token);
    const run = await ok<{
      run_id: string;
      agents: string[];
      status: string;
      findings: Array<{ check: string; resource: { name: string } }>;
      tenant_context: { org_id: string; user_id: string; quota_remaining: number | null };
    }>(client, 'run_agents', { environment: 'staging', agents: ['privileged-containers'] });
    expect(run.agents).toEqual(['privileged-containers']);
    expect(run.findings).toContainEqual(
      expect.objectContaining({
        check: 'privileged-containers/privileged',
        resource: expect.objectContaining({ name: 'mcp-privileged' }),
      }),
    );
    expect(run.tenant_context).toEqual({ org_id: org, user_id: member.userId, quota_remaining: 999 });
    // The run is the API's: stored in the tenant database, one unit keyed <run_id>:<agent>, audited.
    const stored = await suite.call('GET', `/agents/runs/${run.run_id}`, member.token);
    expect(stored.status, stored.text).toBe(200);
    expect((stored.body as { requested_by: string }).requested_by).toBe(member.userId);
    expect(await unitsCounted(org, 'agent_executions', `${run.run_id}:`)).toBe(1);
    expect(await auditActions(org, run.run_id)).toEqual(['agent.run']);
    const owner = await suite.token(org, 'org_owner');
    const trail = await suite.call('GET', `/audit?action=agent.run&actor=${member.userId}`, owner.token);
    expect(trail.status, trail.text).toBe(200);
    expect((trail.body as { entries: unknown[] }).entries).toEqual([
      expect.objectContaining({
        target: run.run_id,
        detail: expect.objectContaining({
          environment: 'staging',
          agents: ['privileged-containers'],
          via: 'mcp',
        }),
      }),
    ]);

    const { findings } = await ok<{
      findings: Array<{ check: string; environment: string; status: string }>;
    }>(client, 'list_findings', { environment: 'staging', severity: 'critical' });
    expect(findings).toContainEqual(
      expect.objectContaining({
        check: 'privileged-containers/privileged',
        environment: 'staging',
        status: 'open',
      }),
    );
    expect(findings.every((finding) => finding.environment === 'staging')).toBe(true);
    const { environments } = await ok<{ environments: Array<{ name: string; namespace: string }> }>(
      client,
      'list_environments',
    );
    expect(environments.map((environment) => environment.namespace).sort()).toEqual([
      `org-${org}--production`,
      `org-${org}--staging`,
    ]);
    const { agents } = await ok<{ agents: Array<{ id: string; allowed: boolean }> }>(client, 'list_agents');
    expect(agents).toContainEqual(expect.objectContaining({ id: 'privileged-containers', allowed: true }));
  });

  it('starts a workflow as POST /workflows/start does: a WorkflowRun requested by the caller, one unit; reads it back', async () => {
    const client = await connect(member.token);
    const started = await ok<{
      workflow_id: string;
      phase: string;
      tenant_context: Record<string, unknown>;
    }>(client, 'start_workflow', {
      workflow_type: 'deployment_health_check',
      environment: 'staging',
      parameters: { window: '1s' },
    });
    expect(started.workflow_id).toMatch(/^wf-health-[a-z0-9]{5}$/);
    expect(started.tenant_context).toEqual({
      org_id: org,
      user_id: member.userId,
      workflow_quota_remaining: null,
    });
    const run = await admin.get(KINDS.workflowRun, started.workflow_id, `org-${org}`);
    expect(run).toMatchObject({
      spec: {
        template: 'deployment_health_check',
        environment: 'staging',
        requestedBy: `guardian:${member.userId}`,
      },
    });
    expect(await unitsCounted(org, 'workflows', run?.metadata?.uid ?? 'none')).toBe(1);
    const view = await ok<{ workflow_id: string; template: string }>(client, 'get_workflow', {
      workflow_id: started.workflow_id,
    });
    expect(view).toMatchObject({ workflow_id: started.workflow_id, template: 'deployment_health_check' });
    const { workflows } = await ok<{ workflows: Array<{ workflow_id: string }> }>(client, 'list_workflows', {
      template: 'deployment_health_check',
    });
    expect(workflows.map((workflow) => workflow.workflow_id)).toContain(started.workflow_id);
  });

  it('takes the organization from the credential only: another organization’s run is not found, its x-org-id refused', async () => {
    const mine = await connect(member.token);
    const theirs = await connect(outsider.token);
    const ownRun = await ok<{ workflow_id: string }>(theirs, 'start_workflow', {
      workflow_type: 'deployment_health_check',
      parameters: { window: '1s' },
    });
    const target = await ok<{ workflow_id: string }>(mine, 'start_workflow', {
      workflow_type: 'deployment_health_check',
      environment: 'staging',
      parameters: { window: '1s' },
    });
    // Positive control: each reads its own run.
    await ok(theirs, 'get_workflow', { workflow_id: ownRun.workflow_id });
    await ok(mine, 'get_workflow', { workflow_id: target.workflow_id });
    // The other organization's run is answered as one that does not exist, and listed nowhere.
    expect(
      problemOf(await refused(theirs, 'get_workflow', { workflow_id: target.workflow_id })),
    ).toMatchObject({
      status: 404,
      detail: 'No such workflow run',
    });
    const listed = await ok<{ workflows: Array<{ workflow_id: string }> }>(theirs, 'list_workflows');
    expect(listed.workflows.map((workflow) => workflow.workflow_id)).toEqual([ownRun.workflow_id]);
    const found = await ok<{ findings: unknown[] }>(theirs, 'list_findings');
    expect(found.findings).toEqual([]);
    // No tool takes an organization; x-org-id may only name one of the credential's own.
    await expect(connect(outsider.token, { 'x-org-id': org })).rejects.toMatchObject({ code: 403 });
    const narrowed = await connect(outsider.token, { 'x-org-id': other });
    await ok(narrowed, 'list_environments');
  });

  it('accepts an API key, which acts with its own role in its own organization', async () => {
    const creator = await createUser();
    const { token } = await suite.platform.platform.tokens.issue(
      creator,
      { superAdmin: false, orgs: { [org]: 'org_owner' }, teams: {} },
      org,
    );
    const minted = await suite.call('POST', '/tenants/api-keys', token, { name: 'mcp', role: 'read_only' });
    expect(minted.status, minted.text).toBe(201);
    const key = (minted.body as { key: string; id: string }).key;
    const client = await connect(key);
    const { environments } = await ok<{ environments: Array<{ name: string }> }>(client, 'list_environments');
    expect(environments.map((environment) => environment.name).sort()).toEqual(['production', 'staging']);
    expect(problemOf(await refused(client, 'run_agents', { environment: 'staging' }))).toMatchObject({
      status: 403,
      detail: 'Your role (read_only) does not grant agents:run to API keys',
    });
  });

  describe('bad input, one test per class, nothing done', () => {
    it('refuses tool arguments outside the input schema, and an environment the organization lacks', async () => {
      const client = await connect(member.token);
      const before = await runCount(member.token);
      expect(await refused(client, 'run_agents', { environment: 'Not An Environment' })).toMatch(
        /Input validation error: Invalid arguments for tool run_agents/,
      );
      expect(await refused(client, 'run_agents', { environment: 'staging', force: true })).toMatch(
        /Input validation error/,
      );
      expect(await refused(client, 'get_workflow', {})).toMatch(/workflow_id/);
      // Valid in shape, refused by the service as the API refuses it: a problem naming the field.
      expect(problemOf(await refused(client, 'run_agents', { environment: 'qa' }))).toMatchObject({
        status: 400,
        errors: [expect.objectContaining({ field: 'environment' })],
      });
      expect(
        problemOf(await refused(client, 'start_workflow', { workflow_type: 'no_such_template' })),
      ).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'workflow_type' })] });
      expect(await runCount(member.token)).toBe(before);
      expect((await workflowRuns(org)).map((run) => run.spec.template)).not.toContain('no_such_template');
    });

    it('refuses what is not a JSON-RPC message of the protocol, or an Accept it cannot serve, as problem+json', async () => {
      const post = (body: unknown, accept = 'application/json, text/event-stream') =>
        call(suite.platform.url, 'POST', '/mcp', member.token, body, { accept });
      const listing = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
      // Positive control: the same request, well formed, is answered.
      const listed = await post(listing);
      expect(listed.status, listed.text).toBe(200);
      expect((listed.body as { result: { tools: unknown[] } }).result.tools).toHaveLength(TOOLS.length);
      const notJsonRpc = await post({ hello: 'world' });
      expect(notJsonRpc.status).toBe(400);
      expect(notJsonRpc.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(notJsonRpc.body).toMatchObject({ errors: [expect.objectContaining({ field: 'jsonrpc' })] });
      const badParams = await post({ ...listing, method: 'tools/call', params: 'run everything' });
      expect(badParams.status).toBe(400);
      expect(badParams.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const notAcceptable = await post(listing, 'application/json');
      expect(notAcceptable.status).toBe(406);
      expect(notAcceptable.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(notAcceptable.body).toMatchObject({
        status: 406,
        detail: expect.stringMatching(/text\/event-stream/),
      });
    });

    it('answers an unknown tool, an approval tool among them, as not found', async () => {
      const client = await connect(member.token);
      expect(await refused(client, 'approve_workflow', { workflow_id: 'wf-health-abcde' })).toBe(
        'MCP error -32602: Tool approve_workflow not found',
      );
    });

    it('refuses a request without a credential, or with a forged one (401)', async () => {
      await expect(connect(undefined)).rejects.toMatchObject({ code: 401 });
      await expect(connect(`${member.token.slice(0, -4)}AAAA`)).rejects.toMatchObject({ code: 401 });
      await expect(connect('gdn_00000000_notakey')).rejects.toMatchObject({ code: 401 });
    });

    it('refuses a tool the role does not grant (403), audited like the API’s refusal, and allows what it grants', async () => {
      const client = await connect(reader.token);
      const units = await unitsCounted(org, 'agent_executions');
      const runs = (await workflowRuns(org)).length;
      expect(problemOf(await refused(client, 'run_agents', { environment: 'production' }))).toMatchObject({
        status: 403,
        detail: 'Your role (read_only) does not grant agents:run',
      });
      expect(
        problemOf(await refused(client, 'start_workflow', { workflow_type: 'deployment_health_check' })),
      ).toMatchObject({ status: 403, detail: 'Your role (read_only) does not grant workflows:create' });
      expect(await unitsCounted(org, 'agent_executions')).toBe(units);
      expect((await workflowRuns(org)).length).toBe(runs);
      expect(await auditActions(org, '')).toContain('agent.run.refused');
      // Positive control: what read_only grants.
      await ok(client, 'list_findings', { environment: 'production' });
      await ok(client, 'list_workflows');
    });
  });

  it('counts every MCP request against the hourly API limit: exactly the limit is admitted', async () => {
    const { token } = await suite.token(limited, 'team_member');
    // initialize and notifications/initialized are two requests (the 405 of the optional GET stream
    // is answered before the limiter).
    const client = await connect(token);
    let admitted = 2;
    let refusal: unknown;
    for (let i = 0; i < CALLS_PER_HOUR + 2 && refusal === undefined; i++) {
      try {
        await client.listTools();
        admitted++;
      } catch (error) {
        refusal = error;
      }
    }
    expect(admitted).toBe(CALLS_PER_HOUR);
    expect(refusal).toMatchObject({ code: 429 });
  });
});
