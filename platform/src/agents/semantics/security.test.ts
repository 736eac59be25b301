import type { V1PodSpec, V1SecurityContext } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { effectiveSecurity } from './security.ts';

const spec = (pod: V1PodSpec['securityContext'], container?: V1SecurityContext) => {
  const podSpec: V1PodSpec = {
    securityContext: pod,
    containers: [{ name: 'app', securityContext: container }],
  };
  const [first] = podSpec.containers;
  if (!first) throw new Error('no container');
  return { podSpec, container: first };
};

describe('effectiveSecurity', () => {
  it('takes the pod value when the container sets none', () => {
    const { podSpec, container } = spec({ runAsNonRoot: true, runAsUser: 1000 });
    expect(effectiveSecurity(container, podSpec, 'runAsNonRoot')).toBe(true);
    expect(effectiveSecurity(container, podSpec, 'runAsUser')).toBe(1000);
  });

  it('lets a container value override the pod value, false and 0 included', () => {
    const { podSpec, container } = spec(
      { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      { runAsNonRoot: false, runAsUser: 0, seccompProfile: { type: 'Unconfined' } },
    );
    expect(effectiveSecurity(container, podSpec, 'runAsNonRoot')).toBe(false);
    expect(effectiveSecurity(container, podSpec, 'runAsUser')).toBe(0);
    expect(effectiveSecurity(container, podSpec, 'seccompProfile')).toEqual({ type: 'Unconfined' });
  });

  it('is unset when neither sets it', () => {
    const { podSpec, container } = spec(undefined, { privileged: true });
    expect(effectiveSecurity(container, podSpec, 'runAsGroup')).toBeUndefined();
    expect(effectiveSecurity(container, podSpec, 'appArmorProfile')).toBeUndefined();
  });
});
