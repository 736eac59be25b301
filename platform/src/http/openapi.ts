import { z } from 'zod';
import { contractRegistry } from '../contract/registry.ts';
import { type AnyOperation, frameworkResponses, type Identifies } from './operation.ts';

type Json = Record<string, unknown>;

const ref = (schema: z.ZodType): Json => {
  const id = contractRegistry.get(schema)?.id;
  return id
    ? { $ref: `#/components/schemas/${id}` }
    : (z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any' }) as Json);
};

function queryParameters(schema: z.ZodType): Json[] {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, Json>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

/** The path's template parameters ({org_id}): OpenAPI requires each to be declared, as required. */
function pathParameters(path: string): Json[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
}

const operationId = (operation: AnyOperation): string =>
  `${operation.method}${operation.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`;

/**
 * Links from a response that identifies a resource to every operation on it (its path and the
 * paths below, taking no other path parameter), so clients and fuzzers can follow them.
 */
function linksFrom(identifies: Identifies, operations: readonly AnyOperation[]): Json {
  const links: Json = {};
  for (const target of operations) {
    const parameters = [...target.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name);
    if (!target.path.startsWith(identifies.path)) continue;
    if (parameters.length !== 1 || parameters[0] !== identifies.parameter) continue;
    links[operationId(target)] = {
      operationId: operationId(target),
      parameters: { [identifies.parameter]: `$response.body#/${identifies.field}` },
    };
  }
  return links;
}

/**
 * The OpenAPI 3.1 document, generated from the operations and the zod schemas that validate them
 * (OpenAPI 3.1 schemas are JSON Schema 2020-12, which is what zod emits).
 */
export function openApiDocument(
  operations: readonly AnyOperation[],
  info: { version: string; serverUrl: string },
): Json {
  const { schemas } = z.toJSONSchema(contractRegistry, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, Json> };
  for (const schema of Object.values(schemas)) delete schema.$schema;
  const paths: Record<string, Record<string, Json>> = {};
  for (const operation of operations) {
    const responses: Record<string, Json> = {};
    for (const [status, response] of Object.entries({
      ...frameworkResponses(operation),
      ...operation.responses,
    })) {
      const type =
        response.contentType ?? (Number(status) >= 400 ? 'application/problem+json' : 'application/json');
      const links = response.identifies ? linksFrom(response.identifies, operations) : {};
      responses[status] = {
        description: response.description,
        ...(response.schema ? { content: { [type]: { schema: ref(response.schema) } } } : {}),
        ...(Object.keys(links).length > 0 ? { links } : {}),
      };
    }
    const security =
      operation.auth === undefined
        ? []
        : operation.auth === 'session'
          ? [{ session: [] }]
          : [{ bearer: [] }, { session: [] }];
    const path = paths[operation.path] ?? {};
    paths[operation.path] = path;
    path[operation.method] = {
      operationId: operationId(operation),
      summary: operation.summary,
      ...(operation.description ? { description: operation.description } : {}),
      tags: [operation.tag],
      security,
      ...(operation.permission ? { 'x-guardian-permission': operation.permission } : {}),
      ...(operation.query || operation.path.includes('{')
        ? {
            parameters: [
              ...pathParameters(operation.path),
              ...(operation.query ? queryParameters(operation.query) : []),
            ],
          }
        : {}),
      ...(operation.body
        ? {
            requestBody: {
              required: false,
              content: { 'application/json': { schema: ref(operation.body) } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Guardian platform API', version: info.version },
    servers: [{ url: info.serverUrl }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A platform access token from POST /auth/token',
        },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'guardian_session',
          description: 'The browser session from /auth/login',
        },
      },
    },
  };
}
