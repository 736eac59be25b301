import { describe, expect, it } from 'vitest';
import type { Stored } from '../kinds.ts';
import { desiredReplicas, workloadClass } from './workload-class.ts';

const metadata = { name: 'x' };
const template = { spec: { containers: [] } };
const selector = {};
const deployment = (replicas?: number): Stored<'Deployment'> => ({
  kind: 'Deployment',
  metadata,
  spec: { replicas, selector, template },
});
const pod = (restartPolicy?: string): Stored<'Pod'> => ({
  kind: 'Pod',
  metadata,
  spec: { restartPolicy, containers: [] },
});
const daemonSet = (desiredNumberScheduled?: number): Stored<'DaemonSet'> => ({
  kind: 'DaemonSet',
  metadata,
  spec: { selector, template },
  status:
    desiredNumberScheduled === undefined
      ? undefined
      : { desiredNumberScheduled, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 },
});
const job: Stored<'Job'> = { kind: 'Job', metadata, spec: { template } };
const cronJob: Stored<'CronJob'> = {
  kind: 'CronJob',
  metadata,
  spec: { schedule: '@daily', jobTemplate: { spec: { template } } },
};

describe('workloadClass', () => {
  it('puts controllers of long-running Pods and restarting bare Pods in long-running', () => {
    expect(workloadClass(deployment())).toBe('long-running');
    expect(workloadClass(daemonSet())).toBe('long-running');
    expect(workloadClass(pod())).toBe('long-running');
    expect(workloadClass(pod('Always'))).toBe('long-running');
  });

  it('puts Jobs and CronJobs in batch, and run-to-completion bare Pods in neither', () => {
    expect(workloadClass(job)).toBe('batch');
    expect(workloadClass(cronJob)).toBe('batch');
    expect(workloadClass(pod('Never'))).toBeUndefined();
    expect(workloadClass(pod('OnFailure'))).toBeUndefined();
  });
});

describe('desiredReplicas', () => {
  it('reads stored spec.replicas, which the API defaults to 1', () => {
    expect(desiredReplicas(deployment(3))).toBe(3);
    expect(desiredReplicas(deployment(0))).toBe(0);
    expect(desiredReplicas(deployment())).toBe(1);
  });

  it('counts the Nodes a DaemonSet targets, 0 before the controller has written it', () => {
    expect(desiredReplicas(daemonSet(4))).toBe(4);
    expect(desiredReplicas(daemonSet())).toBe(0);
  });

  it('is 1 for a bare Pod and undefined for batch workloads', () => {
    expect(desiredReplicas(pod())).toBe(1);
    expect(desiredReplicas(job)).toBeUndefined();
    expect(desiredReplicas(cronJob)).toBeUndefined();
  });
});
