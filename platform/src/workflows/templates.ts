import { z } from 'zod';
import { CATEGORIES } from '../agents/types.ts';
import { parseDuration } from './duration.ts';
import { RISKS } from './vocabulary.ts';

const description = z.string().min(1).max(512);
const defaultValue = z.string().max(1024).optional();
const required = z.boolean().optional();
const duration = z
  .string()
  .refine((text) => parseDuration(text) !== undefined, 'must be a duration like 30s');

/** A template's parameter: what `spec.parameters` (a string map) may hold under its name. */
const Parameter = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('duration'),
    description,
    default: defaultValue,
    required,
    /** Bounds, inclusive. */
    min: duration,
    max: duration,
  }),
  z.strictObject({
    /** `<kind>/<name>` of a Deployment, StatefulSet or DaemonSet in the run's environment. */
    kind: z.literal('workload'),
    description,
    default: defaultValue,
    required,
  }),
  z.strictObject({
    kind: z.literal('string'),
    description,
    default: defaultValue,
    required,
    pattern: z.string().max(256).optional(),
    maxLength: z.number().int().min(1).max(1024).default(256),
  }),
]);
export type Parameter = z.infer<typeof Parameter>;

const stepName = z
  .string()
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label');

/**
 * One step. The types the operator runs today; Workflows 2/3 adds remediate, job and rollout, and
 * a template naming one fails this schema until then (it is never offered to run half).
 */
const Step = z.discriminatedUnion('type', [
  z.strictObject({
    name: stepName,
    type: z.literal('agents'),
    description,
    /** Every agent of these categories; a category with no agents selects none. */
    categories: z.array(z.enum(CATEGORIES)).min(1).max(CATEGORIES.length),
  }),
  z.strictObject({
    name: stepName,
    type: z.literal('monitor'),
    description,
  }),
  z.strictObject({
    name: stepName,
    type: z.literal('approval'),
    description,
    risk: z.enum(RISKS),
  }),
  z.strictObject({
    name: stepName,
    type: z.literal('notify'),
    description,
    /** What the event says; `{template}`, `{environment}`, `{requestedBy}` and `{run}` are filled in. */
    message: z.string().min(1).max(1024),
  }),
]);
export type Step = z.infer<typeof Step>;

export const TEMPLATE_NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** A workflow template: data, validated by this schema (STYLE.md: no code with branches per template). */
export const WorkflowTemplate = z
  .strictObject({
    name: z.string().max(63).regex(TEMPLATE_NAME, 'must be snake_case'),
    /** The middle of its runs' names: `wf-<namePrefix>-<5 random characters>`. */
    namePrefix: z
      .string()
      .max(12)
      .regex(/^[a-z][a-z0-9]*$/),
    description,
    parameters: z.record(z.string().regex(/^[a-z][a-zA-Z0-9_]{0,62}$/), Parameter).default({}),
    steps: z.array(Step).min(1).max(32),
  })
  .superRefine((template, ctx) => {
    const names = template.steps.map((step) => step.name);
    for (const [index, name] of names.entries()) {
      if (names.indexOf(name) !== index)
        ctx.addIssue({ code: 'custom', path: ['steps', index, 'name'], message: `${name} is named twice` });
    }
    // A monitor step watches for `window`, and the workload `workload` names (when it declares one).
    if (template.steps.some((step) => step.type === 'monitor')) {
      if (template.parameters.window?.kind !== 'duration')
        ctx.addIssue({
          code: 'custom',
          path: ['parameters', 'window'],
          message: 'a monitor needs a duration',
        });
      const workload = template.parameters.workload;
      if (workload !== undefined && workload.kind !== 'workload')
        ctx.addIssue({
          code: 'custom',
          path: ['parameters', 'workload'],
          message: 'must be of kind workload',
        });
    }
    for (const [name, parameter] of Object.entries(template.parameters)) {
      if (parameter.required && parameter.default !== undefined)
        ctx.addIssue({ code: 'custom', path: ['parameters', name], message: 'required with a default' });
    }
  });
export type WorkflowTemplate = z.infer<typeof WorkflowTemplate>;
/** A template as written, before defaults: what a catalog is built from. */
export type TemplateInput = z.input<typeof WorkflowTemplate>;

/**
 * The built-in templates (DESIGN.md's table) whose every step type the operator runs today.
 * cost_optimization_pipeline, security_hardening_pipeline and ml_model_lifecycle need remediate,
 * job and rollout (Workflows 2/3) and join this list with them.
 */
const BUILT_IN: readonly TemplateInput[] = [
  {
    name: 'deployment_health_check',
    namePrefix: 'health',
    description:
      'The deployment, reliability and observability agents over the environment, then a watch of its ' +
      'workloads for regressions: a container restart, a pod turning unready, a new Warning Event.',
    parameters: {
      window: {
        kind: 'duration',
        description: 'How long the monitor step watches, e.g. 30s or 5m',
        default: '30s',
        min: '1s',
        max: '1h',
      },
      workload: {
        kind: 'workload',
        description:
          'The workload to watch, <kind>/<name> (deployment, statefulset or daemonset); every workload ' +
          'of the environment when absent',
      },
    },
    steps: [
      {
        name: 'analysis',
        type: 'agents',
        description: 'The deployment, reliability and observability agents',
        categories: ['deployment', 'reliability', 'observability'],
      },
      {
        name: 'watch',
        type: 'monitor',
        description: 'Watches the workloads for the window; fails on a regression',
      },
    ],
  },
];

/** Templates by name, each validated; what the operator runs and the API offers. */
export class TemplateCatalog {
  private readonly byName: ReadonlyMap<string, WorkflowTemplate>;

  constructor(templates: readonly TemplateInput[]) {
    const parsed = templates.map((template) => {
      const result = WorkflowTemplate.safeParse(template);
      if (!result.success) {
        throw new Error(`Workflow template ${String(template.name)} is not valid: ${result.error.message}`);
      }
      return result.data;
    });
    this.byName = new Map(parsed.map((template) => [template.name, template]));
    if (this.byName.size !== parsed.length) throw new Error('Two workflow templates share a name');
  }

  get(name: string): WorkflowTemplate | undefined {
    return this.byName.get(name);
  }

  list(): WorkflowTemplate[] {
    return [...this.byName.values()];
  }

  /** A catalog with `more` besides these (tests bring templates with gates and notifications). */
  with(more: readonly TemplateInput[]): TemplateCatalog {
    return new TemplateCatalog([...this.list(), ...more]);
  }
}

export const builtInTemplates = new TemplateCatalog(BUILT_IN);
