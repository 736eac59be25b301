import { useMutation, useQueryClient } from '@tanstack/react-query';
import { cancelWorkflow, hasEnded, revertWorkflow, type Workflow } from '../api/workflows.ts';
import { Button } from './Button.tsx';
import { ProblemMessage } from './ProblemMessage.tsx';

/**
 * Cancel while the run is in progress; Revert once it ended having remediated something. The
 * platform decides who may: its refusal is shown as it gives it.
 */
export function RunActions({ org, run }: { org: string; run: Workflow }) {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['workflow', org, run.workflow_id] });
  const cancel = useMutation({ mutationFn: () => cancelWorkflow(org, run.workflow_id), onSettled: refresh });
  const revert = useMutation({ mutationFn: () => revertWorkflow(org, run.workflow_id), onSettled: refresh });
  const ended = hasEnded(run);
  const remediated = run.steps.some((step) => step.type === 'remediate' && step.phase === 'Succeeded');
  if (ended && !remediated) return null;
  return (
    <div className="run-actions">
      {ended ? (
        <Button disabled={revert.isPending} onClick={() => revert.mutate()}>
          Revert
        </Button>
      ) : (
        <Button disabled={cancel.isPending} onClick={() => cancel.mutate()}>
          Cancel run
        </Button>
      )}
      <ProblemMessage error={cancel.error ?? revert.error} />
      {revert.data ? (
        <ul className="run-actions__outcome" aria-label="Reverted objects">
          {revert.data.objects.map((object) => (
            <li key={`${object.kind}/${object.namespace}/${object.name}`}>
              {object.kind} {object.namespace}/{object.name}: {object.outcome}
              {object.reason ? ` (${object.reason})` : ''}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
