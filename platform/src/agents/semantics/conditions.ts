interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** The condition of `type` with `status` (and `reason`, when given), as controllers write them. */
export function hasCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
  status: 'True' | 'False' | 'Unknown',
  reason?: string,
): Condition | undefined {
  return conditions?.find(
    (condition) =>
      condition.type === type &&
      condition.status === status &&
      (reason === undefined || condition.reason === reason),
  );
}
