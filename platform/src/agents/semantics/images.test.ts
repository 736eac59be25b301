import { describe, expect, it } from 'vitest';
import { normalizeRegistry, parseImage } from './images.ts';

describe('parseImage', () => {
  it.each([
    ['nginx', 'docker.io', undefined, undefined],
    ['nginx:1.27', 'docker.io', '1.27', undefined],
    ['library/nginx:latest', 'docker.io', 'latest', undefined],
    ['bitnami/redis:7', 'docker.io', '7', undefined],
    ['registry.k8s.io/pause:3.10', 'registry.k8s.io', '3.10', undefined],
    ['registry.example:5000/app', 'registry.example:5000', undefined, undefined],
    ['registry.example:5000/team/app:2', 'registry.example:5000', '2', undefined],
    ['localhost/app:dev', 'localhost', 'dev', undefined],
    ['localhost:5000/app', 'localhost:5000', undefined, undefined],
    ['myhost/app:1', 'docker.io', '1', undefined],
    ['GHCR.IO/org/app:1', 'ghcr.io', '1', undefined],
    ['index.docker.io/library/nginx:1', 'docker.io', '1', undefined],
    ['nginx@sha256:abc', 'docker.io', undefined, 'sha256:abc'],
    ['nginx:latest@sha256:abc', 'docker.io', 'latest', 'sha256:abc'],
    ['quay.io/org/app:1.0@sha256:abc', 'quay.io', '1.0', 'sha256:abc'],
  ])('%s: registry %s, tag %s, digest %s', (image, registry, tag, digest) => {
    expect(parseImage(image)).toEqual({ registry, tag, digest });
  });
});

describe('normalizeRegistry', () => {
  it('compares hosts case-insensitively, Docker Hub under one name', () => {
    expect(normalizeRegistry('Registry.Example:5000')).toBe('registry.example:5000');
    expect(normalizeRegistry('index.docker.io')).toBe('docker.io');
    expect(normalizeRegistry('docker.io')).toBe('docker.io');
  });
});
