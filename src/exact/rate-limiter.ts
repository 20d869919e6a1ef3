import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { PG_POOL } from '../database/pg-pool.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { Clock } from '../common/clock.js';
import { ExactRateLimitError } from './errors.js';
import type { RateLimits } from './transport.js';

export type CallKind = 'interactive' | 'background';

/** Calls per minute a background batch leaves for people clicking buttons. */
export const BACKGROUND_HEADROOM = 10;

export interface LimitHeaders {
  minutelyLimit?: number;
  minutelyRemaining?: number;
  minutelyReset?: number;
  dailyLimit?: number;
  dailyRemaining?: number;
  dailyReset?: number;
}

export function readLimitHeaders(h: Headers): LimitHeaders {
  const n = (name: string) => {
    const v = h.get(name);
    return v === null || v === '' || !/^\d+$/.test(v) ? undefined : Number(v);
  };
  return {
    minutelyLimit: n('x-ratelimit-minutely-limit'),
    minutelyRemaining: n('x-ratelimit-minutely-remaining'),
    minutelyReset: n('x-ratelimit-minutely-reset'),
    dailyLimit: n('x-ratelimit-limit'),
    dailyRemaining: n('x-ratelimit-remaining'),
    dailyReset: n('x-ratelimit-reset'),
  };
}

interface LimitRow {
  minutely_limit: number;
  minutely_remaining: number;
  minutely_reset: string;
  daily_limit: number;
  daily_remaining: number;
  daily_reset: string;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    // a signal that fired while we were querying would never call the listener below
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });

/**
 * A per-division budget shared by every Koppel process: each call reserves one unit atomically in
 * PostgreSQL from what Exact's X-RateLimit-* headers last said, so Koppel's own calls never run into a
 * 429. When the minute is used up it waits for the reset; background work stops at a daily reserve that
 * is kept for interactive actions.
 */
@Injectable()
export class ExactRateLimiter implements RateLimits {
  /** Exact's clock minus ours, learnt from the reset headers (a minute window ends ≤ 60 s from Exact's now). */
  private skewMs = 0;

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  private exactNow(): number {
    return this.clock.now().getTime() + this.skewMs;
  }

  /** Reserves one call for the division, waiting for the next minute when needed. */
  async acquire(division: number, kind: CallKind, signal?: AbortSignal): Promise<void> {
    const reserve = kind === 'background' ? this.config.exact.dailyReserve : 0;
    for (;;) {
      const now = this.exactNow();
      const taken = await this.pool.query<LimitRow>(
        `update exact_rate_limit set
           minutely_remaining = case when minutely_reset <= $2 then minutely_limit - 1 else minutely_remaining - 1 end,
           minutely_reset = case when minutely_reset <= $2 then $2 + 60000 else minutely_reset end,
           daily_remaining = case when daily_reset <= $2 then daily_limit - 1 else daily_remaining - 1 end,
           daily_reset = case when daily_reset <= $2 then $2 + 86400000 else daily_reset end,
           updated_at = now()
         where division = $1
           and (minutely_reset <= $2 or minutely_remaining > 0)
           and (daily_reset <= $2 or daily_remaining > $3)
         returning *`,
        [division, now, reserve],
      );
      if (taken.rowCount) return;
      const { rows } = await this.pool.query<LimitRow>('select * from exact_rate_limit where division = $1', [division]);
      const row = rows[0];
      if (!row) {
        // first call for this division: start from Exact's documented defaults, then take one
        await this.pool.query('insert into exact_rate_limit (division) values ($1) on conflict do nothing', [division]);
        continue;
      }
      if (Number(row.daily_reset) > now && row.daily_remaining <= reserve) {
        throw new ExactRateLimitError(Number(row.daily_reset), kind === 'background' ? 'Daily budget reserved for interactive use' : undefined, division, undefined, true);
      }
      // short naps, re-checked against the clock: other processes and clock changes are noticed quickly
      await sleep(Math.min(1000, Math.max(50, Number(row.minutely_reset) - now + 250)), signal);
    }
  }

  /**
   * For background batches: waits while fewer than `BACKGROUND_HEADROOM` calls are left this minute, so
   * a big initial load is spread and interactive actions still get calls; stops at the daily reserve.
   */
  async waitForBudget(division: number, kind: CallKind, signal?: AbortSignal): Promise<void> {
    const headroom = kind === 'background' ? BACKGROUND_HEADROOM : 0;
    for (;;) {
      const s = await this.status(division);
      if (!s) return;
      const now = this.exactNow();
      if (kind === 'background' && s.dailyRemaining <= this.config.exact.dailyReserve && s.dailyReset > now) {
        throw new ExactRateLimitError(s.dailyReset, 'Daily budget reserved for interactive use', division, undefined, true);
      }
      if (s.minutelyRemaining > headroom || s.minutelyReset <= now) return;
      await sleep(Math.min(1000, Math.max(50, s.minutelyReset - now + 250)), signal);
    }
  }

  /**
   * Takes in what Exact said after a call (headers are authoritative). `sentAt` is when the call went out (our clock,
   * epoch ms): Exact made its answer somewhere between then and now.
   */
  async update(division: number, h: LimitHeaders, sentAt?: number): Promise<void> {
    if (h.minutelyReset !== undefined) {
      // When Exact answered, its now lay within (reset - 60 s, reset], at a moment between our sending and now. Only
      // when no such moment fits our estimate is the clock difference re-anchored, just after the window start
      // (erring towards waiting a little longer). A reset before our now is not a clock difference when the call
      // started before it: the answer crossed the minute boundary (a slow call, a busy machine, a clock moved while it
      // was under way), and re-anchoring then made Koppel wait up to a minute longer than Exact asked.
      const now = this.clock.now().getTime();
      const earliest = Math.min(sentAt ?? now, now) + this.skewMs;
      if (earliest > h.minutelyReset || now + this.skewMs < h.minutelyReset - 60_000) {
        this.skewMs = h.minutelyReset - 59_000 - now;
      }
    }
    await this.store(division, h);
  }

  private async store(division: number, h: LimitHeaders): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [division];
    const set = (col: string, v: number | undefined, expr?: string) => {
      if (v === undefined) return;
      params.push(v);
      sets.push(`${col} = ${expr ? expr.replaceAll('$v', `$${params.length}`) : `$${params.length}`}`);
    };
    set('minutely_limit', h.minutelyLimit);
    // other processes may have reserved calls since this answer left Exact: never raise what is left
    // within the same window, only lower it
    set('minutely_remaining', h.minutelyRemaining, `case when minutely_reset = ${h.minutelyReset ?? 'minutely_reset'} then least(minutely_remaining, $v) else $v end`);
    set('minutely_reset', h.minutelyReset);
    set('daily_limit', h.dailyLimit);
    set('daily_remaining', h.dailyRemaining, 'least(daily_remaining, $v)');
    set('daily_reset', h.dailyReset);
    if (!sets.length) return;
    await this.pool.query(`update exact_rate_limit set ${sets.join(', ')}, updated_at = now() where division = $1`, params);
  }

  /** After a 429: nothing more until the reset. */
  async exhausted(division: number, h: LimitHeaders, daily: boolean): Promise<void> {
    // the clock difference was learnt from these headers by update() already
    await this.store(division, daily ? { ...h, dailyRemaining: 0 } : { ...h, minutelyRemaining: 0 });
  }

  async status(division: number): Promise<{ minutelyRemaining: number; minutelyLimit: number; dailyRemaining: number; dailyLimit: number; minutelyReset: number; dailyReset: number } | undefined> {
    const { rows } = await this.pool.query<LimitRow>('select * from exact_rate_limit where division = $1', [division]);
    const r = rows[0];
    if (!r) return undefined;
    const now = this.exactNow();
    return {
      minutelyLimit: r.minutely_limit,
      minutelyRemaining: Number(r.minutely_reset) <= now ? r.minutely_limit : r.minutely_remaining,
      minutelyReset: Number(r.minutely_reset),
      dailyLimit: r.daily_limit,
      dailyRemaining: Number(r.daily_reset) <= now ? r.daily_limit : r.daily_remaining,
      dailyReset: Number(r.daily_reset),
    };
  }
}
