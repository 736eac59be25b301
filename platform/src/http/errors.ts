import type { FieldError } from '../services/errors.ts';

/**
 * An `application/problem+json` answer (RFC 9457) as the error middleware writes it. Services
 * throw domain errors (services/errors.ts), which the error middleware maps (`toProblem`); only
 * what HTTP alone knows (no route, a body that is not JSON or too large) is thrown as a problem.
 */
export class HttpProblem extends Error {
  readonly status: number;
  readonly title: string;
  /** Said to the client: must never hold secrets or internals. */
  readonly detail: string;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;
  /** More members of the problem (RFC 9457 extensions), e.g. a refused quota's figures. */
  readonly extensions: Record<string, unknown>;

  constructor(
    status: number,
    title: string,
    detail: string,
    options: {
      errors?: FieldError[];
      headers?: Record<string, string>;
      extensions?: Record<string, unknown>;
      cause?: unknown;
    } = {},
  ) {
    super(detail, { cause: options.cause });
    this.name = 'HttpProblem';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
    this.extensions = options.extensions ?? {};
  }
}

export class UnsupportedMediaType extends HttpProblem {
  constructor(detail = 'The request body must be application/json') {
    super(415, 'Unsupported Media Type', detail);
  }
}

export class PayloadTooLarge extends HttpProblem {
  constructor(limit: number) {
    super(413, 'Payload Too Large', `The request body exceeds ${limit} bytes`);
  }
}
