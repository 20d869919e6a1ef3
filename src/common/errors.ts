/** Typed domain errors. They carry a code and an HTTP status; AppExceptionFilter maps them in one place. */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** i18n key of the message shown to users; the message itself is for logs. */
    readonly userMessageKey?: string,
    readonly userMessageParams: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super('not_found', `${what} not found`, 404, 'errors.notFound');
  }
}

export class UnauthenticatedError extends DomainError {
  constructor() {
    super('unauthenticated', 'Login required', 401, 'errors.unauthenticated');
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'Not allowed for your role', userMessageKey = 'errors.forbidden') {
    super('forbidden', message, 403, userMessageKey);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, userMessageKey?: string, params?: Record<string, unknown>) {
    super('conflict', message, 409, userMessageKey, params);
  }
}

export class TooManyRequestsError extends DomainError {
  constructor(message: string, userMessageKey: string, params: Record<string, unknown>) {
    super('too_many_requests', message, 429, userMessageKey, params);
  }
}

/** Field errors are i18n keys per field, e.g. { code: ['validation.taken'] }. */
export type FieldErrors = Record<string, string[]>;

export class ValidationError extends DomainError {
  constructor(readonly fieldErrors: FieldErrors) {
    super('validation', `Invalid input: ${Object.keys(fieldErrors).join(', ')}`, 422, 'errors.validation');
  }
}
