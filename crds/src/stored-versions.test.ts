import { describe, expect, it } from 'vitest';
import { type CrdObject, storedVersionsPlan } from './stored-versions.ts';

const crd = (versions: Array<[string, boolean]>, storedVersions?: string[]): CrdObject => ({
  metadata: { name: 'widgets.example.com' },
  spec: { versions: versions.map(([name, storage]) => ({ name, served: true, storage })) },
  ...(storedVersions ? { status: { storedVersions } } : {}),
});

describe('storedVersionsPlan', () => {
  it('needs nothing for a first install or when every stored version stays', () => {
    expect(storedVersionsPlan(undefined, crd([['v1', true]]))).toEqual({ migrate: false });
    expect(storedVersionsPlan(crd([['v1', true]], ['v1']), crd([['v1', true]]))).toEqual({ migrate: false });
    expect(
      storedVersionsPlan(
        crd([['v1', true]], ['v1']),
        crd([
          ['v1', false],
          ['v2', true],
        ]),
      ),
    ).toEqual({ migrate: false });
  });

  it('migrates to the storage version when a stored version is dropped after storage moved', () => {
    const installed = crd(
      [
        ['v1', false],
        ['v2', true],
      ],
      ['v1', 'v2'],
    );
    expect(storedVersionsPlan(installed, crd([['v2', true]]))).toEqual({
      migrate: true,
      storage: 'v2',
      dropped: ['v1'],
    });
  });

  it('refuses to drop the version the installed CRD stores in', () => {
    expect(() => storedVersionsPlan(crd([['v1', true]], ['v1']), crd([['v2', true]]))).toThrow(
      'upgrade to the release that made v2 the storage version first',
    );
  });
});
