import { describe, expect, it } from 'vitest';
import { catalog } from '../agents/catalog/index.ts';
import type { Finding } from '../agents/types.ts';
import {
  applyConfiguration,
  changedSince,
  currentValue,
  fieldPath,
  plannedChanges,
  REMEDIATED_CHECKS,
  unpatchableReason,
  type Workload,
} from './remediation.ts';

const deployment = (containers: unknown[], initContainers?: unknown[]): Workload => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'org-a--staging', uid: 'u1' },
  spec: { template: { spec: { containers, ...(initContainers ? { initContainers } : {}) } } },
});

const finding = (check: string, containers: string[]): Finding => ({
  id: `${check}:web`,
  check,
  agent: check.split('/')[0] ?? '',
  category: 'security',
  severity: 'high',
  resource: { kind: 'Deployment', namespace: 'org-a--staging', name: 'web' },
  message: '',
  remediation: '',
  evidence: { containers },
});

const fallback = { cpuRequest: '100m', memoryRequest: '128Mi', cpuLimit: '500m', memoryLimit: '256Mi' };
const limitRange = (item: Record<string, unknown>) => ({
  spec: { limits: [{ type: 'Container', ...item }] },
});

describe('the checks a remediation acts on', () => {
  it('are checks of the catalog, each naming the containers at fault in its evidence', () => {
    const checks = new Set(
      catalog.flatMap((agent) => agent.checks.map((check) => `${agent.id}/${check.id}`)),
    );
    for (const check of [...REMEDIATED_CHECKS.resources, ...REMEDIATED_CHECKS.securityContext])
      expect(checks, check).toContain(check);
  });
});

describe('plannedChanges', () => {
  it('gives containers lacking requests and limits the LimitRange defaults, else the parameters', () => {
    const web = deployment([{ name: 'app', image: 'a' }]);
    const changes = plannedChanges(
      web,
      [finding('cost-estimator/unpriced-workload', ['app'])],
      ['resources'],
      {
        limitRanges: [limitRange({ defaultRequest: { cpu: '50m' }, default: { cpu: '200m' } })],
        resources: fallback,
      },
    );
    expect(Object.fromEntries(changes.map((c) => [fieldPath('Deployment', c), c.after]))).toEqual({
      'spec.template.spec.containers[app].resources.requests.cpu': '50m',
      'spec.template.spec.containers[app].resources.limits.cpu': '200m',
      'spec.template.spec.containers[app].resources.requests.memory': '128Mi',
      'spec.template.spec.containers[app].resources.limits.memory': '256Mi',
    });
    expect(changes.every((c) => c.before === null)).toBe(true);
  });

  it('keeps what a container sets: a request defaults to its limit, a limit is never below its request', () => {
    const web = deployment([
      { name: 'app', resources: { limits: { cpu: '20m' }, requests: { memory: '1Gi' } } },
    ]);
    const changes = plannedChanges(
      web,
      [finding('resource-limits/cpu-request-missing', ['app'])],
      ['resources'],
      {
        limitRanges: [],
        resources: fallback,
      },
    );
    expect(changes.map((c) => [c.field.join('.'), c.after])).toEqual([
      ['resources.requests.cpu', '20m'],
      ['resources.limits.memory', '1Gi'],
    ]);
  });

  it('hardens only the fields the findings ask for, on the containers they name, init containers included', () => {
    const web = deployment(
      [{ name: 'app', securityContext: { allowPrivilegeEscalation: true } }, { name: 'sidecar' }],
      [{ name: 'init' }],
    );
    const changes = plannedChanges(
      web,
      [
        finding('privileged-containers/allow-privilege-escalation', ['app', 'init']),
        finding('immutable-filesystem/writable-root-filesystem', ['sidecar']),
        finding('run-as-non-root/root-allowed', ['gone']),
        finding('run-as-non-root/low-uid-gid', ['app']),
      ],
      ['securityContext'],
      { limitRanges: [], resources: fallback },
    );
    expect(changes.map((c) => [c.list, c.container, c.field.join('.'), c.before, c.after])).toEqual([
      ['containers', 'app', 'securityContext.allowPrivilegeEscalation', true, false],
      ['initContainers', 'init', 'securityContext.allowPrivilegeEscalation', null, false],
      ['containers', 'sidecar', 'securityContext.readOnlyRootFilesystem', null, true],
    ]);
  });

  it('plans nothing for an object already as asked, or for a remediation the step does not make', () => {
    const web = deployment([{ name: 'app', securityContext: { runAsNonRoot: true } }]);
    const asked = [finding('run-as-non-root/root-allowed', ['app'])];
    expect(plannedChanges(web, asked, ['securityContext'], { limitRanges: [], resources: fallback })).toEqual(
      [],
    );
    const bare = deployment([{ name: 'app' }]);
    expect(plannedChanges(bare, asked, ['resources'], { limitRanges: [], resources: fallback })).toEqual([]);
  });
});

describe('applyConfiguration and changedSince', () => {
  const web = deployment([{ name: 'app', image: 'a', securityContext: { allowPrivilegeEscalation: true } }]);
  const changes = plannedChanges(
    web,
    [
      finding('privileged-containers/allow-privilege-escalation', ['app']),
      finding('immutable-filesystem/writable-root-filesystem', ['app']),
    ],
    ['securityContext'],
    { limitRanges: [], resources: fallback },
  );

  it('applies only the changed fields, by container name; a revert applies what was there', () => {
    expect(applyConfiguration(web, changes, 'after')).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'org-a--staging' },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'app',
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
              },
            ],
          },
        },
      },
    });
    // Fields that were absent are left out: under the same field manager, the apply removes them.
    expect(applyConfiguration(web, changes, 'before')).toMatchObject({
      spec: {
        template: {
          spec: { containers: [{ name: 'app', securityContext: { allowPrivilegeEscalation: true } }] },
        },
      },
    });
  });

  it('puts a CronJob’s changes in its job template', () => {
    const cron: Workload = { ...web, kind: 'CronJob', spec: { jobTemplate: { spec: web.spec } } };
    expect(fieldPath('CronJob', changes[0] ?? ({} as never))).toBe(
      'spec.jobTemplate.spec.template.spec.containers[app].securityContext.allowPrivilegeEscalation',
    );
    expect(currentValue(cron, changes[0] ?? ({} as never))).toBe(true);
    expect(applyConfiguration(cron, changes, 'after')).toHaveProperty(
      ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers', 0, 'name'],
      'app',
    );
  });

  it('finds the remediated fields someone else changed since, and ignores every other field', () => {
    const patched = deployment([
      {
        name: 'app',
        image: 'b',
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
      },
    ]);
    patched.metadata = { ...patched.metadata, annotations: { touched: 'yes' } } as never;
    expect(changedSince(patched, changes)).toEqual([]);
    const edited = deployment([{ name: 'app', securityContext: { allowPrivilegeEscalation: true } }]);
    expect(changedSince(edited, changes)).toEqual([
      'spec.template.spec.containers[app].securityContext.allowPrivilegeEscalation is true, the remediation set false',
      'spec.template.spec.containers[app].securityContext.readOnlyRootFilesystem is absent, the remediation set true',
    ]);
  });

  it('names why a bare Pod or a Job is not patched, and patches the kinds with a mutable pod template', () => {
    expect(unpatchableReason('Pod')).toMatch(/bare Pod/);
    expect(unpatchableReason('Job')).toMatch(/immutable/);
    expect(unpatchableReason('ReplicaSet')).toMatch(/patches only/);
    for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob'])
      expect(unpatchableReason(kind)).toBeUndefined();
  });
});
