import type { Kind, Stored } from './kinds.ts';
import type { AgentSettings } from './settings.ts';
import type { Snapshot } from './snapshot.ts';
import type { Workload } from './workloads.ts';

/** The Team CRD's six agent categories (AGENTS.md §0.12). */
export const CATEGORIES = [
  'security',
  'reliability',
  'deployment',
  'observability',
  'cost',
  'compliance',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** spec: decided from spec and metadata; runtime: needs status written by controllers (AGENTS.md §0.9). */
export type Mode = 'spec' | 'runtime';

/** Cluster-scoped lists a check needs; a run without them skips the check (AGENTS.md §0.1). */
export type ClusterRead = 'nodes' | 'storageClasses';

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
/** What caused a finding: which containers, ports, values. Small, and never a Secret value. */
export type Evidence = { readonly [key: string]: Json };

/** Everything a check may look at besides its subject. */
export interface RunContext {
  snapshot: Snapshot;
  settings: AgentSettings;
  /** The run's clock, in ms since the epoch: what runtime checks measure ages against (never Date.now()). */
  now: number;
}

/** What a check says about one subject when it fires. */
export interface CheckResult {
  /** One sentence naming the resource and what is wrong. */
  message: string;
  /** What to change: a YAML fragment or a kubectl command where one fits. */
  remediation: string;
  evidence: Evidence;
  /** Report on this object instead of the subject (e.g. a Pod's top-level owner, AGENTS.md §0.2). */
  on?: Stored;
}

/**
 * The namespace a run reads, as one subject: what checks about the namespace as a whole (no
 * NetworkPolicy, no ResourceQuota in it) evaluate, and report on as kind Namespace.
 */
export interface NamespaceSubject {
  kind: 'Namespace';
  metadata: { name: string };
}

/**
 * What a check evaluates, one subject at a time: every workload of §0.3 (a top-level owner with its
 * pod template, or a bare Pod), every object of one kind, or the namespace itself (once per run).
 */
export type Subjects = { Workload: Workload; Namespace: NamespaceSubject } & { [K in Kind]: Stored<K> };
export type Target = keyof Subjects;

interface CheckOf<T extends Target> {
  /** Local id; the finding's `check` is `<agent>/<id>`. */
  id: string;
  severity: Severity;
  mode: Mode;
  /** What users read in the catalog. */
  title: string;
  target: T;
  reads?: readonly ClusterRead[];
  // A method, not a property: checks of different targets then share one `Check` list.
  detect(subject: Subjects[T], run: RunContext): CheckResult | undefined;
}
export type Check = { [T in Target]: CheckOf<T> }[Target];

export interface Agent {
  id: string;
  name: string;
  category: Category;
  description: string;
  checks: readonly Check[];
  /** A summary the run returns beside the findings (the cost agents' namespace totals). */
  summarize?(run: RunContext): Evidence;
}

export interface FindingResource {
  kind: string;
  /** null for cluster-scoped objects (Nodes, StorageClasses, and the Namespace itself). */
  namespace: string | null;
  name: string;
}

export interface Finding {
  /** Stable for one check on one resource, across runs. */
  id: string;
  /** `<agent>/<check>` */
  check: string;
  agent: string;
  category: Category;
  severity: Severity;
  resource: FindingResource;
  message: string;
  remediation: string;
  evidence: Evidence;
}
