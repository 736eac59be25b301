import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { agentSettings } from '../settings.ts';
import { CASE_CLOCK, snapshotOf } from '../testing/case.ts';
import { container, deployment, podSpec } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { imageHygieneCases, imageHygieneSettings } from './image-hygiene.cases.ts';
import { imageHygiene } from './image-hygiene.ts';

describeCases(imageHygiene, imageHygieneCases, imageHygieneSettings);

describe('image-hygiene/registry-not-allowed', () => {
  const web = deployment(
    'web',
    podSpec({
      containers: [
        container('app', { image: 'Registry.Example:5000/app:1@sha256:abc' }),
        container('proxy', { image: 'index.docker.io/envoyproxy/envoy:v1@sha256:def' }),
      ],
    }),
  );
  const findings = (allowedRegistries?: string[]) =>
    evaluate([imageHygiene], snapshotOf([web]), {
      now: CASE_CLOCK.now,
      settings: agentSettings({ allowedRegistries }),
    }).findings;

  it('reports nothing without an allow-list, or with an empty one', () => {
    expect(findings()).toEqual([]);
    expect(findings([])).toEqual([]);
  });

  it('compares registry hosts case-insensitively, Docker Hub under its legacy name too', () => {
    expect(findings(['registry.example:5000', 'docker.io'])).toEqual([]);
    expect(findings(['REGISTRY.example:5000', 'index.docker.io'])).toEqual([]);
    const [finding] = findings(['registry.example']);
    expect(finding?.evidence).toEqual({
      containers: [
        { name: 'app', image: 'Registry.Example:5000/app:1@sha256:abc', registry: 'registry.example:5000' },
        { name: 'proxy', image: 'index.docker.io/envoyproxy/envoy:v1@sha256:def', registry: 'docker.io' },
      ],
    });
  });
});
