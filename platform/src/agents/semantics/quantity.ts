const SUFFIXES: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

// Kubernetes' quantity grammar: a signed decimal, then a binary or decimal SI suffix or an exponent.
// `E` alone is exa; `e3`/`E3` is an exponent (the regex tries the suffix first, then backtracks).
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$/;

/**
 * A resource quantity in base units: `100m` → 0.1 (cores), `2Gi` → 2147483648 (bytes), `1e3` → 1000.
 * undefined for text that is not a quantity (the API never stores one, but a snapshot is data).
 */
export function parseQuantity(text: string): number | undefined {
  const match = QUANTITY.exec(text.trim());
  if (!match) return undefined;
  const [, number = '', suffix = '', exponent] = match;
  const scale = exponent === undefined ? SUFFIXES[suffix] : 10 ** Number(exponent);
  return scale === undefined ? undefined : Number(number) * scale;
}
