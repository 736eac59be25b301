import { z } from 'zod';

/** Every named request and response schema; /openapi.json lists them as components. */
export const contractRegistry = z.registry<{ id: string; description?: string }>();

/** Names a schema in the contract (its OpenAPI component name) and returns it unchanged. */
export function contract<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  contractRegistry.add(schema, description === undefined ? { id } : { id, description });
  return schema;
}
