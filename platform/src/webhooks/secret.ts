import { open, seal } from '../crypto/secret-box.ts';

/** An endpoint's signing secret at rest: sealed bound to the endpoint's id, so a copied row does not open. */
export const sealSecret = (key: Buffer, secret: string, endpointId: string) =>
  seal(key, secret, `webhook:${endpointId}`);

export const openSecret = (key: Buffer, sealed: string, endpointId: string) =>
  open(key, sealed, `webhook:${endpointId}`);
