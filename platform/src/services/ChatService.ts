import { randomUUID } from 'node:crypto';
import type { Clock } from '@guardian/kube/clock';
import { countBySeverity } from '../agent-runs/run.ts';
import { findingView } from '../agent-runs/views.ts';
import type { Category, Severity } from '../agents/index.ts';
import {
  findingsAnswer,
  fixingTemplate,
  HELP_TEXT,
  runAnswer,
  TEMPLATE_WORDS,
  topFindings,
  unplaceableAnswer,
  workflowLine,
} from '../chat/answers.ts';
import { type Intent, parse } from '../chat/parser.ts';
import { FindingQuery } from '../contract/agents.ts';
import type { ChatAction, ChatAnswer, ChatRequest, ChatSessionView } from '../contract/chat.ts';
import { WorkflowQuery } from '../contract/workflows.ts';
import type { Governance } from '../governance.ts';
import type { Permission } from '../rbac.ts';
import type { ChatContext, ChatSession, ChatSessions, ChatStore } from '../stores/ChatStore.ts';
import { type AgentService, inTenantDatabase } from './AgentService.ts';
import type { ApprovalService } from './ApprovalService.ts';
import { type Actor, auditActor, currentOrg, requireIn } from './actor.ts';
import { NotFoundError, ValidationError } from './errors.ts';
import { environmentsOf, type OrganizationDirectory } from './OrganizationDirectory.ts';
import type { WorkflowService } from './WorkflowService.ts';

export interface ChatServiceDeps {
  agents: Pick<AgentService, 'run' | 'get' | 'findings'>;
  workflows: Pick<WorkflowService, 'start' | 'get' | 'list'>;
  approvals: Pick<ApprovalService, 'decide' | 'pending'>;
  store: ChatStore;
  directory: Pick<OrganizationDirectory, 'get'>;
  metering: Pick<Governance, 'quota'>;
  clock: Clock;
  /** CHAT_SESSION_TTL_SECONDS: a session unused this long has expired. */
  sessionTtlSeconds: number;
}

/** What a stream is told while an answer is in the making. */
export interface ChatProgress {
  stage: 'understood' | 'running' | 'ran';
  detail: string;
}

/** What one message results in, before the tenant context is added. */
interface Reply {
  message: string;
  intent: Intent['kind'];
  environment?: string;
  actions: ChatAction[];
  findings?: ChatAnswer['findings'];
  quotaRemaining?: number | null;
  context: ChatContext;
}

/** How many findings an answer carries in `findings`. */
const FINDINGS_IN_ANSWER = 50;

/**
 * POST /chat: a message parsed by the deterministic parser (chat/parser.ts) and carried out by the
 * services the API uses, under the same permissions (each intent needs what its route needs), the
 * same metering and the same rules; the session (messages and what follow-ups refer to) kept in the
 * tenant database, private to its user.
 */
export class ChatService {
  private readonly deps: ChatServiceDeps;

  constructor(deps: ChatServiceDeps) {
    this.deps = deps;
  }

  async chat(
    actor: Actor,
    request: ChatRequest,
    progress?: (event: ChatProgress) => void,
  ): Promise<ChatAnswer> {
    const orgId = currentOrg(actor);
    const environments = this.environments(orgId);
    const sessionId = request.session_id ?? randomUUID();
    const sessions = await this.tenant(() => this.deps.store.in(orgId));
    const session = await this.open(sessions, sessionId, actor);
    const parsed = parse(request.message, { environments });
    const intent = this.resolve(parsed, session.context);
    if (
      'environment' in intent &&
      intent.environment !== undefined &&
      !environments.includes(intent.environment)
    ) {
      throw new ValidationError([
        {
          field: 'message',
          message: `names the environment ${intent.environment}, which this organization does not have (${environments.join(', ')})`,
        },
      ]);
    }
    progress?.({ stage: 'understood', detail: intent.kind });
    const reply = await this.carryOut(
      actor,
      intent,
      request.message,
      session.context,
      environments,
      progress,
    );
    const now = new Date(this.deps.clock.now());
    await this.tenant(() =>
      sessions.record(
        sessionId,
        [
          { role: 'user', content: request.message, actions: [] },
          { role: 'assistant', content: reply.message, actions: reply.actions },
        ],
        reply.context,
        now,
      ),
    );
    const quota =
      reply.quotaRemaining !== undefined
        ? reply.quotaRemaining
        : (await this.deps.metering.quota(orgId, 'agent_executions')).remaining;
    return {
      message: reply.message,
      session_id: sessionId,
      intent: reply.intent,
      environment: reply.environment ?? null,
      actions: reply.actions,
      ...(reply.findings ? { findings: reply.findings } : {}),
      tenant_context: { org_id: orgId, user_id: actor.userId, quota_remaining: quota },
    };
  }

  async sessions(actor: Actor): Promise<ChatSession[]> {
    const orgId = currentOrg(actor);
    return this.tenant(async () =>
      (await this.deps.store.in(orgId)).list(auditActor(actor), this.activeSince()),
    );
  }

  async session(actor: Actor, id: string): Promise<ChatSessionView> {
    const orgId = currentOrg(actor);
    const found = /^[A-Za-z0-9_-]{1,64}$/.test(id)
      ? await this.tenant(async () =>
          (await this.deps.store.in(orgId)).get(id, auditActor(actor), this.activeSince()),
        )
      : undefined;
    // Another user's session is answered as one that does not exist: ids reveal nothing.
    if (!found) throw new NotFoundError('No such chat session');
    const { session, messages } = found;
    return {
      ...this.sessionFields(session),
      context: {
        environment: session.context.environment ?? null,
        run_id: session.context.runId ?? null,
        intent: typeof session.context.intent?.kind === 'string' ? session.context.intent.kind : null,
      },
      history: messages.map((m) => ({
        role: m.role,
        content: m.content,
        actions: m.actions,
        created_at: m.createdAt.toISOString(),
      })),
    };
  }

  sessionFields(session: ChatSession) {
    const expires = new Date(session.lastActiveAt.getTime() + this.deps.sessionTtlSeconds * 1000);
    return {
      session_id: session.id,
      created_at: session.createdAt.toISOString(),
      last_active_at: session.lastActiveAt.toISOString(),
      expires_at: expires.toISOString(),
      messages: session.messages,
    };
  }

  private environments(orgId: string): string[] {
    const org = this.deps.directory.get(orgId);
    if (!org) throw new NotFoundError('No such organization');
    return environmentsOf(org);
  }

  private activeSince(): Date {
    return new Date(this.deps.clock.now() - this.deps.sessionTtlSeconds * 1000);
  }

  private async open(sessions: ChatSessions, id: string, actor: Actor): Promise<ChatSession> {
    const now = new Date(this.deps.clock.now());
    const opened = await this.tenant(() => sessions.open(id, auditActor(actor), now, this.activeSince()));
    if (opened === 'taken') {
      throw new ValidationError([
        { field: 'session_id', message: 'is another user’s session: choose another id, or send none' },
      ]);
    }
    return opened;
  }

  /** A follow-up made whole from the session's context: the last intent elsewhere, narrowed, or fixed. */
  private resolve(intent: Intent, context: ChatContext): Intent {
    if (intent.kind !== 'repeat_elsewhere') return intent;
    const last = context.intent as Intent | undefined;
    if (
      last &&
      (last.kind === 'run_agents' || last.kind === 'show_findings' || last.kind === 'start_workflow')
    ) {
      return { ...last, environment: intent.environment };
    }
    return intent;
  }

  private async carryOut(
    actor: Actor,
    intent: Intent,
    message: string,
    context: ChatContext,
    environments: readonly string[],
    progress: ((event: ChatProgress) => void) | undefined,
  ): Promise<Reply> {
    const orgId = currentOrg(actor);
    const may = (permission: Permission) => requireIn(actor, orgId, permission);
    const environmentOf = (named: string | undefined) =>
      named ?? context.environment ?? environments[0] ?? '';
    const plain = (text: string): Reply => ({ message: text, intent: intent.kind, actions: [], context });
    switch (intent.kind) {
      case 'run_agents': {
        may('agents:run');
        const environment = environmentOf(intent.environment);
        const { categories, agents, topics } = intent.selection;
        progress?.({ stage: 'running', detail: `Running the ${topics.join(', ')} agents on ${environment}` });
        const { run, quotaRemaining } = await this.deps.agents.run(actor, {
          environment,
          ...(categories.length > 0 ? { categories } : {}),
          ...(agents.length > 0 ? { agents } : {}),
        });
        progress?.({
          stage: 'ran',
          detail: `Ran ${run.agents.length} agents: ${run.findings.length} findings`,
        });
        return {
          message: runAnswer({
            topics,
            environment,
            status: run.status,
            summary: run.summary,
            findings: run.findings,
            cost: run.cost,
            failures: run.failures.length,
          }),
          intent: intent.kind,
          environment,
          actions: [{ type: 'agent_run', run_id: run.runId }],
          findings: run.findings.slice(0, FINDINGS_IN_ANSWER).map(findingView),
          quotaRemaining,
          context: { environment, runId: run.runId, intent: { ...intent, environment } },
        };
      }
      case 'show_findings':
        may('agents:read');
        return this.showFindings(actor, intent, environmentOf(intent.environment), context);
      case 'narrow':
        may('agents:read');
        return this.narrow(actor, intent.severity, context);
      case 'fix': {
        const last = context.intent as Intent | undefined;
        const categories: Category[] =
          last?.kind === 'run_agents'
            ? last.selection.categories
            : last?.kind === 'show_findings'
              ? (last.categories ?? [])
              : [];
        if (!last) return plain(`There is nothing to fix yet: run a check first.\n\n${HELP_TEXT}`);
        const environment = environmentOf(intent.environment);
        const template = fixingTemplate(categories);
        return {
          ...plain(
            `The workflow for these is \`${template}\` on ${environment}: its changes wait at an approval gate where the policy asks for one.\n\nTo start it, say "start ${TEMPLATE_WORDS[template] ?? template} on ${environment}".`,
          ),
          environment,
        };
      }
      case 'start_workflow': {
        may('workflows:create');
        const environment = environmentOf(intent.environment);
        const { run, quotaRemaining } = await this.deps.workflows.start(actor, {
          workflow_type: intent.template,
          environment,
          message: message.slice(0, 500),
        });
        const id = run.metadata?.name ?? '';
        return {
          message: `Started \`${intent.template}\` on ${environment}: \`${id}\` (${run.status?.phase ?? 'Pending'}; ${quotaRemaining ?? 'unlimited'} workflow runs left this month).\n\nNext: ask "status of ${id}".`,
          intent: intent.kind,
          environment,
          actions: [{ type: 'workflow', workflow_id: id }],
          context: { ...context, environment, intent: { ...intent, environment } },
        };
      }
      case 'workflow_status': {
        may('workflows:read');
        if (intent.workflowId !== undefined) {
          const run = await this.deps.workflows.get(actor, intent.workflowId);
          const steps = run.steps.map((step) => `- ${step.name} (${step.type}): ${step.phase}`).join('\n');
          return plain(`${workflowLine(run)}\n\n${steps || 'No step has started yet.'}`);
        }
        const runs = await this.deps.workflows.list(
          actor,
          WorkflowQuery.parse(intent.template ? { template: intent.template } : {}),
        );
        if (runs.length === 0)
          return plain('No workflow runs yet. Say "start security hardening on staging" to start one.');
        return plain(`Latest workflow runs:\n${runs.slice(0, 5).map(workflowLine).join('\n')}`);
      }
      case 'decide': {
        may('workflows:approve');
        if (intent.workflowId === undefined) {
          const pending = await this.deps.approvals.pending(actor);
          if (pending.length === 0) return plain('No gate awaits a decision of yours.');
          const list = pending.map((gate) => `- \`${gate.workflow_id}\` (gate ${gate.step})`).join('\n');
          return plain(
            `Which run? Name it, e.g. "${intent.decision} ${pending[0]?.workflow_id}". Waiting for you:\n${list}`,
          );
        }
        const gate = await this.deps.approvals.decide(actor, intent.workflowId, intent.decision, {
          comment: 'Decided in chat',
        });
        const verb = intent.decision === 'approve' ? 'Approved' : 'Rejected';
        const rest =
          intent.decision === 'approve' && gate.remaining > 0
            ? ` ${gate.remaining} more approval(s) needed.`
            : ` The gate is ${gate.phase}.`;
        return {
          ...plain(`${verb} gate ${gate.step} of \`${gate.workflow_id}\`.${rest}`),
          actions: [{ type: 'workflow', workflow_id: gate.workflow_id }],
        };
      }
      case 'repeat_elsewhere':
        return plain(
          `There is nothing to repeat on ${intent.environment} yet: ask for a check first.\n\n${HELP_TEXT}`,
        );
      case 'help':
        return plain(HELP_TEXT);
      case 'unplaceable':
        return plain(unplaceableAnswer(intent.reason));
    }
  }

  private async showFindings(
    actor: Actor,
    intent: Extract<Intent, { kind: 'show_findings' }>,
    environment: string,
    context: ChatContext,
  ): Promise<Reply> {
    const list = await this.deps.agents.findings(
      actor,
      FindingQuery.parse({
        environment,
        status: 'open',
        ...(intent.severity ? { severity: intent.severity } : {}),
      }),
    );
    const categories = intent.categories;
    const findings = list.findings.filter((f) => !categories || categories.includes(f.category));
    return {
      message: findingsAnswer({
        environment,
        severity: intent.severity,
        counts: countBySeverity(findings),
        findings,
      }),
      intent: intent.kind,
      environment,
      actions: [],
      findings: findings.slice(0, FINDINGS_IN_ANSWER).map(findingView),
      context: { ...context, environment, intent: { ...intent, environment } },
    };
  }

  /** "show me the critical ones": the last run's findings of that severity, or the last list's. */
  private async narrow(actor: Actor, severity: Severity, context: ChatContext): Promise<Reply> {
    const last = context.intent as Intent | undefined;
    if (last?.kind === 'show_findings') {
      return this.showFindings(actor, { ...last, severity }, context.environment ?? '', context);
    }
    if (context.runId === undefined || context.environment === undefined) {
      return {
        message: `There are no results to narrow yet: run a check first.\n\n${HELP_TEXT}`,
        intent: 'narrow',
        actions: [],
        context,
      };
    }
    const run = await this.deps.agents.get(actor, context.runId);
    const findings = run.findings.filter((finding) => finding.severity === severity);
    const message =
      findings.length === 0
        ? `The last run on ${run.environment} found no ${severity} findings.`
        : `**${findings.length} ${severity}** of the last run on ${run.environment}:\n${topFindings(findings)}\n\nNext: say "fix them" for the matching workflow.`;
    return {
      message,
      intent: 'narrow',
      environment: run.environment,
      actions: [],
      findings: findings.slice(0, FINDINGS_IN_ANSWER),
      context,
    };
  }

  private tenant<T>(work: () => Promise<T>): Promise<T> {
    return inTenantDatabase(work);
  }
}
