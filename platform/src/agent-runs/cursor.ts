import type { z } from 'zod';
import { ValidationError } from '../services/errors.ts';

/** A page's end as an opaque `cursor=` value: base64url JSON, which only this API reads back. */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** The position a `cursor=` names, or a 400 naming the field: cursors are not for clients to build. */
export function decodeCursor<T>(schema: z.ZodType<T>, cursor: string | undefined): T | undefined {
  if (cursor === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new ValidationError([{ field: 'cursor', message: 'is not a cursor this API gave' }]);
  return parsed.data;
}
