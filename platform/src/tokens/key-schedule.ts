/**
 * When each token signing key signs and when it is published, derived only from the keys'
 * `publishAt`/`activateAt` and the token lifetime, so every replica agrees without coordination:
 *
 *   publish ──(one token lifetime)── activate ── signs ── next key activates ──(lifetime)── unpublished
 *
 * A new key is in the JWKS a full token lifetime before it signs (caches of relying parties pick
 * it up), and an old key stays published until the last token it signed has expired, so a
 * rotation logs nobody out.
 */
export interface ScheduledKey {
  kid: string;
  publishAt: number;
  activateAt: number;
}

function byActivation<T extends ScheduledKey>(keys: readonly T[]): T[] {
  return [...keys].sort((a, b) => a.activateAt - b.activateAt || a.kid.localeCompare(b.kid));
}

/** Until when a key must stay published: a lifetime (plus leeway) after its successor took over. */
export function publishedUntil<T extends ScheduledKey>(
  keys: readonly T[],
  kid: string,
  ttlMs: number,
  leewayMs: number,
) {
  const ordered = byActivation(keys);
  const index = ordered.findIndex((key) => key.kid === kid);
  const next = ordered[index + 1];
  return index < 0
    ? Number.NEGATIVE_INFINITY
    : next
      ? next.activateAt + ttlMs + leewayMs
      : Number.POSITIVE_INFINITY;
}

/** The key that signs at `now`: the most recently activated one. */
export function signingKey<T extends ScheduledKey>(keys: readonly T[], now: number): T | undefined {
  return byActivation(keys)
    .filter((key) => key.activateAt <= now)
    .at(-1);
}

/** The keys in the JWKS at `now`, the only ones a token may be verified with. */
export function publishedKeys<T extends ScheduledKey>(
  keys: readonly T[],
  now: number,
  ttlMs: number,
  leewayMs: number,
): T[] {
  return byActivation(keys).filter(
    (key) => key.publishAt <= now && now < publishedUntil(keys, key.kid, ttlMs, leewayMs),
  );
}

/** Keys no token can still need: safe to delete. */
export function retiredKeys<T extends ScheduledKey>(
  keys: readonly T[],
  now: number,
  ttlMs: number,
  leewayMs: number,
): T[] {
  return keys.filter((key) => publishedUntil(keys, key.kid, ttlMs, leewayMs) <= now);
}
