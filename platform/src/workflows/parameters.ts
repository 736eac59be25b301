import { formatDuration, parseDuration } from './duration.ts';
import { registryProblems } from './image-registries.ts';
import { matchesPattern } from './pattern.ts';
import type { Parameter, WorkflowTemplate } from './templates.ts';

/** What of the organization a run's parameters are checked against. */
export interface ParameterContext {
  /** `Organization.spec.agents.allowedRegistries`: where chosen images may come from (absent: anywhere). */
  allowedRegistries?: readonly string[];
}

/** One parameter that does not fit the template, named as `spec.parameters` names it. */
export interface ParameterError {
  parameter: string;
  message: string;
}

export type ParameterCheck =
  | { ok: true; values: Record<string, string> }
  | { ok: false; errors: ParameterError[] };

const WORKLOAD = /^(deployment|statefulset|daemonset)\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)$/;

/** A workload parameter, `<kind>/<name>`, as its kind (Deployment, ...) and name. */
export function parseWorkload(text: string): { kind: string; name: string } | undefined {
  const match = WORKLOAD.exec(text);
  const [, kind, name] = match ?? [];
  if (!kind || !name || name.length > 253) return undefined;
  const kinds: Record<string, string> = {
    deployment: 'Deployment',
    statefulset: 'StatefulSet',
    daemonset: 'DaemonSet',
  };
  return { kind: kinds[kind] ?? kind, name };
}

function problem(parameter: Parameter, value: string): string | undefined {
  switch (parameter.kind) {
    case 'duration': {
      const ms = parseDuration(value);
      const min = parseDuration(parameter.min) ?? 0;
      const max = parseDuration(parameter.max) ?? Number.POSITIVE_INFINITY;
      if (ms === undefined) return 'must be a duration such as 30s, 5m or 1h30m';
      if (ms < min || ms > max) return `must be between ${formatDuration(min)} and ${formatDuration(max)}`;
      return undefined;
    }
    case 'workload':
      return parseWorkload(value)
        ? undefined
        : 'must name a workload as <kind>/<name>, kind one of deployment, statefulset, daemonset';
    case 'string':
      if (value.length > parameter.maxLength) return `must be at most ${parameter.maxLength} characters`;
      if (parameter.pattern === undefined) return undefined;
      switch (matchesPattern(parameter.pattern, value)) {
        case true:
          return undefined;
        case false:
          return `must match ${parameter.pattern}`;
        case 'too-slow':
          return `could not be matched against ${parameter.pattern} in time (a pattern that backtracks this much cannot be used)`;
      }
  }
}

/**
 * `given` (a run's `spec.parameters`) checked against the template's schema: every key declared,
 * every value of its kind and within its bounds, every required one present, every image it chooses
 * from an allowed registry. The values with the defaults filled in, or every problem at once.
 */
export function checkParameters(
  template: Pick<WorkflowTemplate, 'parameters'> & Partial<Pick<WorkflowTemplate, 'steps'>>,
  given: Readonly<Record<string, string>> | undefined,
  context: ParameterContext = {},
): ParameterCheck {
  const errors: ParameterError[] = [];
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(given ?? {})) {
    const parameter = template.parameters[name];
    if (!parameter) {
      const known = Object.keys(template.parameters);
      errors.push({
        parameter: name,
        message: `is not a parameter of this template (${known.length > 0 ? known.join(', ') : 'it has none'})`,
      });
      continue;
    }
    const wrong = problem(parameter, value);
    if (wrong) errors.push({ parameter: name, message: wrong });
    else values[name] = value;
  }
  for (const [name, parameter] of Object.entries(template.parameters)) {
    if (given?.[name] !== undefined) continue;
    if (parameter.default !== undefined) values[name] = parameter.default;
    else if (parameter.required) errors.push({ parameter: name, message: 'is required' });
  }
  if (errors.length === 0)
    errors.push(...registryProblems(template.steps ?? [], values, context.allowedRegistries));
  return errors.length > 0 ? { ok: false, errors } : { ok: true, values };
}
