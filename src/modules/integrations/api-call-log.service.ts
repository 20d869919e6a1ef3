import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { PG_POOL } from '../../database/pg-pool.js';
import { Clock } from '../../common/clock.js';
import { parsePage, toPage, type Page } from '../../common/pagination.js';
import { toInt } from '../../common/validation.js';

export interface CallFilter {
  division?: number;
  outcome?: 'ok' | 'error';
  endpoint?: string;
  page: number;
  size: number;
}

export interface CallRow {
  at: Date;
  method: string;
  endpoint: string;
  division: number | null;
  status: number | null;
  duration_ms: number;
  minutely_remaining: number | null;
  daily_remaining: number | null;
  /** calls of the day used in that division after this call (the daily limit minus what Exact said remained) */
  daily_used: number | null;
  daily_limit: number | null;
  kind: string;
  error: string | null;
}

export const CALL_LOG_DAYS = 30;

@Injectable()
export class ApiCallLogService {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly clock: Clock,
  ) {}

  parse(raw: Record<string, unknown>): CallFilter {
    const division = toInt(raw.division);
    const page = parsePage(raw.page);
    return {
      division,
      outcome: raw.outcome === 'ok' || raw.outcome === 'error' ? raw.outcome : undefined,
      endpoint: typeof raw.endpoint === 'string' && raw.endpoint.trim() ? raw.endpoint.trim().slice(0, 120) : undefined,
      page,
      size: 50,
    };
  }

  async list(raw: Record<string, unknown>): Promise<{ filter: CallFilter; page: Page<CallRow> }> {
    const filter = this.parse(raw);
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.division !== undefined) where.push(`division = $${params.push(filter.division)}`);
    if (filter.outcome === 'ok') where.push('status between 200 and 299');
    if (filter.outcome === 'error') where.push('(status is null or status >= 400)');
    if (filter.endpoint) where.push(`endpoint ilike $${params.push(`%${filter.endpoint}%`)}`);
    const w = where.length ? `where ${where.join(' and ')}` : '';
    const total = (await this.pool.query<{ n: number }>(`select count(*)::int as n from exact_api_call ${w}`, params)).rows[0].n;
    const rows = (
      await this.pool.query<CallRow>(
        `select c.at, c.method, c.endpoint, c.division, c.status, c.duration_ms, c.minutely_remaining, c.daily_remaining, c.kind, c.error,
                l.daily_limit - c.daily_remaining as daily_used, l.daily_limit
           from (select * from exact_api_call ${w} order by at desc, id desc limit ${filter.size} offset ${(filter.page - 1) * filter.size}) c
           left join exact_rate_limit l on l.division = c.division
          order by c.at desc, c.id desc`,
        params,
      )
    ).rows;
    return { filter, page: toPage(rows, total, { page: filter.page, pageSize: filter.size }) };
  }

  /** Log clean-up: calls older than 30 days go. */
  async prune(): Promise<number> {
    const r = await this.pool.query('delete from exact_api_call where at < $1', [new Date(this.clock.now().getTime() - CALL_LOG_DAYS * 86_400_000)]);
    return r.rowCount ?? 0;
  }
}
