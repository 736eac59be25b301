import { ApiError } from '@guardian/kube/client';
import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from './errors.ts';
import { kubeRefusal } from './kube-errors.ts';

const capture = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

describe('kubeRefusal', () => {
  it('turns an invalid object into 400 with the failing fields, named for the API', () => {
    const invalid = new ApiError(422, 'Invalid', 'Organization "x" is invalid', {
      causes: [{ field: 'spec.domains[0]', message: 'each domain must be a lowercase DNS name' }],
    });
    const problem = capture(() =>
      kubeRefusal(invalid, (field) => field.replace(/^spec\.domains.*/, 'domain')),
    );
    expect(problem).toBeInstanceOf(ValidationError);
    expect((problem as ValidationError).errors).toEqual([
      { field: 'domain', message: 'each domain must be a lowercase DNS name' },
    ]);
  });

  it('keeps conflicts 409 and rethrows everything else unchanged', () => {
    const exists = capture(() => kubeRefusal(new ApiError(409, 'AlreadyExists', 'exists')));
    expect(exists).toBeInstanceOf(ConflictError);
    const forbidden = new ApiError(403, 'Forbidden', 'no');
    expect(capture(() => kubeRefusal(forbidden))).toBe(forbidden);
  });
});
