import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, snapshotOf } from '../testing/case.ts';
import { controllerChain, cronJob, job, podSpec } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { batchJobsCases } from './batch-jobs.cases.ts';
import { batchJobs } from './batch-jobs.ts';

describeCases(batchJobs, batchJobsCases);

describe('batch-jobs on Jobs a CronJob created', () => {
  it('needs no TTL on them, and reports their failure on the Job', () => {
    const failed = {
      ...job('nightly-1'),
      status: { conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] },
    };
    const [owned, owner] = controllerChain(
      failed,
      cronJob('nightly', podSpec(), { spec: { startingDeadlineSeconds: 60 } }),
    );
    const findings = evaluate([batchJobs], snapshotOf([owned, owner]), { now: CASE_CLOCK.now }).findings;
    expect(findings.map((f) => [f.check, `${f.resource.kind}/${f.resource.name}`, f.message])).toEqual([
      ['batch-jobs/job-failed', 'Job/nightly-1', 'Job nightly-1 failed: BackoffLimitExceeded.'],
    ]);
  });
});
