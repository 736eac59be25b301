import type { RunContext } from './workflowrun.steps.ts';

/**
 * A template's text with the run's facts filled in: `{name}` of each of its parameters (defaults
 * included), then `{template}`, `{environment}`, `{requestedBy}` and `{run}`; anything else in
 * braces stays as written. One pass, so a value holding braces is never expanded again.
 */
export function fillIn(text: string, run: Pick<RunContext, 'run' | 'parameters'>): string {
  const facts: Record<string, string> = {
    ...run.parameters,
    template: run.run.spec.template,
    environment: run.run.spec.environment,
    requestedBy: run.run.spec.requestedBy,
    run: run.run.metadata?.name ?? '',
  };
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(facts, name) ? (facts[name] ?? whole) : whole,
  );
}
