import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { startWorkflow, type WorkflowTemplate } from '../api/workflows.ts';
import { Button } from './Button.tsx';
import { fieldError, ProblemMessage } from './ProblemMessage.tsx';
import { SelectField } from './SelectField.tsx';
import { TextField } from './TextField.tsx';

/**
 * A run of one of `templates` in one of `environments`, with the template's parameters (their
 * defaults prefilled); the platform checks them and its refusals show beside the fields.
 */
export function StartWorkflowForm({
  org,
  templates,
  environments,
  onStarted,
}: {
  org: string;
  templates: WorkflowTemplate[];
  environments: string[];
  onStarted: (id: string) => void;
}) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(templates[0]?.name ?? '');
  const [environment, setEnvironment] = useState(environments[0] ?? '');
  const [values, setValues] = useState<Record<string, string>>({});
  const template = templates.find((candidate) => candidate.name === name);
  const start = useMutation({
    mutationFn: () => {
      const parameters = Object.fromEntries(
        Object.entries(values).filter(([key]) => key in (template?.parameters ?? {})),
      );
      return startWorkflow(org, { workflow_type: name, environment, parameters });
    },
    onSuccess: async (started) => {
      await queryClient.invalidateQueries({ queryKey: ['workflows', org] });
      onStarted(started.workflow_id);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    start.mutate();
  };

  return (
    <form className="workflow-form" onSubmit={submit} aria-label="Start a workflow">
      <SelectField
        label="Template"
        value={name}
        onChange={(event) => {
          setName(event.target.value);
          setValues({});
        }}
        options={templates.map((entry) => ({ value: entry.name, label: entry.name }))}
        error={fieldError(start.error, 'workflow_type')}
      />
      {template ? <p className="workflow-form__description">{template.description}</p> : null}
      <SelectField
        label="Environment"
        value={environment}
        onChange={(event) => setEnvironment(event.target.value)}
        options={environments.map((entry) => ({ value: entry, label: entry }))}
        error={fieldError(start.error, 'environment')}
      />
      {Object.entries(template?.parameters ?? {}).map(([key, parameter]) => (
        <TextField
          key={`${name}-${key}`}
          label={key}
          hint={parameter.description}
          required={parameter.required}
          value={values[key] ?? parameter.default ?? ''}
          onChange={(event) => setValues({ ...values, [key]: event.target.value })}
          error={fieldError(start.error, `parameters.${key}`)}
        />
      ))}
      <ProblemMessage error={start.error} />
      <Button type="submit" variant="primary" disabled={start.isPending || !name}>
        {start.isPending ? 'Starting…' : 'Start workflow'}
      </Button>
    </form>
  );
}
