import { DomainError } from '../common/errors.js';

export type ExactErrorKind = 'auth' | 'forbidden' | 'not_found' | 'validation' | 'rate_limit' | 'server' | 'network' | 'blocked' | 'not_connected';

/**
 * An error from (or on the way to) Exact Online. `exactMessage` is Exact's own text, kept verbatim
 * (often Dutch); secrets never appear in it.
 */
export class ExactError extends DomainError {
  constructor(
    readonly kind: ExactErrorKind,
    message: string,
    readonly httpStatus: number | undefined,
    readonly exactMessage: string | undefined,
    readonly division: number | undefined,
    readonly endpoint: string | undefined,
    readonly reason?: string,
  ) {
    super(`exact_${kind}`, redact(message), kind === 'not_found' ? 404 : kind === 'validation' ? 422 : 502, `exact.errors.${kind}`, {
      exactMessage: exactMessage ?? '',
      division: division ?? '',
    });
  }
}

export class ExactAuthError extends ExactError {
  constructor(message: string, exactMessage?: string, division?: number, endpoint?: string, readonly needsReconnect = false) {
    super('auth', message, 401, exactMessage, division, endpoint);
  }
}
export class ExactForbiddenError extends ExactError {
  constructor(exactMessage: string, division?: number, endpoint?: string, reason?: string) {
    super('forbidden', `Exact refused access: ${exactMessage}`, 403, exactMessage, division, endpoint, reason);
  }
}
export class ExactNotFoundError extends ExactError {
  constructor(exactMessage: string | undefined, division?: number, endpoint?: string) {
    super('not_found', `Not found in Exact: ${endpoint}`, 404, exactMessage, division, endpoint);
  }
}
export class ExactValidationError extends ExactError {
  constructor(exactMessage: string, division?: number, endpoint?: string, status = 400) {
    super('validation', `Exact rejected the request: ${exactMessage}`, status, exactMessage, division, endpoint);
  }
}
export class ExactRateLimitError extends ExactError {
  constructor(readonly resetAt: number | undefined, exactMessage: string | undefined, division?: number, endpoint?: string, readonly daily = false) {
    super('rate_limit', `Exact rate limit reached (${daily ? 'daily' : 'minutely'})`, 429, exactMessage, division, endpoint);
  }
}
export class ExactServerError extends ExactError {
  constructor(status: number, exactMessage: string | undefined, division?: number, endpoint?: string) {
    super('server', `Exact answered ${status}`, status, exactMessage, division, endpoint);
  }
}
export class ExactNetworkError extends ExactError {
  constructor(cause: string, division?: number, endpoint?: string) {
    super('network', `Exact could not be reached: ${cause}`, undefined, undefined, division, endpoint);
  }
}
/** Koppel stopped calling an endpoint that keeps failing, before Exact blocks the app. */
export class ExactBlockedError extends ExactError {
  constructor(division: number | undefined, endpoint: string, readonly until: Date) {
    super('blocked', `Calls to ${endpoint} paused until ${until.toISOString()} after repeated errors`, undefined, undefined, division, endpoint);
  }
}
export class ExactNotConnectedError extends ExactError {
  constructor(message = 'Exact Online is not connected') {
    super('not_connected', message, undefined, undefined, undefined, undefined);
  }
}

/** Removes bearer tokens, refresh tokens, codes and secrets from any text that may be logged. */
export function redact(text: string): string {
  return text
    .replace(/(Bearer\s+)[A-Za-z0-9._~+/=!%-]+/gi, '$1[redacted]')
    .replace(/((?:access_token|refresh_token|client_secret|code)["']?\s*[:=]\s*["']?)[^"'&\s,}]+/gi, '$1[redacted]');
}
