import { createHash, randomBytes } from 'node:crypto';

/** An unguessable identifier for cookies: 256 bits. */
export const randomId = () => randomBytes(32).toString('base64url');

export const sha256 = (value: string) => createHash('sha256').update(value).digest();
