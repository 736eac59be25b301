import { type Case, tableOf } from '../testing/case.ts';
import { cronJob, job, NO_NODE, podSpec } from '../testing/manifests.ts';

const { found, name } = tableOf('batch-jobs');
/** A day: long enough that the TTL controller does not delete a finished row before the run. */
const TTL = { ttlSecondsAfterFinished: 86400 };
const DEADLINE = { startingDeadlineSeconds: 300 };

const noTtl = job(name('no-ttl'));
const suspended = job(name('suspended'), podSpec(), { spec: { ...TTL, suspend: true } });
const noDeadline = cronJob(name('no-deadline'));
const cronSuspended = cronJob(name('cron-suspended'), podSpec(), { spec: { ...DEADLINE, suspend: true } });
const failed = job(name('failed'), podSpec({ nodeSelector: NO_NODE }), {
  spec: { ...TTL, backoffLimit: 0, activeDeadlineSeconds: 1 },
});
const failedStatus = {
  ...failed,
  status: {
    failed: 1,
    conditions: [
      {
        type: 'FailureTarget',
        status: 'True',
        reason: 'DeadlineExceeded',
        message: 'Job was active longer than specified deadline',
      },
      {
        type: 'Failed',
        status: 'True',
        reason: 'DeadlineExceeded',
        message: 'Job was active longer than specified deadline',
      },
    ],
  },
};
const completed = {
  ...job(name('completed'), podSpec(), { spec: TTL }),
  status: {
    succeeded: 1,
    conditions: [
      { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached' },
      { type: 'Complete', status: 'True', reason: 'CompletionsReached' },
    ],
  },
};

export const batchJobsCases: readonly Case[] = [
  { name: 'a Job without ttlSecondsAfterFinished', objects: [noTtl], expect: [found('job-no-ttl', noTtl)] },
  {
    name: 'a suspended Job',
    objects: [suspended],
    expect: [found('job-suspended', suspended)],
  },
  {
    name: 'a CronJob without startingDeadlineSeconds',
    objects: [noDeadline],
    expect: [found('cronjob-no-starting-deadline', noDeadline)],
  },
  {
    name: 'a suspended CronJob',
    objects: [cronSuspended],
    expect: [found('cronjob-suspended', cronSuspended)],
  },
  {
    name: 'a CronJob with a starting deadline',
    objects: [cronJob(name('deadline'), podSpec(), { spec: DEADLINE })],
    expect: [],
  },
  {
    name: 'a Job past its activeDeadlineSeconds',
    objects: [failedStatus],
    expect: [found('job-failed', failedStatus)],
    runtime: true,
    note: 'its Pod stays Pending (no Node matches); the Job controller fails the Job after 1s and writes this status',
  },
  {
    name: 'a completed Job with a TTL',
    objects: [completed],
    expect: [],
    runtime: true,
    note: 'kwok completes its Pod; the Job controller writes this status',
  },
];
