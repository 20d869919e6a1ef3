import { Logger } from '@nestjs/common';
import { readLimitHeaders, type CallKind, type LimitHeaders } from './rate-limiter.js';
import {
  ExactAuthError,
  ExactBlockedError,
  ExactError,
  ExactForbiddenError,
  ExactNetworkError,
  ExactNotFoundError,
  ExactRateLimitError,
  ExactServerError,
  ExactValidationError,
  redact,
} from './errors.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ExactRequest {
  method: Method;
  /** Path below /api/v1/, e.g. "123456/crm/Accounts?$filter=…" or "current/Me", or an absolute __next URL. */
  path: string;
  division?: number;
  body?: unknown;
  kind?: CallKind;
  /** Ask Exact to return the stored entity on POST (Prefer: return=representation). */
  representation?: boolean;
  signal?: AbortSignal;
  /** Use this access token instead of the stored connection's (only while connecting). */
  token?: string;
  /** This call's timeout per attempt (default: EXACT_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Attempts for a GET after a connection failure or 5xx, and for any call after a minutely 429 (default 5; 1 = no retry). */
  maxAttempts?: number;
}

export interface ExactResponse {
  status: number;
  body: unknown;
  headers: Headers;
}

/** Access tokens of the connection (ExactTokenService in the app). */
export interface TokenSource {
  accessToken(): Promise<string>;
  /** A new access token; `force` after a 401, `rejected` is the token Exact refused (another refresh may have replaced it). */
  refresh(force: boolean, rejected?: string): Promise<string>;
}

/** The per-division call budget (ExactRateLimiter in the app, shared by all processes through PostgreSQL). */
export interface RateLimits {
  /** Reserves one call, waiting for the next minute when needed. */
  acquire(division: number, kind: CallKind, signal?: AbortSignal): Promise<void>;
  /** What Exact's X-RateLimit-* headers said after a call. */
  /** sentAt: when the call went out (Koppel's clock), so a late answer is not taken for a clock behind. */
  update(division: number, limits: LimitHeaders, sentAt?: number): Promise<void>;
  /** After a 429: nothing more until the reset. */
  exhausted(division: number, limits: LimitHeaders, daily: boolean): Promise<void>;
}

/** One row of the API call log; url and error are already redacted. */
export interface CallLogEntry {
  at: Date;
  method: Method;
  endpoint: string;
  url: string;
  division?: number;
  status: number | null;
  durationMs: number;
  minutelyRemaining?: number;
  dailyRemaining?: number;
  kind: CallKind;
  error?: string;
}

/** The API call log (PgCallLog in the app); the error-budget guard counts the failures in it. */
export interface CallLog {
  record(entry: CallLogEntry): Promise<void>;
  errorsSince(endpoint: string, division: number | undefined, since: Date, statuses: readonly number[]): Promise<{ count: number; oldest: Date | null }>;
}

export interface TransportSettings {
  baseUrl: string;
  timeoutMs: number;
  /** Failures (400/401/403/404) per endpoint and division per hour before Koppel stops calling it (Exact blocks at 10). */
  errorBudget: number;
  /** Business time (the app's Clock). */
  now: () => Date;
  maxAttempts?: number;
  /** Wait before retry `attempt` (1-based); default capped exponential backoff with full jitter. */
  backoffMs?: (attempt: number) => number;
}

const ERROR_STATUSES = [400, 401, 403, 404];
const MAX_ATTEMPTS = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Capped exponential backoff with full jitter: up to 0.5, 1, 2, 4 s. */
const jitteredBackoff = (attempt: number) => Math.random() * Math.min(4000, 250 * 2 ** attempt);

/** The endpoint an error budget is kept for: "crm/Accounts", "sync/CRM/Accounts", "current/Me". */
export function endpointOf(url: string): string {
  const path = new URL(url).pathname.replace(/^\/api\/v1\//, '').replace(/^beta\//, '');
  return path
    .replace(/^\d+\//, '')
    .replace(/\(.*$/, '')
    .replace(/\/\$count$/, '')
    .slice(0, 120);
}

/**
 * The URL of a call: a path below /api/v1/, or an absolute link Exact sent (__next). An absolute link is followed only
 * when it points at EXACT_BASE_URL's own origin, so a tampered or odd response cannot send our bearer token elsewhere.
 */
export function exactUrl(baseUrl: string, path: string): string {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(path)) return `${baseUrl}/api/v1/${path.replace(/^\//, '')}`;
  let target: URL;
  try {
    target = new URL(path);
  } catch {
    throw new ExactServerError(200, 'Exact sent a link that is not a URL', undefined, undefined);
  }
  if (target.origin !== new URL(baseUrl).origin) {
    throw new ExactServerError(200, `Exact sent a link to another origin (${target.origin}); only ${new URL(baseUrl).origin} is followed`, undefined, undefined);
  }
  return path; // verbatim, as Exact sent it
}

function exactMessage(body: unknown, text: string): string | undefined {
  const e = (body as { error?: { message?: { value?: string } | string } } | undefined)?.error;
  const msg = typeof e?.message === 'string' ? e.message : e?.message?.value;
  return msg ?? (text ? text.slice(0, 500) : undefined);
}

/**
 * HTTP to Exact: JSON only (Accept: application/json on every call), bearer token, per-division
 * limiter, capped exponential backoff with jitter for GETs and connection failures (never a blind
 * retry of POST/PUT/DELETE), one token refresh on a 401, typed errors, the API call log and an
 * error-budget guard. Its storage (tokens, limits, call log) comes in through small interfaces, so it can be built
 * against any HTTP server in a unit test.
 *
 * A 401 is refreshed once, single-flight: while the refresh runs, every call that would use the stored token waits for
 * the new one instead of sending the refused token (each 401 counts in Exact's error budget).
 */
export class ExactTransport {
  private readonly logger = new Logger('ExactHttp');
  /** The refresh after a 401, while it runs (the connection has one token for all divisions). */
  private refreshing?: Promise<string>;

  constructor(
    private readonly tokens: TokenSource,
    private readonly limiter: RateLimits,
    private readonly callLog: CallLog,
    private readonly settings: TransportSettings,
  ) {}

  url(path: string): string {
    return exactUrl(this.settings.baseUrl, path);
  }

  /** The stored access token; while a refresh after a 401 runs, the token it brings. */
  private currentToken(): Promise<string> {
    return this.refreshing ?? this.tokens.accessToken();
  }

  private refreshAfter401(rejected: string): Promise<string> {
    this.refreshing ??= this.tokens.refresh(true, rejected).finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  async request(req: ExactRequest): Promise<ExactResponse> {
    const url = this.url(req.path);
    const endpoint = endpointOf(url);
    const kind = req.kind ?? 'interactive';
    await this.guardErrorBudget(req.division, endpoint);
    const maxAttempts = Math.max(1, req.maxAttempts ?? this.settings.maxAttempts ?? MAX_ATTEMPTS);
    const timeoutMs = req.timeoutMs ?? this.settings.timeoutMs;
    let attempt = 0;
    let refreshed = false;
    for (;;) {
      attempt++;
      if (req.division !== undefined) await this.limiter.acquire(req.division, kind, req.signal);
      const token = req.token ?? (await this.currentToken());
      const started = Date.now();
      const sentAt = this.settings.now().getTime(); // Exact answers at a moment between this and the answer's arrival
      const payload = req.body !== undefined ? JSON.stringify(req.body) : undefined; // a bad body is our bug, not a network error
      let res: Response;
      try {
        res = await fetch(url, {
          method: req.method,
          headers: {
            Accept: 'application/json',
            Authorization: `Bearer ${token}`,
            ...(req.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
            ...(req.representation ? { Prefer: 'return=representation' } : {}),
          },
          body: payload,
          signal: req.signal ? AbortSignal.any([req.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        const cause = redact(String((e as Error)?.message ?? e));
        await this.log(req, url, endpoint, kind, null, Date.now() - started, undefined, `network: ${cause}`);
        if (req.signal?.aborted) throw e;
        // A write may have reached Exact before the connection broke: the caller looks it up first.
        if (req.method === 'GET' && attempt < maxAttempts) {
          await this.backoff(attempt);
          continue;
        }
        throw new ExactNetworkError(cause, req.division, endpoint);
      }
      const text = await res.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      const limits = readLimitHeaders(res.headers);
      if (req.division !== undefined) await this.limiter.update(req.division, limits, sentAt);
      const msg = res.ok ? undefined : exactMessage(body, text);
      await this.log(req, url, endpoint, kind, res.status, Date.now() - started, limits, msg);

      if (res.ok) return { status: res.status, body, headers: res.headers };
      if (res.status === 401 && !refreshed && !req.token) {
        refreshed = true;
        await this.refreshAfter401(token);
        continue;
      }
      if (res.status === 429 && /TooManyErrors/i.test(res.headers.get('reason') ?? '')) {
        throw new ExactBlockedError(req.division, endpoint, new Date(this.settings.now().getTime() + Number(res.headers.get('retry-after') ?? 3600) * 1000));
      }
      if (res.status === 429) {
        // daily exhaustion shows as X-RateLimit-Remaining: 0; otherwise it is the minute (only minutely headers)
        const daily = limits.dailyRemaining === 0;
        if (req.division !== undefined) await this.limiter.exhausted(req.division, limits, daily);
        // A 429 is a definite "not processed", so even a write may be sent again after the reset.
        if (!daily && attempt < maxAttempts) continue;
        throw new ExactRateLimitError(daily ? limits.dailyReset : limits.minutelyReset, msg, req.division, endpoint, daily);
      }
      if (res.status >= 500 && req.method === 'GET' && attempt < maxAttempts) {
        await this.backoff(attempt);
        continue;
      }
      throw this.toError(res.status, msg ?? res.statusText, req.division, endpoint, res.headers.get('reason') ?? undefined);
    }
  }

  private toError(status: number, msg: string, division: number | undefined, endpoint: string, reason?: string): ExactError {
    const text = reason && !msg.includes(reason) ? `${msg} (${reason})` : msg;
    if (status === 401) return new ExactAuthError('Exact refused the access token', text, division, endpoint);
    if (status === 403) return new ExactForbiddenError(text, division, endpoint, reason);
    if (status === 404) return new ExactNotFoundError(text, division, endpoint);
    if (status >= 500) return new ExactServerError(status, text, division, endpoint);
    return new ExactValidationError(text, division, endpoint, status);
  }

  private backoff(attempt: number): Promise<unknown> {
    return sleep((this.settings.backoffMs ?? jitteredBackoff)(attempt));
  }

  /** Stops calling an endpoint that keeps failing before Exact's block (10 errors/hour) kicks in. */
  private async guardErrorBudget(division: number | undefined, endpoint: string): Promise<void> {
    const since = new Date(this.settings.now().getTime() - 3_600_000);
    const { count, oldest } = await this.callLog.errorsSince(endpoint, division, since, ERROR_STATUSES);
    if (count >= this.settings.errorBudget) {
      throw new ExactBlockedError(division, endpoint, new Date((oldest ?? since).getTime() + 3_600_000));
    }
  }

  private async log(req: ExactRequest, url: string, endpoint: string, kind: CallKind, status: number | null, ms: number, limits: LimitHeaders | undefined, error?: string) {
    try {
      await this.callLog.record({
        at: this.settings.now(),
        method: req.method,
        endpoint,
        url: redact(url).slice(0, 2000),
        division: req.division,
        status,
        durationMs: ms,
        minutelyRemaining: limits?.minutelyRemaining,
        dailyRemaining: limits?.dailyRemaining,
        kind,
        error: error ? redact(error).slice(0, 2000) : undefined,
      });
    } catch (e) {
      this.logger.warn(`could not log an Exact call: ${(e as Error).message}`);
    }
  }
}
