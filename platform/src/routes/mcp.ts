import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import { contract } from '../contract/registry.ts';
import { HttpProblem } from '../http/errors.ts';
import { type Api, problem } from '../http/operation.ts';
import type { AuthedContext } from '../http/state.ts';
import type { McpEndpoint } from '../mcp/server.ts';

/** The headers of the MCP transport the server reads; nothing else of the request reaches it. */
const FORWARDED = ['accept', 'content-type', 'mcp-protocol-version', 'mcp-session-id', 'last-event-id'];

const McpMessage = contract(
  'McpMessage',
  z.looseObject({
    jsonrpc: z.literal('2.0'),
    method: z.string().max(256).optional(),
    id: z.union([z.string().max(256), z.number()]).optional(),
  }),
  'A JSON-RPC 2.0 message of the Model Context Protocol (initialize, tools/list, tools/call, ...)',
);

export function mcpRoutes(api: Api, endpoint: McpEndpoint): void {
  api.mount(
    {
      method: 'post',
      path: '/mcp',
      tag: 'mcp',
      auth: 'any',
      summary: 'The Model Context Protocol server (streamable HTTP, stateless)',
      description:
        'Tools: list_agents, run_agents, list_findings, list_environments, start_workflow, ' +
        'get_workflow, list_workflows; no approval tool. Each tool needs the permission of its API ' +
        'route (agents:read, agents:run, workflows:read, workflows:create) in the organization of the ' +
        'credential, spends the same quotas and is audited alike; every request counts against the ' +
        'hourly API limit. A tool refused or failing answers a result with isError whose text is the ' +
        'problem the API would have answered. Send Accept: application/json, text/event-stream. ' +
        'Stateless: no Mcp-Session-Id, and GET (a server-initiated stream) is 405.',
      body: McpMessage,
      responses: {
        200: { description: 'The JSON-RPC response', schema: z.looseObject({ jsonrpc: z.literal('2.0') }) },
        202: { description: 'A notification or response, accepted' },
        400: problem('Not a JSON-RPC message of the protocol'),
        401: problem('No valid bearer token or API key'),
        403: problem('x-org-id is not one of the credential’s organizations, or it is suspended'),
        406: problem('Accept does not list both application/json and text/event-stream'),
        429: problem('Over the hourly API limit'),
      },
    },
    async (ctx) => {
      const headers = new Headers();
      for (const name of FORWARDED) {
        const value = ctx.get(name);
        if (value) headers.set(name, value);
      }
      const request = new Request(new URL(ctx.path, 'http://guardian.invalid'), { method: 'POST', headers });
      const response = await endpoint.handle(caller(ctx), request, ctx.request.body);
      if (response.status >= 400) throw await transportProblem(response);
      ctx.status = response.status;
      response.headers.forEach((value, name) => {
        ctx.set(name, value);
      });
      const text = await response.text();
      if (text !== '') ctx.body = text;
    },
  );
}

/**
 * The transport's refusal (a JSON-RPC error with an HTTP status: a message it cannot parse, an
 * Accept it cannot serve) as the API's problem+json, like every other error answer.
 */
async function transportProblem(response: Response): Promise<HttpProblem> {
  const body = (await response.json().catch(() => ({}))) as { error?: { message?: unknown } };
  // The transport's own failure is ours: answered as any 500, its cause logged, not shown.
  if (response.status >= 500)
    return new HttpProblem(500, 'Internal Server Error', 'The server failed to handle the request', {
      cause: body.error,
    });
  const message = typeof body.error?.message === 'string' ? body.error.message : 'Refused';
  return new HttpProblem(response.status, STATUS_CODES[response.status] ?? 'Error', message);
}

function caller(ctx: AuthedContext) {
  return { auth: ctx.state.auth, requestId: ctx.state.requestId, log: ctx.state.log };
}
