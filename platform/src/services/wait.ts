import { setTimeout as sleep } from 'node:timers/promises';
import { isConflict } from '@guardian/kube/client';
import type { KubeObject } from '@guardian/kube/resources';
import { kubeRefusal } from './kube-errors.ts';

/**
 * Whether a cached object is at least as new as one we wrote. resourceVersions are opaque by
 * contract but etcd revisions in practice; when they are not numbers only equality counts.
 */
export function atLeast(cached: KubeObject | undefined, written: KubeObject): boolean {
  const have = cached?.metadata?.resourceVersion;
  const want = written.metadata?.resourceVersion;
  if (have === undefined || want === undefined) return false;
  if (/^\d+$/.test(have) && /^\d+$/.test(want)) return BigInt(have) >= BigInt(want);
  return have === want;
}

/** A DNS label made from a display name: "DevOps Team" → devops-team, never with `--`. */
export function labelFrom(name: string, maxLength: number): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, maxLength)
    .replace(/^-+|-+$/g, '');
}

/**
 * Runs a read-modify-apply again when the object changed in between (409): the operator writes
 * status often, and each write moves the resourceVersion our apply was conditional on.
 */
export async function retryOnConflict<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isConflict(error)) throw error;
      if (attempt >= attempts) return kubeRefusal(error);
      await sleep(20 * attempt);
    }
  }
}
