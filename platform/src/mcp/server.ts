import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/AuditLog.ts';
import type { Fact } from '../audit/recorders/recorder.ts';
import { problemBody, toProblem } from '../http/error-handler.ts';
import { logError } from '../http/log-error.ts';
import { checkPermission } from '../http/require.ts';
import { type AuthContext, actorOf } from '../http/state.ts';
import { auditActor, currentOrg } from '../services/actor.ts';
import { GUARDIAN_VERSION } from '../version.ts';
import { TOOLS, type Tool, type ToolServices } from './tools.ts';

export interface McpDeps extends ToolServices {
  audit: Pick<AuditLog, 'append'>;
}

/** Who calls, as the API authenticated them, and what to name in logs and problems. */
export interface McpCaller {
  auth: AuthContext;
  requestId: string;
  log: Logger;
}

const INSTRUCTIONS =
  'Guardian runs deterministic DevOps agents (cost, security, compliance, reliability, deployment, ' +
  'observability) and approval-gated workflows in one organization: the one your token or API key ' +
  'belongs to. Tools act with your role and spend your plan’s quotas; approvals are not offered: ' +
  'people decide gates in the console, the API or kubectl.';

/**
 * The MCP server at /mcp, stateless: every HTTP request gets a server of its own bound to the
 * caller the API authenticated, so nothing of one caller outlives its request or reaches another,
 * and any replica answers any request (there is no session to route by).
 */
export class McpEndpoint {
  private readonly deps: McpDeps;

  constructor(deps: McpDeps) {
    this.deps = deps;
  }

  async handle(caller: McpCaller, request: Request, body: unknown): Promise<Response> {
    const server = new McpServer(
      { name: 'guardian', version: GUARDIAN_VERSION },
      { instructions: INSTRUCTIONS, capabilities: { tools: {} } },
    );
    for (const tool of TOOLS) this.register(server, tool, caller);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    try {
      return await transport.handleRequest(request, { parsedBody: body });
    } finally {
      await server.close();
    }
  }

  private register(server: McpServer, tool: Tool, caller: McpCaller): void {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        outputSchema: tool.output,
        annotations: {
          title: tool.title,
          readOnlyHint: tool.readOnly,
          destructiveHint: false,
          idempotentHint: tool.readOnly,
          openWorldHint: false,
        },
      },
      (args: Record<string, unknown>) => this.call(tool, caller, args),
    );
  }

  /** One tool call, answered as the API would: its result, or its problem as an error result. */
  private async call(tool: Tool, caller: McpCaller, args: Record<string, unknown>): Promise<CallToolResult> {
    const actor = actorOf(caller.auth);
    try {
      checkPermission(caller.auth, tool.permission);
      const result = tool.output.parse(await tool.call(this.deps, actor, args));
      if (tool.audit) await this.record(caller, tool.audit.done(result));
      return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result };
    } catch (error) {
      const problem = toProblem(error);
      if (problem.status >= 500) {
        caller.log.error({ error: logError(error), tool: tool.name }, 'MCP tool failed');
      }
      if (problem.status === 403 && tool.audit) {
        const fact = tool.audit.refused(args);
        await this.record(caller, {
          ...fact,
          detail: { ...fact.detail, status: 403, reason: problem.detail },
        });
      }
      return {
        isError: true,
        content: [{ type: 'text', text: JSON.stringify(problemBody(problem, caller.requestId)) }],
      };
    }
  }

  /** As the API's audit trail: by the caller, `via: mcp`; a failed append is logged, never the call's failure. */
  private async record(caller: McpCaller, fact: Fact): Promise<void> {
    try {
      await this.deps.audit.append({
        orgId: currentOrg(caller.auth),
        actor: auditActor(caller.auth),
        ...fact,
        detail: { ...fact.detail, via: 'mcp' },
      });
    } catch (error) {
      caller.log.error({ error: logError(error), tool: 'mcp' }, 'Could not record an audit event');
    }
  }
}
