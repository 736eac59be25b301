import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, type Listed, snapshotOf } from '../testing/case.ts';
import { configMap, controllerChain, pod, replicaSet, secret } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { configHygieneCases } from './config-hygiene.cases.ts';
import { configHygiene } from './config-hygiene.ts';

describeCases(configHygiene, configHygieneCases);

const checks = (objects: readonly Listed[]) =>
  evaluate([configHygiene], snapshotOf(objects), { now: CASE_CLOCK.now }).findings.map(
    (f) => `${f.check} ${f.resource.kind}/${f.resource.name}`,
  );

describe('config-hygiene', () => {
  it('never reports what Kubernetes creates: kube-root-ca.crt, ServiceAccount tokens', () => {
    expect(
      checks([
        configMap('kube-root-ca.crt', { 'ca.crt': 'x' }),
        secret('builder-token', 'kubernetes.io/service-account-token', { token: '' }),
        configMap('app', { 'ca.crt': 'x' }),
      ]),
    ).toEqual(['config-hygiene/configmap-unused ConfigMap/app']);
  });

  it('counts a live Pod of a ReplicaSet as a user, and as not naked', () => {
    const [live, owner] = controllerChain(
      pod('web-x', { containers: [{ name: 'app', envFrom: [{ secretRef: { name: 'db' } }] }] }),
      replicaSet('web'),
    );
    expect(checks([live, owner, secret('db')])).toEqual([]);
    expect(checks([pod('web-x'), secret('db')])).toEqual([
      'config-hygiene/secret-unused Secret/db',
      'config-hygiene/naked-pod Pod/web-x',
    ]);
  });
});
