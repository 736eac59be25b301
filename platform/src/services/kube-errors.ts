import { ApiError } from '@guardian/kube/client';
import { ConflictError, type FieldError, ValidationError } from './errors.ts';

interface StatusCause {
  field?: string;
  message?: string;
}

/** The apiserver names fields after the object (`spec.domains[0]`); the API names them after the body. */
export type FieldNames = (kubeField: string) => string;

/**
 * Turns a refusal of the apiserver into the error the caller should see: invalid objects (422,
 * or 400 for strict decoding) become a ValidationError with the failing fields, conflicts a
 * ConflictError. Anything else is rethrown: it is our failure, not the caller's, and stays a
 * logged 500.
 */
export function kubeRefusal(error: unknown, fieldNames: FieldNames = (field) => field): never {
  if (error instanceof ApiError) {
    if (error.status === 422 || error.status === 400) {
      const causes = ((error.details as { causes?: StatusCause[] } | undefined)?.causes ?? []).filter(
        (cause) => cause.message !== undefined,
      );
      const errors: FieldError[] = causes.map((cause) => ({
        field: fieldNames(cause.field ?? ''),
        message: cause.message ?? '',
      }));
      throw new ValidationError(
        errors.length > 0 ? errors : [{ field: '', message: error.message }],
        'Kubernetes refused the object',
      );
    }
    if (error.status === 409) throw new ConflictError(conflictDetail(error), { cause: error });
  }
  throw error;
}

function conflictDetail(error: ApiError): string {
  if (error.reason === 'AlreadyExists') return 'It already exists';
  return 'It was changed by someone else at the same time; retry';
}
