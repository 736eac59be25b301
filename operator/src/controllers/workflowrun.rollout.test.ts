import { describe, expect, it } from 'vitest';
import { type Deployment, rolloutState } from './workflowrun.rollout.ts';

const deployment = (status: Deployment['status'], generation = 2, replicas = 2): Deployment => ({
  metadata: { name: 'web', generation },
  spec: { replicas },
  status,
});

describe('rolloutState, as kubectl rollout status says it', () => {
  it.each([
    ['the new spec not observed yet', deployment({ observedGeneration: 1 }), 'waiting', /spec update/],
    [
      'replicas not all updated',
      deployment({ observedGeneration: 2, updatedReplicas: 1, replicas: 2, availableReplicas: 2 }),
      'waiting',
      /1 of 2 new replicas/,
    ],
    [
      'old replicas left',
      deployment({ observedGeneration: 2, updatedReplicas: 2, replicas: 3, availableReplicas: 2 }),
      'waiting',
      /1 old replicas/,
    ],
    [
      'updated replicas not available',
      deployment({ observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 1 }),
      'waiting',
      /1 of 2 updated replicas/,
    ],
    [
      'the progress deadline exceeded',
      deployment({
        observedGeneration: 2,
        conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
      }),
      'failed',
      /progress deadline/,
    ],
    [
      'every replica updated and available',
      deployment({ observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 2 }),
      'done',
      /successfully rolled out/,
    ],
  ])('%s', (_, given, state, message) => {
    const result = rolloutState(given);
    expect(result.state).toBe(state);
    expect(result.message).toMatch(message);
  });
});
