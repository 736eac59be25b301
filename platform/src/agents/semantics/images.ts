/** An image reference, parsed as AGENTS.md (image-hygiene) and Docker read it. */
export interface ImageReference {
  /** The registry host (with its port), `docker.io` when the reference names none. */
  registry: string;
  /** What follows the last `:` after the last `/` (before any digest); undefined when there is none. */
  tag: string | undefined;
  /** What follows `@`; undefined when there is none. */
  digest: string | undefined;
}

const DOCKER_HUB = 'docker.io';

/**
 * Docker's rules for the registry host: the first path component is a host when it contains `.` or
 * `:` or is `localhost`; otherwise the image is on Docker Hub (`nginx`, `library/nginx`). Hosts
 * compare case-insensitively, and `index.docker.io` is Docker Hub's legacy name.
 */
export function registryHost(name: string): string {
  const slash = name.indexOf('/');
  const first = slash === -1 ? undefined : name.slice(0, slash);
  const host =
    first !== undefined && (first.includes('.') || first.includes(':') || first === 'localhost')
      ? first
      : DOCKER_HUB;
  return normalizeRegistry(host);
}

/** A registry host as compared: lower case, Docker Hub under one name. */
export function normalizeRegistry(host: string): string {
  const lower = host.toLowerCase();
  return lower === 'index.docker.io' ? DOCKER_HUB : lower;
}

export function parseImage(image: string): ImageReference {
  const at = image.indexOf('@');
  const name = at === -1 ? image : image.slice(0, at);
  const digest = at === -1 ? undefined : image.slice(at + 1);
  const colon = name.lastIndexOf(':');
  const tagged = colon > name.lastIndexOf('/');
  return {
    registry: registryHost(tagged ? name.slice(0, colon) : name),
    tag: tagged ? name.slice(colon + 1) : undefined,
    digest: digest === '' ? undefined : digest,
  };
}
