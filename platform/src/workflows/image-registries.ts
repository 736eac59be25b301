import { normalizeRegistry, parseImage } from '../agents/semantics/images.ts';
import type { ParameterError } from './parameters.ts';
import type { WorkflowTemplate } from './templates.ts';

const PLACEHOLDER = /\{(\w+)\}/g;

/**
 * The images a run's requester chooses (job and rollout steps whose image takes a parameter),
 * checked against the organization's allowed registries (`Organization.spec.agents.allowedRegistries`;
 * absent or empty: any). A job step runs before any gate, so an image from another registry is
 * refused when the run is accepted, naming the parameter that chose it. Images a template fixes
 * are its authors' (org_admins) choice and are not checked here.
 */
export function registryProblems(
  steps: WorkflowTemplate['steps'],
  values: Readonly<Record<string, string>>,
  allowedRegistries: readonly string[] | undefined,
): ParameterError[] {
  if (!allowedRegistries || allowedRegistries.length === 0) return [];
  const allowed = new Set(allowedRegistries.map(normalizeRegistry));
  const problems = new Map<string, ParameterError>();
  for (const step of steps) {
    const image = step.type === 'job' || step.type === 'rollout' ? step.image : undefined;
    if (image === undefined) continue;
    const chosen = [...image.matchAll(PLACEHOLDER)]
      .map(([, name]) => name ?? '')
      .filter((name) => Object.hasOwn(values, name));
    if (chosen.length === 0) continue;
    const { registry } = parseImage(
      image.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole),
    );
    if (allowed.has(registry)) continue;
    for (const parameter of chosen) {
      problems.set(parameter, {
        parameter,
        message:
          `names an image from ${registry}, which is not one of the organization's allowed registries ` +
          `(${[...allowed].join(', ')})`,
      });
    }
  }
  return [...problems.values()];
}
