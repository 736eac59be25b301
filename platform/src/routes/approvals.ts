import {
  ApprovalQuery,
  DecideWorkflow,
  GateStanding,
  GateView,
  PendingApprovals,
} from '../contract/workflows.ts';
import { type Api, problem } from '../http/operation.ts';
import type { ApprovalService } from '../services/ApprovalService.ts';

const refusals = {
  401: problem('No valid credential'),
  429: problem('Over the hourly API limit'),
};

/**
 * Deciding gates: approve or reject a run's gate (judged at once by the same rules as a kubectl
 * WorkflowApproval), and the gates the caller may decide.
 */
export function approvalRoutes(api: Api, service: ApprovalService): void {
  const base = { tag: 'workflows', auth: 'any' as const };
  for (const decision of ['approve', 'reject'] as const) {
    api.mount(
      {
        ...base,
        method: 'post',
        path: `/workflows/{workflow_id}/${decision}`,
        summary: decision === 'approve' ? 'Approve a run’s gate' : 'Reject a run’s gate',
        description:
          'Judged at once by the organization’s approval policy: the gate must await a decision and ' +
          'not have expired; your role must meet the gate’s (team leads: runs of their own team); the ' +
          'requester never approves their own run, and one person counts once. Accepted, it is ' +
          'recorded as a WorkflowApproval in your name and the answer is the gate’s state' +
          (decision === 'approve'
            ? '; the run moves on when enough distinct people have approved.'
            : '; the run ends Rejected.'),
        permission: 'workflows:approve',
        body: DecideWorkflow,
        responses: {
          202: { description: 'Accepted: the gate’s state with this decision', schema: GateView },
          400: problem('Invalid input, or `step` is not a gate of the run'),
          ...refusals,
          403: problem(
            'Refused: your own run, your role is too low, the run is another team’s, or you approved already; or not allowed in this organization',
          ),
          404: problem('No such workflow run in the current organization'),
          409: problem('No gate awaits a decision: not reached, decided already (late), or expired'),
        },
      },
      async (ctx, { params, body, actor }) => {
        ctx.status = 202;
        ctx.body = GateView.parse(await service.decide(actor, params.workflow_id ?? '', decision, body));
      },
    );
  }

  api.mount(
    {
      ...base,
      method: 'get',
      path: '/approvals',
      summary: 'The gates awaiting a decision you may make',
      permission: 'workflows:read',
      query: ApprovalQuery,
      responses: {
        200: { description: 'Gates', schema: PendingApprovals },
        ...refusals,
        403: problem('Not allowed in this organization, it is suspended, or none is selected'),
      },
    },
    async (ctx, { actor }) => {
      ctx.body = PendingApprovals.parse({ approvals: await service.pending(actor) });
    },
  );

  api.mount(
    {
      ...base,
      method: 'get',
      path: '/workflows/{workflow_id}/approval',
      summary: 'The gate awaiting a decision, and whether you may decide it',
      description:
        'The run’s gate that awaits a decision (null: none does), and the verdicts the platform would ' +
        'give your approval and your rejection now, by the same rules as POST approve and reject; ' +
        '`reason` says why you may not approve.',
      permission: 'workflows:read',
      responses: {
        200: { description: 'The gate and your standing', schema: GateStanding },
        ...refusals,
        403: problem('Not allowed in this organization, it is suspended, or none is selected'),
        404: problem('No such workflow run in the current organization'),
      },
    },
    async (ctx, { params, actor }) => {
      ctx.body = GateStanding.parse(await service.standing(actor, params.workflow_id ?? ''));
    },
  );
}
