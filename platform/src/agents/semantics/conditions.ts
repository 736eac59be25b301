export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** The condition of `type` with `status` (and `reason`, when given), as controllers write them. */
export function hasCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
  status: ConditionStatus,
  reason?: string,
): Condition | undefined {
  return conditions?.find(
    (condition) =>
      condition.type === type &&
      condition.status === status &&
      (reason === undefined || condition.reason === reason),
  );
}

/** Each object with the condition, beside it: which of a workload's Pods or ReplicaSets are stuck, and why. */
export function withCondition<T>(
  objects: readonly T[],
  conditionsOf: (object: T) => readonly Condition[] | undefined,
  type: string,
  status: ConditionStatus,
  reason?: string,
): { object: T; condition: Condition }[] {
  return objects.flatMap((object) => {
    const condition = hasCondition(conditionsOf(object), type, status, reason);
    return condition ? [{ object, condition }] : [];
  });
}
