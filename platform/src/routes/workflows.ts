import {
  StartWorkflow,
  WorkflowList,
  WorkflowQuery,
  WorkflowReverted,
  WorkflowStarted,
  WorkflowTemplateList,
  WorkflowTemplateQuery,
  WorkflowView,
} from '../contract/workflows.ts';
import { type Api, problem } from '../http/operation.ts';
import { currentOrg } from '../services/actor.ts';
import type { WorkflowService } from '../services/WorkflowService.ts';

const refusals = {
  401: problem('No valid credential'),
  403: problem('Not allowed in this organization, it is suspended, or none is selected'),
  429: problem('Over the hourly API limit'),
};
const notFound = { 404: problem('No such workflow run in the current organization') };

export function workflowRoutes(api: Api, service: WorkflowService): void {
  const base = { tag: 'workflows', auth: 'any' as const };

  api.mount(
    {
      ...base,
      method: 'post',
      path: '/workflows/start',
      summary: 'Start a workflow run',
      description:
        'Creates a WorkflowRun in the organization, which the operator drives. The template, ' +
        'environment (default: the organization’s first), parameters and team (default: the ' +
        'requester’s only team) are checked before anything is written. The run’s workflow unit is ' +
        'counted before the answer, so workflow_quota_remaining counts it; a run past the plan’s ' +
        'workflowsPerMonth is refused (429) and ends Failed with reason QuotaExceeded.',
      permission: 'workflows:create',
      body: StartWorkflow,
      responses: {
        201: { description: 'The run, as it starts', schema: WorkflowStarted },
        400: problem(
          'Invalid input: an unknown template, environment or team, parameters outside the template',
        ),
        ...refusals,
        409: problem('The organization is not provisioned yet'),
        429: problem(
          'The plan’s workflow runs for this billing period are used (quota), or the hourly API limit',
        ),
      },
    },
    async (ctx, { body, actor }) => {
      const { run, quotaRemaining } = await service.start(actor, body);
      const id = run.metadata?.name ?? '';
      ctx.status = 201;
      ctx.set('location', `/workflows/${id}`);
      ctx.body = WorkflowStarted.parse({
        workflow_id: id,
        phase: run.status?.phase ?? 'Pending',
        tenant_context: {
          org_id: currentOrg(actor),
          user_id: actor.userId,
          workflow_quota_remaining: quotaRemaining,
        },
      });
    },
  );

  api.mount(
    {
      ...base,
      method: 'get',
      path: '/workflows/templates',
      summary: 'The workflow templates runs may name, with their parameters and steps',
      description:
        'The built-in templates, then the organization’s own (WorkflowTemplates in its namespace ' +
        'org-<org> that the operator would run), each with its source.',
      permission: 'workflows:read',
      query: WorkflowTemplateQuery,
      responses: {
        200: { description: 'Templates', schema: WorkflowTemplateList },
        400: problem('Invalid query'),
        ...refusals,
      },
    },
    async (ctx, { query, actor }) => {
      const templates = await service.listTemplates(actor);
      ctx.body = WorkflowTemplateList.parse({
        templates: templates.filter((t) => query.source === undefined || t.source === query.source),
      });
    },
  );

  api.mount(
    {
      ...base,
      method: 'get',
      path: '/workflows',
      summary: 'The organization’s workflow runs, newest first',
      permission: 'workflows:read',
      query: WorkflowQuery,
      responses: {
        200: { description: 'Runs', schema: WorkflowList },
        400: problem('Invalid query'),
        ...refusals,
      },
    },
    async (ctx, { query, actor }) => {
      ctx.body = WorkflowList.parse({ workflows: await service.list(actor, query) });
    },
  );

  api.mount(
    {
      ...base,
      method: 'get',
      path: '/workflows/{workflow_id}',
      summary: 'One workflow run: its phase and each step’s',
      permission: 'workflows:read',
      responses: { 200: { description: 'The run', schema: WorkflowView }, ...refusals, ...notFound },
    },
    async (ctx, { params, actor }) => {
      ctx.body = WorkflowView.parse(await service.get(actor, params.workflow_id ?? ''));
    },
  );

  api.mount(
    {
      ...base,
      method: 'post',
      path: '/workflows/{workflow_id}/cancel',
      summary: 'Cancel a workflow run',
      description:
        'Asks the operator to stop the run: a waiting run ends at once, the step in progress ends ' +
        'Cancelled and the steps after it are skipped.',
      permission: 'workflows:cancel',
      responses: {
        200: { description: 'The run, its cancellation requested', schema: WorkflowView },
        ...refusals,
        ...notFound,
        409: problem('The run has ended'),
      },
    },
    async (ctx, { params, actor }) => {
      ctx.body = WorkflowView.parse(await service.cancel(actor, params.workflow_id ?? ''));
    },
  );

  api.mount(
    {
      ...base,
      method: 'post',
      path: '/workflows/{workflow_id}/revert',
      summary: 'Revert what a workflow run remediated',
      description:
        'Restores, object by object and as the organization’s remediator, the fields the run’s ' +
        'remediate steps set (their values before, or absent). An object whose remediated fields ' +
        'someone else changed since is left alone and reported refused with the reason; changes of ' +
        'other fields (a controller’s annotations, resourceVersion) do not count. Only a run that has ' +
        'ended, and only what it changed and was not reverted yet. Judged by the rule of the run’s ' +
        'gates: the caller needs the strongest role a gate that waited for people required (team ' +
        'leads: a run of a team they lead), else 403 with the reason.',
      permission: 'workflows:approve',
      responses: {
        200: { description: 'Each object: reverted, or refused and why', schema: WorkflowReverted },
        ...refusals,
        ...notFound,
        409: problem('The run is in progress, changed nothing, or is reverted already'),
      },
    },
    async (ctx, { params, actor }) => {
      ctx.body = WorkflowReverted.parse(await service.revert(actor, params.workflow_id ?? ''));
    },
  );
}
