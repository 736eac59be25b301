import { z } from 'zod';
import { catalog } from '../agents/catalog/index.ts';
import { CATEGORIES } from '../agents/types.ts';
import { parseDuration } from './duration.ts';
import { patternProblem } from './pattern.ts';
import { REMEDIATIONS } from './remediation.ts';
import { JobStep, RolloutStep } from './step-schemas.ts';
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
    /** A regular expression the whole value must match; a match runs with a time budget (pattern.ts). */
    pattern: z
      .string()
      .max(256)
      .superRefine((pattern, ctx) => {
        const problem = patternProblem(pattern);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    maxLength: z.number().int().min(1).max(1024).default(256),
  }),
]);
export type Parameter = z.infer<typeof Parameter>;

const stepName = z
  .string()
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label');

/** The agent catalog's ids: what an agents step may name (WorkflowTemplate's CRD lists the same). */
export const AGENT_IDS = catalog.map((agent) => agent.id) as [string, ...string[]];

/**
 * One step, of a type the operator runs (STEP_TYPES_AVAILABLE); a template naming another fails
 * this schema (it is never offered to run half).
 */
const Step = z.discriminatedUnion('type', [
  z
    .strictObject({
      name: stepName,
      type: z.literal('agents'),
      description,
      /** Every agent of these categories; a category with no agents selects none. */
      categories: z.array(z.enum(CATEGORIES)).min(1).max(CATEGORIES.length).optional(),
      /** These agents, by id (GET /agents), besides those of `categories`. */
      agents: z.array(z.enum(AGENT_IDS)).min(1).max(AGENT_IDS.length).optional(),
    })
    .refine((step) => step.categories !== undefined || step.agents !== undefined, {
      message: 'an agents step names categories, agents or both',
      path: ['categories'],
    }),
  z.strictObject({
    name: stepName,
    type: z.literal('remediate'),
    description,
    /**
     * What it fixes of the findings of the run's earlier agents steps: `resources` (requests and
     * limits where missing: the namespace's LimitRange defaults, else the template's parameters
     * cpuRequest, memoryRequest, cpuLimit, memoryLimit), `securityContext` (runAsNonRoot,
     * allowPrivilegeEscalation: false, readOnlyRootFilesystem where a finding asks).
     */
    remediations: z.array(z.enum(REMEDIATIONS)).min(1).max(REMEDIATIONS.length),
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
    /** What the event says; `{<parameter>}`, `{template}`, `{environment}`, `{requestedBy}` and `{run}` are filled in. */
    message: z.string().min(1).max(1024),
  }),
  JobStep,
  RolloutStep,
]);
export type Step = z.infer<typeof Step>;

/** The parameters a `resources` remediation falls back on where the namespace has no LimitRange default. */
const RESOURCE_PARAMETERS = ['cpuRequest', 'memoryRequest', 'cpuLimit', 'memoryLimit'] as const;
const QUANTITY = '[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?';
const quantity = (what: string, value: string) => ({
  kind: 'string' as const,
  description: `The ${what} a container without one gets where the namespace's LimitRange has no default`,
  default: value,
  pattern: QUANTITY,
  maxLength: 32,
});
/** The requests and limits a rightsizing gives where nothing else says (documented in the README). */
const RESOURCE_DEFAULTS = {
  cpuRequest: quantity('CPU request', '100m'),
  memoryRequest: quantity('memory request', '128Mi'),
  cpuLimit: quantity('CPU limit', '500m'),
  memoryLimit: quantity('memory limit', '256Mi'),
};

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
    // DESIGN.md: steps that change existing workloads always come after a gate (Jobs need none).
    const firstGate = template.steps.findIndex((step) => step.type === 'approval');
    for (const [index, step] of template.steps.entries()) {
      if ((step.type === 'rollout' || step.type === 'remediate') && (firstGate < 0 || firstGate > index))
        ctx.addIssue({
          code: 'custom',
          path: ['steps', index, 'type'],
          message: `a ${step.type} step changes workloads: an approval step must come before it`,
        });
    }
    // Requests and limits come from the namespace's LimitRange, else from these parameters.
    if (template.steps.some((step) => step.type === 'remediate' && step.remediations.includes('resources')))
      for (const name of RESOURCE_PARAMETERS)
        if (template.parameters[name]?.kind !== 'string' || template.parameters[name]?.default === undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['parameters', name],
            message: 'a remediate step fixing resources needs a string parameter with a default',
          });
    for (const [name, parameter] of Object.entries(template.parameters)) {
      if (parameter.required && parameter.default !== undefined)
        ctx.addIssue({ code: 'custom', path: ['parameters', name], message: 'required with a default' });
    }
  });
export type WorkflowTemplate = z.infer<typeof WorkflowTemplate>;
/** A template as written, before defaults: what a catalog is built from. */
export type TemplateInput = z.input<typeof WorkflowTemplate>;

/** The built-in templates: DESIGN.md's table. */
const BUILT_IN: readonly TemplateInput[] = [
  {
    name: 'cost_optimization_pipeline',
    namePrefix: 'cost',
    description:
      'The cost and security agents over the environment, a medium-risk gate (automatic outside ' +
      'production), then requests and limits for the containers that lack them.',
    parameters: RESOURCE_DEFAULTS,
    steps: [
      { name: 'cost', type: 'agents', description: 'The cost agents', categories: ['cost'] },
      { name: 'security', type: 'agents', description: 'The security agents', categories: ['security'] },
      { name: 'approval', type: 'approval', description: 'Approves the rightsizing', risk: 'medium' },
      {
        name: 'rightsizing',
        type: 'remediate',
        description: 'Requests and limits where missing, on the workloads the findings name',
        remediations: ['resources'],
      },
    ],
  },
  {
    name: 'security_hardening_pipeline',
    namePrefix: 'security',
    description:
      'The security and compliance agents over the environment, a medium-risk gate (automatic ' +
      'outside production), then securityContext hardening where the findings ask for it.',
    steps: [
      { name: 'security', type: 'agents', description: 'The security agents', categories: ['security'] },
      {
        name: 'compliance',
        type: 'agents',
        description: 'The compliance agents',
        categories: ['compliance'],
      },
      { name: 'approval', type: 'approval', description: 'Approves the hardening', risk: 'medium' },
      {
        name: 'hardening',
        type: 'remediate',
        description:
          'runAsNonRoot, allowPrivilegeEscalation: false and readOnlyRootFilesystem where a finding asks',
        remediations: ['securityContext'],
      },
    ],
  },
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
  {
    name: 'ml_model_lifecycle',
    namePrefix: 'ml',
    description:
      'Trains and validates a model as Jobs in the environment (the model image’s train and validate ' +
      'commands), waits for a high-risk approval, rolls the model server out with the new image (rolled ' +
      'back when it does not finish in time), then watches it for regressions.',
    parameters: {
      image: {
        kind: 'string',
        description: 'The model image: its train and validate commands run as Jobs, and the server runs it',
        required: true,
        pattern: '[^\\s]+',
        maxLength: 1024,
      },
      workload: {
        kind: 'workload',
        description: 'The model server, deployment/<name>: rolled out with the image, then watched',
        required: true,
      },
      window: {
        kind: 'duration',
        description: 'How long the monitor step watches the model server, e.g. 30s or 5m',
        default: '30s',
        min: '1s',
        max: '1h',
      },
    },
    steps: [
      {
        name: 'train',
        type: 'job',
        description: 'Trains the model: a Job running the image with argument train',
        image: '{image}',
        args: ['train'],
        env: { GUARDIAN_RUN: '{run}', GUARDIAN_ENVIRONMENT: '{environment}' },
      },
      {
        name: 'validate',
        type: 'job',
        description: 'Validates the trained model: a Job running the image with argument validate',
        image: '{image}',
        args: ['validate'],
        env: { GUARDIAN_RUN: '{run}', GUARDIAN_ENVIRONMENT: '{environment}' },
      },
      { name: 'gate', type: 'approval', description: 'The model update, approved', risk: 'high' },
      {
        name: 'deploy',
        type: 'rollout',
        description: 'Rolls the model server out with the new image; rolls it back when it does not finish',
        deployment: '{workload}',
        image: '{image}',
      },
      { name: 'watch', type: 'monitor', description: 'Watches the model server for the window' },
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
