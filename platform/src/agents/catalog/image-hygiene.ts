import type { AnyContainer } from '../semantics/containers.ts';
import { allContainers } from '../semantics/containers.ts';
import { normalizeRegistry, parseImage } from '../semantics/images.ts';
import type { Agent } from '../types.ts';
import type { Workload } from '../workloads.ts';
import { containerCheck } from './container-check.ts';

/** All containers (§0.4, ephemeral ones included) that name an image, with it parsed. */
const images = (workload: Workload) =>
  allContainers(workload).flatMap((container) =>
    container.image ? [{ container, image: container.image, ...parseImage(container.image) }] : [],
  );

type Parsed = ReturnType<typeof images>[number];

const evidenceOf = (offending: readonly AnyContainer[]) => ({
  containers: offending.map((container) => ({ name: container.name, image: container.image ?? '' })),
});

/** No digest, and no tag or `latest`: what runs changes whenever the tag moves. */
const floating = (image: Parsed) =>
  image.digest === undefined && (image.tag === undefined || image.tag === 'latest');

/**
 * The stored pull policy; the API defaults it to Always for exactly the floating images (no digest,
 * no tag or `latest`), so an unset one is read as that (a manifest then reads as its stored object).
 */
const pullPolicy = (image: Parsed) =>
  image.container.imagePullPolicy ?? (floating(image) ? 'Always' : 'IfNotPresent');

const tagMissingOrLatest = containerCheck({
  id: 'tag-missing-or-latest',
  severity: 'high',
  title: 'Images without a tag or tagged latest',
  offending: (workload) =>
    images(workload)
      .filter(floating)
      .map(({ container }) => container),
  problem: 'runs images without a version (no tag, or latest, and no digest)',
  advice: 'Pin each image to a version tag, or better a digest.',
  fix: ['image: <registry>/<name>:<version>@sha256:<digest>'],
  evidence: evidenceOf,
});

const latestNotAlwaysPulled = containerCheck({
  id: 'latest-not-always-pulled',
  severity: 'medium',
  title: 'Unversioned images not pulled on every start',
  offending: (workload) =>
    images(workload)
      .filter((image) => floating(image) && pullPolicy(image) !== 'Always')
      .map(({ container }) => container),
  problem:
    'runs unversioned images that nodes do not pull again (imagePullPolicy not Always), so nodes may run different ones',
  advice: 'Pin the image to a version; until then pull it on every start.',
  fix: ['imagePullPolicy: Always'],
  evidence: (offending) => ({
    containers: offending.map((container) => ({
      name: container.name,
      image: container.image ?? '',
      imagePullPolicy: container.imagePullPolicy ?? '',
    })),
  }),
});

const notPinnedByDigest = containerCheck({
  id: 'not-pinned-by-digest',
  severity: 'info',
  title: 'Images not pinned by digest',
  offending: (workload) =>
    images(workload)
      .filter((image) => image.digest === undefined)
      .map(({ container }) => container),
  problem: 'runs images by tag, not digest: a re-pushed tag changes what runs',
  advice: 'Pin each image by digest (the tag may stay for readers).',
  fix: ['image: <registry>/<name>:<version>@sha256:<digest>'],
  evidence: evidenceOf,
});

const registryNotAllowed = containerCheck({
  id: 'registry-not-allowed',
  severity: 'medium',
  title: "Images from registries outside the organization's allow-list",
  offending: (workload, { settings }) => {
    const allowed = new Set(settings.allowedRegistries.map(normalizeRegistry));
    if (allowed.size === 0) return [];
    return images(workload)
      .filter((image) => !allowed.has(image.registry))
      .map(({ container }) => container);
  },
  problem: "runs images from registries outside the organization's allow-list",
  advice:
    'Use images from an allowed registry (mirror the image there), or ask for the registry to be allowed.',
  fix: ['image: <allowed registry>/<name>:<version>'],
  evidence: (offending) => ({
    containers: offending.map((container) => ({
      name: container.name,
      image: container.image ?? '',
      registry: parseImage(container.image ?? '').registry,
    })),
  }),
});

export const imageHygiene: Agent = {
  id: 'image-hygiene',
  name: 'Image hygiene',
  category: 'deployment',
  description: 'Images that are not pinned, not pulled, or not from an allowed registry.',
  checks: [tagMissingOrLatest, latestNotAlwaysPulled, notPinnedByDigest, registryNotAllowed],
};
