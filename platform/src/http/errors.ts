/**
 * Errors a request can end with. Each becomes one `application/problem+json` answer (RFC 9457) in
 * the error middleware; anything else is a 500 whose details stay in the log.
 */
export interface FieldError {
  field: string;
  message: string;
}

export class HttpProblem extends Error {
  readonly status: number;
  readonly title: string;
  /** Said to the client: must never hold secrets or internals. */
  readonly detail: string;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    title: string,
    detail: string,
    options: { errors?: FieldError[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(detail, { cause: options.cause });
    this.name = 'HttpProblem';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

export class ValidationProblem extends HttpProblem {
  constructor(errors: FieldError[], detail = 'The request is not valid') {
    super(400, 'Bad Request', detail, { errors });
  }
}

export class Unauthorized extends HttpProblem {
  constructor(detail = 'Authentication is required', options: { cause?: unknown } = {}) {
    super(401, 'Unauthorized', detail, {
      headers: { 'www-authenticate': 'Bearer realm="guardian"' },
      ...options,
    });
  }
}

export class Forbidden extends HttpProblem {
  constructor(detail: string) {
    super(403, 'Forbidden', detail);
  }
}

export class NotFound extends HttpProblem {
  constructor(detail = 'No such resource') {
    super(404, 'Not Found', detail);
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
