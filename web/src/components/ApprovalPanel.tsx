import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { type Decision, decide, type GateStanding } from '../api/workflows.ts';
import { Button } from './Button.tsx';
import { Panel } from './Panel.tsx';
import { ProblemMessage } from './ProblemMessage.tsx';
import './ApprovalPanel.css';
import './TextField.css';

const ROLES: Record<string, string> = {
  team_lead: 'a team lead of the run’s team, or an admin',
  org_admin: 'an admin or owner',
  org_owner: 'an owner',
};

/**
 * The gate awaiting a decision: who must still decide, and Approve and Reject (with a comment) for
 * a person the platform would accept them from; for anyone else, the platform's reason.
 */
export function ApprovalPanel({ org, id, standing }: { org: string; id: string; standing: GateStanding }) {
  const queryClient = useQueryClient();
  const commentId = useId();
  const [comment, setComment] = useState('');
  const decision = useMutation({
    mutationFn: (kind: Decision) => decide(org, id, kind, comment),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['workflow', org, id] }),
        queryClient.invalidateQueries({ queryKey: ['workflow-approval', org, id] }),
        queryClient.invalidateQueries({ queryKey: ['approvals', org] }),
      ]),
  });
  const { gate } = standing;
  if (!gate) return null;
  const may = standing.may_approve || standing.may_reject;

  return (
    <Panel title="Approval needed" description={`The ${gate.step} step waits for a decision`}>
      <div className="approval">
        <p>
          {gate.remaining} more {gate.remaining === 1 ? 'approval' : 'approvals'} needed, from{' '}
          {ROLES[gate.required.role] ?? gate.required.role}
          {gate.expires_at ? `, by ${new Date(gate.expires_at).toLocaleString('en')}` : ''}.
        </p>
        {gate.approved_by.length > 0 ? <p>Approved by {gate.approved_by.join(', ')}.</p> : null}
        {may ? (
          <>
            <div className="field">
              <label className="field__label" htmlFor={commentId}>
                Comment
              </label>
              <textarea
                id={commentId}
                className="field__input approval__comment"
                value={comment}
                maxLength={4096}
                onChange={(event) => setComment(event.target.value)}
              />
            </div>
            <ProblemMessage error={decision.error} />
            <div className="approval__actions">
              {standing.may_approve ? (
                <Button
                  variant="primary"
                  disabled={decision.isPending}
                  onClick={() => decision.mutate('approve')}
                >
                  Approve
                </Button>
              ) : null}
              {standing.may_reject ? (
                <Button disabled={decision.isPending} onClick={() => decision.mutate('reject')}>
                  Reject
                </Button>
              ) : null}
            </div>
          </>
        ) : null}
        {standing.reason ? <p className="approval__reason">{standing.reason}</p> : null}
      </div>
    </Panel>
  );
}
