import type { V1Container } from '@kubernetes/client-node';
import type { AgentSettingsOverride } from '../settings.ts';
import { type Case, tableOf } from '../testing/case.ts';
import {
  container,
  cronJob,
  daemonSet,
  deployment,
  job,
  pod,
  podSpec,
  statefulSet,
} from '../testing/manifests.ts';

const { found, name } = tableOf('image-hygiene');

/** The allow-list this table is evaluated with (Organization.spec.agents.allowedRegistries). */
export const imageHygieneSettings: AgentSettingsOverride = {
  allowedRegistries: ['registry.k8s.io', 'docker.io'],
};

const DIGEST = 'sha256:ee6521f290b2168b6e0935a181d4cff9be1ac3f505666ef0e3c98fae8199917a';
const running = (image: string, fields: Omit<Partial<V1Container>, 'name' | 'image'> = {}) =>
  podSpec({ containers: [container('app', { image, ...fields })] });

const untagged = deployment(name('untagged'), running('nginx'));
const latestCached = statefulSet(
  name('latest-cached'),
  running('nginx:latest', { imagePullPolicy: 'IfNotPresent' }),
  {
    spec: { serviceName: name('latest-cached') },
  },
);
const tagged = daemonSet(name('tagged'), running('nginx:1.27'));
const registryPort = job(
  name('registry-port'),
  running('registry.example:5000/app', { imagePullPolicy: 'Always' }),
);
const elsewhere = cronJob(name('elsewhere'), running(`ghcr.io/example/app:1.0@${DIGEST}`));
const initLatest = pod(
  name('init-latest'),
  podSpec({
    initContainers: [container('setup', { image: 'busybox:latest', imagePullPolicy: 'Always' })],
    containers: [container('app', { image: `registry.k8s.io/pause:3.10@${DIGEST}` })],
  }),
);

export const imageHygieneCases: readonly Case[] = [
  {
    name: 'no tag, pull policy left to the API',
    objects: [untagged],
    expect: [found('tag-missing-or-latest', untagged), found('not-pinned-by-digest', untagged)],
    note: 'the API defaults imagePullPolicy to Always for an image without a tag',
  },
  {
    name: 'latest, pulled only when missing',
    objects: [latestCached],
    expect: [
      found('tag-missing-or-latest', latestCached),
      found('latest-not-always-pulled', latestCached),
      found('not-pinned-by-digest', latestCached),
    ],
  },
  {
    name: 'a version tag without a digest',
    objects: [tagged],
    expect: [found('not-pinned-by-digest', tagged)],
  },
  {
    name: 'pinned by digest from an allowed registry',
    objects: [deployment(name('pinned'), running(`registry.k8s.io/pause:3.10@${DIGEST}`))],
    expect: [],
  },
  {
    name: 'a digest pins an image tagged latest',
    objects: [deployment(name('latest-digest'), running(`nginx:latest@${DIGEST}`))],
    expect: [],
    note: 'the API defaults imagePullPolicy to IfNotPresent for an image with a digest',
  },
  {
    name: 'a registry port is not a tag',
    objects: [registryPort],
    expect: [
      found('tag-missing-or-latest', registryPort),
      found('not-pinned-by-digest', registryPort),
      found('registry-not-allowed', registryPort),
    ],
  },
  {
    name: 'a pinned image from a registry outside the allow-list',
    objects: [elsewhere],
    expect: [found('registry-not-allowed', elsewhere)],
  },
  {
    name: 'an init container counts',
    objects: [initLatest],
    expect: [found('tag-missing-or-latest', initLatest), found('not-pinned-by-digest', initLatest)],
  },
];
