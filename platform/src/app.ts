import Koa from 'koa';
import type { Logger } from 'pino';
import type { AnalyticsService } from './analytics/AnalyticsService.ts';
import type { Governance } from './governance.ts';
import { apiReference } from './http/api-reference.ts';
import { type AuthenticateOptions, authenticate } from './http/authenticate.ts';
import { type ConsoleOptions, consolePages } from './http/console.ts';
import { errorHandler } from './http/error-handler.ts';
import { jsonBody } from './http/json-body.ts';
import type { PlatformMetrics } from './http/metrics.ts';
import { Api } from './http/operation.ts';
import { requestContext } from './http/request-context.ts';
import { routeGuard } from './http/route-guard.ts';
import type { AppState } from './http/state.ts';
import type { McpEndpoint } from './mcp/server.ts';
import { agentRoutes } from './routes/agents.ts';
import { apiKeyRoutes } from './routes/api-keys.ts';
import { approvalRoutes } from './routes/approvals.ts';
import { type AuthRouteDeps, authRoutes } from './routes/auth.ts';
import { backupRoutes } from './routes/backups.ts';
import { chatRoutes } from './routes/chat.ts';
import { invitationRoutes } from './routes/invitations.ts';
import { mcpRoutes } from './routes/mcp.ts';
import { memberRoutes } from './routes/members.ts';
import { organizationRoutes } from './routes/organizations.ts';
import { saasRoutes } from './routes/saas.ts';
import { type SystemRouteDeps, systemRoutes } from './routes/system.ts';
import { teamRoutes } from './routes/teams.ts';
import { tenantRoutes } from './routes/tenant.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { workflowRoutes } from './routes/workflows.ts';
import type { AgentService } from './services/AgentService.ts';
import type { ApiKeyService } from './services/ApiKeyService.ts';
import type { ApprovalService } from './services/ApprovalService.ts';
import type { BackupService } from './services/BackupService.ts';
import type { ChatService } from './services/ChatService.ts';
import type { InvitationService } from './services/InvitationService.ts';
import type { MemberService } from './services/MemberService.ts';
import type { OrganizationService } from './services/OrganizationService.ts';
import type { SaasService } from './services/SaasService.ts';
import type { TeamService } from './services/TeamService.ts';
import type { WebhookService } from './services/WebhookService.ts';
import type { WorkflowService } from './services/WorkflowService.ts';

/** What the API's routes are built from: the services their handlers call. */
export interface ApiDeps {
  metrics: PlatformMetrics;
  authRoutes: AuthRouteDeps;
  systemRoutes: SystemRouteDeps;
  organizations: OrganizationService;
  analytics: AnalyticsService;
  teams: TeamService;
  members: MemberService;
  apiKeys: ApiKeyService;
  invitations: InvitationService;
  agents: AgentService;
  backups: BackupService;
  saas: SaasService;
  workflows: WorkflowService;
  approvals: ApprovalService;
  chat: ChatService;
  /** The Model Context Protocol server at /mcp. */
  mcp: McpEndpoint;
  webhooks: WebhookService;
  /** The usage and audit routes; absent in apps built without them (tests of other layers). */
  governance?: Pick<Governance, 'routes'>;
}

export interface AppDeps extends ApiDeps {
  log: Logger;
  auth: AuthenticateOptions;
  /** Rate limits and the usage API; absent in apps built without them (tests of other layers). */
  governance?: Pick<Governance, 'middleware' | 'routes'>;
  /** The built web console, served for console pages no API route answers. */
  console: ConsoleOptions;
  bodyLimitBytes?: number;
  /** X-Forwarded-For entries to trust, from the right (TRUSTED_PROXIES); 0 or absent: none. */
  trustedProxies?: number;
}

/**
 * Every API route, registered on one Api (router and OpenAPI operations). Registering calls no
 * service: handlers do, per request. So the offline OpenAPI document (http/offline-api.ts) is
 * built from exactly this list, without anything running.
 */
export function mountApi(deps: ApiDeps): Api {
  const api = new Api();
  systemRoutes(api, deps.systemRoutes);
  authRoutes(api, deps.authRoutes);
  tenantRoutes(api);
  deps.governance?.routes(api);
  organizationRoutes(api, deps.organizations, deps.analytics);
  teamRoutes(api, deps.teams);
  memberRoutes(api, deps.members);
  apiKeyRoutes(api, deps.apiKeys);
  invitationRoutes(api, deps.invitations);
  agentRoutes(api, deps.agents);
  backupRoutes(api, deps.backups);
  saasRoutes(api, deps.saas);
  workflowRoutes(api, deps.workflows);
  approvalRoutes(api, deps.approvals);
  chatRoutes(api, deps.chat);
  mcpRoutes(api, deps.mcp);
  webhookRoutes(api, deps.webhooks);
  return api;
}

/**
 * The Koa application, read top-down: the order of the middleware is the order of a request.
 * The request context wraps the error handler (not the reverse) so that its log line and metrics
 * see the status the error handler chose.
 */
export function createApp(deps: AppDeps): Koa<AppState> {
  const app = new Koa<AppState>();
  // Only the entries our own proxies appended: a client's X-Forwarded-For to the left is its word.
  app.proxy = (deps.trustedProxies ?? 0) > 0;
  app.maxIpsCount = deps.trustedProxies ?? 0;
  app.use(requestContext(deps.log, deps.metrics));
  app.use(errorHandler());
  const api = mountApi(deps);
  // Before the body parser, authentication and governance: the console's pages are public files
  // and cost no API call; API routes still win (the console asks the router first).
  app.use(consolePages(deps.console, api.router));
  // The API reference (/docs) likewise: public, rendered in the browser from /openapi.json.
  app.use(apiReference(deps.console));
  app.use(routeGuard(api.router));
  app.use(jsonBody(deps.bodyLimitBytes));
  app.use(authenticate(deps.auth));
  for (const middleware of deps.governance?.middleware ?? []) app.use(middleware);
  app.use(api.router.routes());
  app.use(api.router.allowedMethods());
  return app;
}
