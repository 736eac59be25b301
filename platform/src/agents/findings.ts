import { createHash } from 'node:crypto';
import type { Evidence, Finding, FindingResource, Json } from './types.ts';

/** Stable for one check on one resource: the same in every run that reports it. */
export function findingId(check: string, resource: FindingResource): string {
  const key = [check, resource.kind, resource.namespace ?? '', resource.name].join('|');
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/**
 * AGENTS.md §0.2: at most one finding per (check, kind, name) per run. A second one for the same
 * resource adds its evidence to the first; the first message stays.
 */
export function addFinding(findings: Map<string, Finding>, finding: Finding): void {
  const existing = findings.get(finding.id);
  findings.set(
    finding.id,
    existing ? { ...existing, evidence: mergeEvidence(existing.evidence, finding.evidence) } : finding,
  );
}

/** Keys of both; where both hold different values, the union of their elements, in order. */
export function mergeEvidence(first: Evidence, second: Evidence): Evidence {
  const merged: Record<string, Json> = { ...first };
  for (const [key, value] of Object.entries(second)) {
    const before = merged[key];
    merged[key] = before === undefined ? value : union(before, value);
  }
  return merged;
}

function union(first: Json, second: Json): Json {
  if (sameJson(first, second)) return first;
  const items = [...asList(first)];
  for (const item of asList(second)) if (!items.some((known) => sameJson(known, item))) items.push(item);
  return items;
}

function asList(value: Json): readonly Json[] {
  return Array.isArray(value) ? value : [value];
}

function sameJson(first: Json, second: Json): boolean {
  return JSON.stringify(first) === JSON.stringify(second);
}
