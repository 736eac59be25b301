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
      // A variable holding JSON fails at a path inside it; whether it is set is the variable's.
      const variable = String(issue.path[0] ?? '');
      return `  ${fieldOf(issue)}: ${env[variable] === undefined ? 'is required' : issue.message}`;
    })
    .join('\n');
  throw new ConfigError(fields, details);
}

/**
 * A schema that can describe itself: what zod's `schema.toJSONSchema()` is. Each variable's
 * description comes from its `.describe()`, its default and whether it is required from the schema.
 */
export interface DescribedEnvSchema {
  toJSONSchema(params: { io: 'input'; unrepresentable: 'any' }): unknown;
}

interface Variable {
  description?: unknown;
  default?: unknown;
}

/**
 * The environment section of a command's `--help`, generated from its configuration schema, so
 * it lists every variable the command reads: each with its description, then its default or that
 * it is required, wrapped to `width` columns.
 */
export function environmentHelp(schema: DescribedEnvSchema, width = 100): string {
  const json = schema.toJSONSchema({ io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, Variable>;
    required?: string[];
  };
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {})
    .map(([name, variable]) => {
      const description = typeof variable.description === 'string' ? variable.description : '';
      const fallback =
        variable.default === undefined || variable.default === ''
          ? required.has(name)
            ? 'Required.'
            : ''
          : `Default: ${String(variable.default)}.`;
      const text = [description, fallback].filter(Boolean).join(' ');
      return [`  ${name}`, ...wrap(text, width - 6).map((line) => `      ${line}`)].join('\n');
    })
    .join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}
