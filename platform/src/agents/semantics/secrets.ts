/** AGENTS.md secrets-exposure: a name that says it holds a credential. */
const SENSITIVE_NAME = /passw(or)?d|secret|token|api[-_]?key|private[-_]?key|credentials?|access[-_]?key/i;

// Certificates are public; only private-key blocks are sensitive.
const SENSITIVE_VALUES: readonly { kind: string; pattern: RegExp }[] = [
  { kind: 'a private key', pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/ },
  { kind: 'an AWS access key id', pattern: /AKIA[0-9A-Z]{16}/ },
  { kind: 'a GitHub token', pattern: /ghp_[0-9A-Za-z]{36}/ },
];

export function isSensitiveName(name: string): boolean {
  return SENSITIVE_NAME.test(name);
}

/** What the value looks like, when it holds a credential: never the value itself. */
export function sensitiveValueKind(value: string): string | undefined {
  return SENSITIVE_VALUES.find(({ pattern }) => pattern.test(value))?.kind;
}

/**
 * Why a name/value pair looks like a credential (`a sensitive name`, `a private key`…), or
 * undefined. What a finding may say about where a secret is, never what it is.
 */
export function secretLooking(name: string, value: string): string | undefined {
  if (isSensitiveName(name)) return 'a sensitive name';
  return sensitiveValueKind(value);
}
