import { randomBytes } from 'node:crypto';
import type { KubeClient } from '@guardian/kube/client';
import { core, type KubeObject } from '@guardian/kube/resources';
import type { Logger } from 'pino';

export interface EventRecorder {
  /** Records a notable transition (never a routine no-op) as an events.k8s.io/v1 Event. */
  record(regarding: KubeObject, type: 'Normal' | 'Warning', reason: string, note: string): Promise<void>;
}

export function eventRecorder(client: KubeClient, log: Logger, instance: string): EventRecorder {
  return {
    async record(regarding, type, reason, note) {
      const { name, namespace, uid, resourceVersion } = regarding.metadata ?? {};
      // Events about cluster-scoped objects live in the default namespace, as kubectl expects.
      const eventNamespace = namespace ?? 'default';
      const event = {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name: `${name}.${randomBytes(8).toString('hex')}`, namespace: eventNamespace },
        eventTime: new Date().toISOString().replace(/Z$/, '000Z'),
        reportingController: 'guardian.aiops.dev/operator',
        reportingInstance: instance,
        action: reason,
        reason,
        type,
        note: note.slice(0, 1024),
        regarding: {
          apiVersion: regarding.apiVersion,
          kind: regarding.kind,
          name,
          namespace,
          uid,
          resourceVersion,
        },
      };
      // An event is best effort: failing to record one must not fail the reconcile.
      await client
        .create(core.event, event)
        .catch((error: unknown) => log.warn({ err: error, reason }, 'Could not record an Event'));
    },
  };
}
