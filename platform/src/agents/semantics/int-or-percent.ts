/** An IntOrString field (a PDB's minAvailable, maxUnavailable) as the API serves it. */
export type IntOrPercent = number | string;

const PERCENT = /^(\d+)%$/;

/** `N%` as N; undefined for an integer, or for text the API would reject. */
export function percentOf(value: IntOrPercent | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = PERCENT.exec(value);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** An integer as is, `N%` of `total` rounded up, as Kubernetes scales minAvailable; undefined otherwise. */
export function scaledUp(value: IntOrPercent | undefined, total: number): number | undefined {
  if (typeof value === 'number') return value;
  const percent = percentOf(value);
  return percent === undefined ? undefined : Math.ceil((percent * total) / 100);
}
