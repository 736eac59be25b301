import { z } from 'zod';

/** Configuration comes from the environment, parsed once at boot; a bad value stops the process. */
export class ConfigError extends Error {
  readonly fields: string[];

  constructor(fields: string[], details: string) {
    super(`Invalid configuration:\n${details}`);
    this.name = 'ConfigError';
    this.fields = fields;
  }
}

export const postgresUrl = z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' });
export const redisUrl = z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' });

export const databaseConfig = z.object({
  /** The platform's own connection: the `guardian_app` role, which owns nothing. */
  DATABASE_URL: postgresUrl,
});

export const migrationConfig = z.object({
  /** The owner role that runs migrations and owns the tables. */
  DATABASE_ADMIN_URL: postgresUrl,
  /** The role the platform connects as, granted row access by the migrations. */
  DATABASE_URL: postgresUrl,
});

export const redisConfig = z.object({ REDIS_URL: redisUrl });

/**
 * Parses `env` with `schema`. The error names each failing variable and why, never its value,
 * since configuration holds secrets.
 */
export function parseConfig<T extends z.ZodType>(
  schema: T,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => issue.path.join('.'));
  const details = result.error.issues
    .map((issue) => {
      const field = issue.path.join('.');
      return `  ${field}: ${env[field] === undefined ? 'is required' : issue.message}`;
    })
    .join('\n');
  throw new ConfigError(fields, details);
}
