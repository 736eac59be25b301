import type { KubeClient } from '@guardian/kube/client';
import { core, type KubeObject } from '@guardian/kube/resources';

/** Labels the copies of retained credentials with the organization they were of. */
export const RETAINED_LABEL = 'guardian.aiops.dev/retained-organization';

/**
 * Copies a Secret of an organization that goes (its database's, its storage's) to the operator's
 * namespace as `name`, so that what is retained stays reachable by an administrator.
 */
export async function keepSecretCopy(
  client: KubeClient,
  options: { fieldManager: string; namespace: string; name: string; organization: string },
  data: Record<string, string>,
): Promise<void> {
  await client.apply(
    core.secret,
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: options.name,
        namespace: options.namespace,
        labels: { [RETAINED_LABEL]: options.organization },
      },
      type: 'Opaque',
      data,
    } as KubeObject,
    { fieldManager: options.fieldManager },
  );
}
