import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { runAgents } from '../api/agents.ts';
import { Button } from './Button.tsx';
import { FindingList } from './FindingItem.tsx';
import { fieldError, ProblemMessage } from './ProblemMessage.tsx';
import { SelectField } from './SelectField.tsx';

/** "Run agents" on an environment: the agents the caller may run, their progress, then the findings. */
export function RunAgentsForm({
  org,
  environments,
  agents,
}: {
  org: string;
  environments: string[];
  agents: string[];
}) {
  const queryClient = useQueryClient();
  const [environment, setEnvironment] = useState(environments[0] ?? '');
  const run = useMutation({
    mutationFn: () => runAgents(org, environment, agents),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['findings', org] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    run.mutate();
  };
  const result = run.data;
  return (
    <form className="workflow-form" onSubmit={submit} aria-label="Run agents">
      <SelectField
        label="Environment"
        value={environment}
        onChange={(event) => setEnvironment(event.target.value)}
        options={environments.map((entry) => ({ value: entry, label: entry }))}
        error={fieldError(run.error, 'environment')}
      />
      <Button type="submit" variant="primary" disabled={run.isPending || agents.length === 0}>
        Run agents
      </Button>
      <output className="workflow-form__description">
        {agents.length === 0
          ? 'Your teams allow no agent here'
          : run.isPending
            ? `Running ${agents.length} agents on ${environment}…`
            : result
              ? `${result.findings.length} findings in ${result.environment}, in ${(result.duration_ms / 1000).toFixed(1)} s`
              : `${agents.length} agents you may run`}
      </output>
      <ProblemMessage error={run.error} />
      {result ? (
        <>
          <FindingList findings={result.findings} label="Findings of this run" />
          <Link to="/o/$org/findings" params={{ org }}>
            All findings
          </Link>
        </>
      ) : null}
    </form>
  );
}
