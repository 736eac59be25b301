/** A condition shaped exactly like metav1.Condition. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

export type DesiredCondition = Omit<Condition, 'lastTransitionTime'>;

/**
 * Merges `desired` into `existing` by type. `lastTransitionTime` moves only when a condition's
 * status flips, so a reconcile that changes nothing produces an identical list (and no write).
 * Conditions absent from `desired` are kept; the order is stable.
 */
export function setConditions(
  existing: Condition[] | undefined,
  desired: DesiredCondition[],
  now: Date,
): Condition[] {
  const result = [...(existing ?? [])];
  for (const want of desired) {
    const index = result.findIndex((c) => c.type === want.type);
    const current = index >= 0 ? result[index] : undefined;
    const lastTransitionTime =
      current && current.status === want.status
        ? current.lastTransitionTime
        : now.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const next: Condition = { ...want, lastTransitionTime };
    if (index >= 0) result[index] = next;
    else result.push(next);
  }
  return result;
}

export function findCondition(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

export function isTrue(conditions: Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}
