import { isDeepStrictEqual } from 'node:util';
import type { KubeClient } from '@guardian/kube/client';
import type { KubeObject, Resource } from '@guardian/kube/resources';

/** Status has its own field manager, so spec and status ownership never mix. */
export const STATUS_FIELD_MANAGER = 'guardian-operator-status';

const normalize = (value: unknown) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/**
 * Writes `status` whole through the /status subresource, unless it equals what the object
 * already has: a reconcile that changes nothing writes nothing. Returns whether it wrote.
 */
export async function writeStatus<S>(
  client: KubeClient,
  resource: Resource,
  object: KubeObject & { status?: S },
  status: S,
): Promise<boolean> {
  if (isDeepStrictEqual(normalize(object.status), normalize(status))) return false;
  const { name, namespace } = object.metadata ?? {};
  await client.apply(
    resource,
    {
      apiVersion: resource.apiVersion,
      kind: resource.kind,
      metadata: { name, namespace },
      status,
    } as KubeObject,
    { fieldManager: STATUS_FIELD_MANAGER, subresource: 'status' },
  );
  return true;
}
