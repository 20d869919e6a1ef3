import { Inject, Injectable, Logger } from '@nestjs/common';
import type pg from 'pg';
import { PG_POOL } from '../database/pg-pool.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { Clock } from '../common/clock.js';
import { ExactTokenService } from './token.service.js';
import { ExactRateLimiter, readLimitHeaders, type CallKind } from './rate-limiter.js';
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
}

export interface ExactResponse {
  status: number;
  body: unknown;
  headers: Headers;
}

const ERROR_STATUSES = [400, 401, 403, 404];
const MAX_GET_ATTEMPTS = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
 * error-budget guard.
 */
@Injectable()
export class ExactTransport {
  private readonly logger = new Logger('ExactHttp');

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tokens: ExactTokenService,
    private readonly limiter: ExactRateLimiter,
    private readonly clock: Clock,
  ) {}

  url(path: string): string {
    return exactUrl(this.config.exact.baseUrl, path);
  }

  async request(req: ExactRequest): Promise<ExactResponse> {
    const url = this.url(req.path);
    const endpoint = endpointOf(url);
    const kind = req.kind ?? 'interactive';
    await this.guardErrorBudget(req.division, endpoint);
    let attempt = 0;
    let refreshed = false;
    for (;;) {
      attempt++;
      if (req.division !== undefined) await this.limiter.acquire(req.division, kind, req.signal);
      const token = req.token ?? (await this.tokens.accessToken());
      const started = Date.now();
      const sentAt = this.clock.now().getTime(); // Exact answers at a moment between this and the answer's arrival
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
          signal: req.signal ? AbortSignal.any([req.signal, AbortSignal.timeout(this.config.exact.timeoutMs)]) : AbortSignal.timeout(this.config.exact.timeoutMs),
        });
      } catch (e) {
        const cause = redact(String((e as Error)?.message ?? e));
        await this.log(req, url, endpoint, kind, null, Date.now() - started, undefined, `network: ${cause}`);
        if (req.signal?.aborted) throw e;
        // A write may have reached Exact before the connection broke: the caller looks it up first.
        if (req.method === 'GET' && attempt < MAX_GET_ATTEMPTS) {
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
        await this.tokens.refresh(true, token);
        continue;
      }
      if (res.status === 429 && /TooManyErrors/i.test(res.headers.get('reason') ?? '')) {
        throw new ExactBlockedError(req.division, endpoint, new Date(this.clock.now().getTime() + Number(res.headers.get('retry-after') ?? 3600) * 1000));
      }
      if (res.status === 429) {
        // daily exhaustion shows as X-RateLimit-Remaining: 0; otherwise it is the minute (only minutely headers)
        const daily = limits.dailyRemaining === 0;
        if (req.division !== undefined) await this.limiter.exhausted(req.division, limits, daily);
        // A 429 is a definite "not processed", so even a write may be sent again after the reset.
        if (!daily && attempt < MAX_GET_ATTEMPTS) continue;
        throw new ExactRateLimitError(daily ? limits.dailyReset : limits.minutelyReset, msg, req.division, endpoint, daily);
      }
      if (res.status >= 500 && req.method === 'GET' && attempt < MAX_GET_ATTEMPTS) {
        await this.backoff(attempt);
        continue;
      }
      throw this.toError(res.status, msg ?? res.statusText, req.division, endpoint, res.headers.get('reason') ?? undefined);
    }
  }

  private toError(status: number, msg: string, division: number | undefined, endpoint: string, reason?: string): ExactError {
    const text = reason && !msg.includes(reason) ? `${msg} (${reason})` : msg;
    if (status === 401) return new ExactAuthError('Exact refused the access token', text, division, endpoint);
    if (status === 403) return new ExactForbiddenError(text, division, endpoint);
    if (status === 404) return new ExactNotFoundError(text, division, endpoint);
    if (status >= 500) return new ExactServerError(status, text, division, endpoint);
    return new ExactValidationError(text, division, endpoint, status);
  }

  /** Capped exponential backoff with full jitter: up to 0.5, 1, 2, 4 s. */
  private backoff(attempt: number): Promise<unknown> {
    return sleep(Math.random() * Math.min(4000, 250 * 2 ** attempt));
  }

  /** Stops calling an endpoint that keeps failing before Exact's block (10 errors/hour) kicks in. */
  private async guardErrorBudget(division: number | undefined, endpoint: string): Promise<void> {
    const since = new Date(this.clock.now().getTime() - 3_600_000);
    const { rows } = await this.pool.query<{ n: number; oldest: Date | null }>(
      `select count(*)::int as n, min(at) as oldest from exact_api_call
        where endpoint = $1 and division is not distinct from $2 and at > $3 and status = any($4)`,
      [endpoint, division ?? null, since, ERROR_STATUSES],
    );
    if (rows[0].n >= this.config.exact.errorBudget) {
      throw new ExactBlockedError(division, endpoint, new Date((rows[0].oldest ?? since).getTime() + 3_600_000));
    }
  }

  private async log(req: ExactRequest, url: string, endpoint: string, kind: CallKind, status: number | null, ms: number, limits: ReturnType<typeof readLimitHeaders> | undefined, error?: string) {
    try {
      await this.pool.query(
        `insert into exact_api_call (at, method, endpoint, url, division, status, duration_ms, minutely_remaining, daily_remaining, kind, error)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [this.clock.now(), req.method, endpoint, redact(url).slice(0, 2000), req.division ?? null, status, ms, limits?.minutelyRemaining ?? null, limits?.dailyRemaining ?? null, kind, error ? redact(error).slice(0, 2000) : null],
      );
    } catch (e) {
      this.logger.warn(`could not log an Exact call: ${(e as Error).message}`);
    }
  }
}
