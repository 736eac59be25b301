/** Configuration comes from the environment, parsed once at boot; a bad value stops the process. */
export class ConfigError extends Error {
  readonly fields: string[];

  constructor(fields: string[], details: string) {
    super(`Invalid configuration:\n${details}`);
    this.name = 'ConfigError';
    this.fields = fields;
  }
}

/**
 * A schema over the environment: what zod's `safeParse` is. Typed structurally, so that this
 * package stays a leaf and each command brings its own schema.
 */
export interface EnvSchema<T> {
  safeParse(
    env: NodeJS.ProcessEnv,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

/**
 * Parses `env` with `schema`. The error names each failing variable and why, never its value,
 * since configuration holds secrets.
 */
export function parseConfig<T>(schema: EnvSchema<T>, env: NodeJS.ProcessEnv = process.env): T {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const fieldOf = (issue: { path: readonly PropertyKey[] }) => issue.path.map(String).join('.');
  const fields = result.error.issues.map(fieldOf);
  const details = result.error.issues
    .map((issue) => {
      const field = fieldOf(issue);
      return `  ${field}: ${env[field] === undefined ? 'is required' : issue.message}`;
    })
    .join('\n');
  throw new ConfigError(fields, details);
}
