import { z } from 'zod';
import { parseDuration } from './duration.ts';

// The steps that act on the organization's workloads as its remediator (Workflows 2/3): a Job the
// template defines, and a rollout of a Deployment. Their texts may name the run's parameters as
// `{name}` (and `{run}`, `{environment}`, `{template}`), filled in when the step runs.

const description = z.string().min(1).max(512);
const stepName = z
  .string()
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label');
/** A text with placeholders; what it must be once filled in is checked when the step runs. */
const text = z.string().min(1).max(1024);
export const stepDuration = z
  .string()
  .max(32)
  .refine((value) => parseDuration(value) !== undefined, 'must be a duration like 30s');
/** Annotation keys as Kubernetes takes them: an optional DNS-subdomain prefix and a name. */
const ANNOTATION_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const annotations = z.record(z.string().max(316).regex(ANNOTATION_KEY, 'must be an annotation key'), text);

/** How long a step that waits waits, unless the template says: a Job, a rollout. */
export const DEFAULT_STEP_TIMEOUT = '10m';

export const JobStep = z.strictObject({
  name: stepName,
  type: z.literal('job'),
  description,
  /** The container image, e.g. `{image}`. */
  image: text,
  command: z.array(text).max(32).optional(),
  args: z.array(text).max(64).optional(),
  /** Environment variables of its container. */
  env: z
    .record(
      z
        .string()
        .max(128)
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name'),
      text,
    )
    .optional(),
  /** Annotations of its pod. */
  annotations: annotations.optional(),
  /** Retries before the Job fails (Job spec.backoffLimit). */
  backoffLimit: z.number().int().min(0).max(6).optional(),
  /** How long it may run (Job spec.activeDeadlineSeconds); default 10m. */
  timeout: stepDuration.optional(),
});

export const RolloutStep = z
  .strictObject({
    name: stepName,
    type: z.literal('rollout'),
    description,
    /** The Deployment in the run's environment: its name, or `deployment/<name>` (e.g. `{workload}`). */
    deployment: text,
    /** The container whose image changes; default: the pod template's first. */
    container: text.optional(),
    /** The new image of that container. */
    image: text.optional(),
    /** Annotations set on the pod template (a restart, a new configuration's checksum). */
    annotations: annotations.optional(),
    /** How long the rollout may take before it is rolled back; default 10m. */
    timeout: stepDuration.optional(),
  })
  .refine((step) => step.image !== undefined || step.annotations !== undefined, {
    message: 'a rollout changes an image or pod-template annotations',
    path: ['image'],
  });
