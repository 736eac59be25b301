import { named, type Stored } from '../kinds.ts';
import { controllerOf } from '../owners.ts';
import { hasCondition } from '../semantics/conditions.ts';
import type { Agent, Check, CheckResult, RunContext } from '../types.ts';
import { describeCommand, fragment } from './text.ts';

const jobNoTtl: Check = {
  id: 'job-no-ttl',
  severity: 'low',
  mode: 'spec',
  title: 'Jobs kept forever after they finish',
  target: 'Job',
  detect(job) {
    if (controllerOf(job) !== undefined || job.spec?.ttlSecondsAfterFinished !== undefined) return undefined;
    return {
      message: `${named(job)} has no ttlSecondsAfterFinished: it and its Pods stay after it finishes.`,
      remediation: `Let the TTL controller delete it a while after it finishes.\n${fragment('spec', ['ttlSecondsAfterFinished: 86400'])}`,
      evidence: { ttlSecondsAfterFinished: null },
    };
  },
};

const cronJobNoStartingDeadline: Check = {
  id: 'cronjob-no-starting-deadline',
  severity: 'low',
  mode: 'spec',
  title: 'CronJobs without a starting deadline',
  target: 'CronJob',
  detect(cronJob) {
    if (cronJob.spec?.startingDeadlineSeconds !== undefined) return undefined;
    return {
      message: `${named(cronJob)} has no startingDeadlineSeconds: a run missed while the controller was down may start at any later time, or be skipped after 100 misses.`,
      remediation: `Say how late a run may still start.\n${fragment('spec', ['startingDeadlineSeconds: 300'])}`,
      evidence: { startingDeadlineSeconds: null },
    };
  },
};

/** `job-suspended` and `cronjob-suspended`: `spec.suspend: true`. */
function suspended(kind: 'Job' | 'CronJob', effect: string): Check {
  const check = {
    id: `${kind.toLowerCase()}-suspended`,
    severity: 'low',
    mode: 'spec',
    title: `Suspended ${kind}s`,
  } as const;
  const detect = (object: Stored<'Job' | 'CronJob'>, { snapshot }: RunContext): CheckResult | undefined => {
    if (object.spec?.suspend !== true) return undefined;
    return {
      message: `${named(object)} is suspended: it ${effect}.`,
      remediation: `Resume it, or delete it if it is no longer needed:\nkubectl -n ${snapshot.namespace} patch ${kind.toLowerCase()} ${object.metadata.name} --type merge -p '{"spec":{"suspend":false}}'`,
      evidence: { suspend: true },
    };
  };
  return kind === 'Job' ? { ...check, target: 'Job', detect } : { ...check, target: 'CronJob', detect };
}

const jobFailed: Check = {
  id: 'job-failed',
  severity: 'high',
  mode: 'runtime',
  title: 'Failed Jobs',
  target: 'Job',
  detect(job, { snapshot }) {
    const condition = hasCondition(job.status?.conditions, 'Failed', 'True');
    if (!condition) return undefined;
    return {
      message: `${named(job)} failed: ${condition.reason ?? 'Failed'}${condition.message ? ` (${condition.message})` : ''}.`,
      remediation: `See why (its Pods' logs, its events), fix, and run it again:\n${describeCommand(job, snapshot.namespace)}`,
      evidence: { reason: condition.reason ?? '', message: condition.message ?? '' },
    };
  },
};

export const batchJobs: Agent = {
  id: 'batch-jobs',
  name: 'Batch jobs',
  category: 'deployment',
  description: 'Jobs and CronJobs that are suspended, failed, or never cleaned up.',
  checks: [
    jobNoTtl,
    suspended('Job', 'runs no Pods'),
    cronJobNoStartingDeadline,
    suspended('CronJob', 'starts no Jobs'),
    jobFailed,
  ],
};
