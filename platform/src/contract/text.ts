import { z } from 'zod';

// Characters no name or description needs, which the apiserver's decoders refuse (so they would
// surface as its error, not ours): C0 and C1 control characters, and lone UTF-16 surrogates. The
// patterns, which the OpenAPI document carries, avoid \p{...} classes and surrogates, which many
// JSON Schema tools cannot use; lone surrogates are refused by a refinement instead.
const CONTROL = '\\u0000-\\u001f\\u007f-\\u009f';
const CONTROL_BUT_LINES = '\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f';
const wellFormed = (text: string) => text.isWellFormed();
const ILL_FORMED = { error: 'must be well-formed Unicode (no lone surrogates)' };

/** One line of text a person typed: a name, a display name, a group. */
export const line = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(new RegExp(`^[^${CONTROL}]*$`, 'u'), { error: 'must not contain control characters' })
    .refine(wellFormed, ILL_FORMED);

/** Free text that may span lines: a description. */
export const paragraph = (max: number) =>
  z
    .string()
    .max(max)
    .regex(new RegExp(`^[^${CONTROL_BUT_LINES}]*$`, 'u'), {
      error: 'must not contain control characters other than tabs and line breaks',
    })
    .refine(wellFormed, ILL_FORMED);

/**
 * A list whose entries are unique by `key` (default: the whole entry), as the apiserver's
 * server-side apply requires of its sets and keyed lists.
 */
export const distinct = <T extends z.ZodType>(
  item: T,
  max: number,
  key: (entry: z.output<T>) => string = (entry) => JSON.stringify(entry),
) =>
  z
    .array(item)
    .max(max)
    .refine((items) => new Set(items.map(key)).size === items.length, { error: 'must not repeat an entry' });

/** An email address within SMTP's limits (RFC 5321): 254 characters, a local part of at most 64. */
export const emailAddress = () =>
  z
    .email()
    .max(254)
    .refine((address) => address.slice(0, address.lastIndexOf('@')).length <= 64, {
      error: 'must have a local part (before the @) of at most 64 characters',
    })
    .refine(
      (address) =>
        address
          .split('@')
          .pop()
          ?.split('.')
          .every((label) => label.length <= 63),
      {
        error: 'must have domain labels of at most 63 characters',
      },
    );
