import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { PG_POOL } from '../database/pg-pool.js';
import type { CallLog, CallLogEntry } from './transport.js';

/** The API call log in PostgreSQL (exact_api_call): shared by every Koppel process, read by the error-budget guard. */
@Injectable()
export class PgCallLog implements CallLog {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async record(e: CallLogEntry): Promise<void> {
    await this.pool.query(
      `insert into exact_api_call (at, method, endpoint, url, division, status, duration_ms, minutely_remaining, daily_remaining, kind, error)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [e.at, e.method, e.endpoint, e.url, e.division ?? null, e.status, e.durationMs, e.minutelyRemaining ?? null, e.dailyRemaining ?? null, e.kind, e.error ?? null],
    );
  }

  async errorsSince(endpoint: string, division: number | undefined, since: Date, statuses: readonly number[]): Promise<{ count: number; oldest: Date | null }> {
    const { rows } = await this.pool.query<{ n: number; oldest: Date | null }>(
      `select count(*)::int as n, min(at) as oldest from exact_api_call
        where endpoint = $1 and division is not distinct from $2 and at > $3 and status = any($4)`,
      [endpoint, division ?? null, since, statuses],
    );
    return { count: rows[0].n, oldest: rows[0].oldest };
  }

  /**
   * The latest answer Exact gave per endpoint × method in a division since `since` (status, time): what Koppel's own
   * calls proved about the connected user's rights (a 2xx) or where Exact refused them (403).
   */
  async lastOutcomes(division: number, endpoints: string[], since: Date): Promise<{ endpoint: string; method: string; status: number; at: Date }[]> {
    const { rows } = await this.pool.query<{ endpoint: string; method: string; status: number; at: Date }>(
      `select distinct on (lower(endpoint), method) endpoint, method, status, at from exact_api_call
        where division = $1 and lower(endpoint) = any($3) and at > $2 and status is not null
        order by lower(endpoint), method, at desc, id desc`,
      [division, since, endpoints.map((e) => e.toLowerCase())],
    );
    return rows;
  }
}
