import { DomainError } from '../../common/errors.js';

/** The run was taken away from this process (the sweeper recovered it); stop without touching its state. */
export class SyncOwnershipLostError extends DomainError {
  constructor(resource: string, division: number) {
    super('sync_ownership_lost', `sync ${resource}:${division} was recovered by the sweeper; this run stops`, 409);
  }
}

export class SyncResourceUnknownError extends DomainError {
  constructor(resource: string) {
    super('sync_resource_unknown', `sync resource "${resource}" is not registered`, 404, 'sync.errors.unknownResource', { resource });
  }
}

const MAX_ERROR = 8000;

/**
 * The error text we keep, verbatim: the message (which for Exact errors carries Exact's own text),
 * plus an Exact message or HTTP status the error carries separately, plus its cause.
 */
export function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e).slice(0, MAX_ERROR);
  const x = e as Error & { status?: number; httpStatus?: number; exactMessage?: string };
  let text = e.message || e.name;
  if (x.exactMessage && !text.includes(x.exactMessage)) text += ` — Exact: ${x.exactMessage}`;
  // an Exact error's HTTP status is httpStatus (a DomainError's `status` is our own mapping, not Exact's)
  const http = x.httpStatus ?? (e instanceof DomainError ? undefined : x.status);
  if (typeof http === 'number' && !text.includes(String(http))) text += ` (HTTP ${http})`;
  if (e.cause instanceof Error && e.cause.message && !text.includes(e.cause.message)) text += ` (cause: ${e.cause.message})`;
  return text.slice(0, MAX_ERROR);
}
