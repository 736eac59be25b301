import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { crdFile, KINDS } from './kinds.ts';

export * from './kinds.ts';

/** The plans shipped in plans/default-plans.yaml. */
export const DEFAULT_PLANS = ['starter', 'professional', 'enterprise', 'custom'] as const;

/** The folder of this package: the YAML files below are relative to it. */
export const PACKAGE_DIR = resolve(import.meta.dirname, '..');

// Listed, not globbed, so that a stray file never gets applied to a cluster.
export const CRD_FILES = Object.values(KINDS).map(crdFile);
export const POLICY_FILES = ['policies/plan-in-use.yaml', 'policies/workflow-requester.yaml'];
export const PLAN_FILES = ['plans/default-plans.yaml'];

export type ManifestPart = 'crds' | 'policies' | 'plans';

const PART_FILES: Record<ManifestPart, readonly string[]> = {
  crds: CRD_FILES,
  policies: POLICY_FILES,
  plans: PLAN_FILES,
};

/** One Kubernetes object as authored in a YAML file of this package. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

function isManifest(value: unknown): value is Manifest {
  if (typeof value !== 'object' || value === null) return false;
  const { apiVersion, kind, metadata } = value as Record<string, unknown>;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return false;
  if (typeof metadata !== 'object' || metadata === null) return false;
  return typeof (metadata as Record<string, unknown>).name === 'string';
}

/** Parses a multi-document YAML text; `source` names it in errors. Empty documents are skipped. */
export function parseManifests(text: string, source: string): Manifest[] {
  const manifests: Manifest[] = [];
  for (const [index, document] of parseAllDocuments(text).entries()) {
    const [error] = document.errors;
    if (error) throw new Error(`${source}: document ${index + 1}: ${error.message}`);
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    if (!isManifest(value)) {
      throw new Error(
        `${source}: document ${index + 1} is not a Kubernetes object (apiVersion, kind, metadata.name)`,
      );
    }
    manifests.push(value);
  }
  return manifests;
}

/** Reads one YAML file of this package, e.g. `organizations.yaml` or `plans/default-plans.yaml`. */
export function readManifests(file: string): Manifest[] {
  return parseManifests(readFileSync(resolve(PACKAGE_DIR, file), 'utf8'), `crds/${file}`);
}

/** The objects of one part: the CRDs, the admission policies or the default plans. */
export function loadManifests(part: ManifestPart): Manifest[] {
  return PART_FILES[part].flatMap(readManifests);
}

/**
 * Everything to install, in the order it must be applied: CRDs (which must be Established before
 * anything else), then the policies that refer to them, then the plans.
 */
export function loadAllManifests(): Manifest[] {
  return [...loadManifests('crds'), ...loadManifests('policies'), ...loadManifests('plans')];
}
