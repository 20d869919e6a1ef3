import { Inject, Injectable, Logger } from '@nestjs/common';
import type pg from 'pg';
import type { NotificationContent } from './webhook.signature.js';
import type { InboxStatus, RejectionReason } from './webhooks.types.js';
import { SyncLease } from '../sync/sync.lease.js';

/** A pg pool of the webhooks module only (receiver + worker), so a burst never starves sessions or sync. */
export const WEBHOOK_POOL = Symbol('WEBHOOK_POOL');

export interface InboxRow {
  id: string;
  topic: string;
  division: number;
  action: string;
  key: string;
  endpoint: string | null;
  event_created_on: string | null;
  received_at: Date;
  attempts: number;
  handled: string[];
}

export interface InboxStats {
  counts: Record<InboxStatus, number>;
  total: number;
  lastReceivedAt: Date | null;
  lastProcessedAt: Date | null;
}

/** Retry delay after the n-th failed attempt: 2 s, 8 s, 32 s, … at most an hour. */
export const retryDelaySeconds = (attempt: number) => Math.min(3600, 2 * 4 ** Math.max(0, attempt - 1));

/** The inbox table: durable, de-duplicated, shared by every Koppel process on the database. */
@Injectable()
export class WebhookInbox {
  private readonly logger = new Logger('WebhookInbox');

  constructor(
    @Inject(WEBHOOK_POOL) private readonly pool: pg.Pool,
    private readonly lease: SyncLease,
  ) {}

  /** Stores a verified notification; false when the same Content was stored before (a replay). */
  async accept(c: NotificationContent, contentText: string, contentHash: string): Promise<{ id: string | null; duplicate: boolean }> {
    const { rows } = await this.pool.query<{ id: string }>(
      `insert into webhook_inbox (content_hash, topic, division, action, key, client_id, endpoint, event_created_on, content)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (content_hash) do nothing returning id`,
      [contentHash, c.Topic, c.Division, c.Action, c.Key, c.ClientId, c.ExactOnlineEndpoint, c.EventCreatedOn, contentText],
    );
    return { id: rows[0]?.id ?? null, duplicate: rows.length === 0 };
  }

  /**
   * Claims up to `limit` due rows for this worker with a lease (FOR UPDATE SKIP LOCKED: two processes
   * never claim the same row). Oldest first. Notifications of topics that fold (`settle.topics`) are taken once
   * they are `settle.ms` old, so the rest of a burst is pending by then and folds into one handling.
   */
  async claim(worker: string, limit: number, leaseSeconds: number, settle: { topics: string[]; ms: number } = { topics: [], ms: 0 }): Promise<InboxRow[]> {
    const { rows } = await this.pool.query<InboxRow>(
      `with due as (
         select id from webhook_inbox where status = 'pending' and next_attempt_at <= now()
            and (topic <> all($4::text[]) or received_at <= now() - make_interval(secs => $5))
          order by next_attempt_at, id limit $2 for update skip locked)
       update webhook_inbox w set status = 'processing', claimed_by = $1, locked_until = now() + make_interval(secs => $3),
              attempts = w.attempts + 1
         from due where w.id = due.id
       returning w.id, w.topic, w.division, w.action, w.key, w.endpoint, w.event_created_on, w.received_at, w.attempts, w.handled`,
      [worker, limit, leaseSeconds, settle.topics, settle.ms / 1000],
    );
    return rows.sort((a, b) => Number(a.id) - Number(b.id));
  }

  /** Done: only while this worker still holds the row (a reclaimed row belongs to its new owner). */
  async complete(id: string, worker: string, handled: string[]): Promise<boolean> {
    const r = await this.pool.query(
      `update webhook_inbox set status = 'done', processed_at = now(), locked_until = null, claimed_by = null, last_error = null, handled = $3::jsonb
        where id = $1 and claimed_by = $2 and status = 'processing'`,
      [id, worker, JSON.stringify(handled)],
    );
    return r.rowCount === 1;
  }

  /** A failed attempt: back to pending with a backoff, or failed after maxAttempts. */
  async fail(row: InboxRow, worker: string, error: string, handled: string[], maxAttempts: number): Promise<'retry' | 'failed'> {
    const final = row.attempts >= maxAttempts;
    await this.pool.query(
      `update webhook_inbox set status = $3::text, last_error = $4, handled = $5::jsonb, locked_until = null, claimed_by = null,
              next_attempt_at = now() + make_interval(secs => $6), processed_at = case when $3::text = 'failed' then now() else null end
        where id = $1 and claimed_by = $2 and status = 'processing'`,
      [row.id, worker, final ? 'failed' : 'pending', error.slice(0, 2000), JSON.stringify(handled), retryDelaySeconds(row.attempts)],
    );
    return final ? 'failed' : 'retry';
  }

  /**
   * Folding (issue 13): the pending notifications that handling `row` now covers — same topic and division, and in
   * 'key' mode the same key and action — are marked done with `handled` (as if handled), because the handler that is
   * about to run reads the state they announce. Rows another worker holds are left alone (SKIP LOCKED); rows that
   * arrive after this statement are handled on their own (at most one follow-up). Returns how many were folded.
   */
  async fold(row: InboxRow, mode: 'key' | 'division', handled: string[]): Promise<number> {
    const byKey = mode === 'key';
    const r = await this.pool.query(
      `with f as (
         select id from webhook_inbox
          where status = 'pending' and topic = $1 and division = $2 and id <> $3
            and ($4::boolean is false or (key = $5 and action = $6))
          for update skip locked)
       update webhook_inbox w set status = 'done', processed_at = now(), locked_until = null, claimed_by = null, last_error = null,
              handled = $7::jsonb
         from f where w.id = f.id`,
      [row.topic, row.division, row.id, byKey, row.key, row.action, JSON.stringify([...handled, `folded:${row.id}`])],
    );
    return r.rowCount ?? 0;
  }

  /** Several rows of one claim that fold together: all but the first are done by the first one's handling. */
  async foldClaimed(ids: string[], worker: string, into: string, handled: string[]): Promise<void> {
    if (!ids.length) return;
    await this.pool.query(
      `update webhook_inbox set status = 'done', processed_at = now(), locked_until = null, claimed_by = null, last_error = null, handled = $3::jsonb
        where id = any($1::bigint[]) and claimed_by = $2 and status = 'processing'`,
      [ids, worker, JSON.stringify([...handled, `folded:${into}`])],
    );
  }

  /** Kept but set aside: unknown division or no handler for the topic. */
  async park(id: string, worker: string, status: 'unknown_division' | 'unknown_topic', reason: string): Promise<void> {
    await this.pool.query(
      `update webhook_inbox set status = $3::text, last_error = $4, locked_until = null, claimed_by = null, attempts = greatest(attempts - 1, 0)
        where id = $1 and claimed_by = $2 and status = 'processing'`,
      [id, worker, status, reason],
    );
  }

  /**
   * Rows whose worker died become claimable again: when the row's lock time is over, or at once when the
   * worker's process no longer holds its lease (dead on this or any other host; worker ids are the lease's owner text).
   */
  async releaseExpired(): Promise<number> {
    const { rows } = await this.pool.query<{ claimed_by: string }>(`select distinct claimed_by from webhook_inbox where status = 'processing' and claimed_by is not null`);
    const dead: string[] = [];
    for (const r of rows) if (!(await this.lease.ownerAlive(r.claimed_by))) dead.push(r.claimed_by);
    const r = await this.pool.query(
      `update webhook_inbox set status = 'pending', claimed_by = null, locked_until = null, last_error = coalesce(last_error, 'worker stopped while processing')
        where status = 'processing' and (locked_until < now() or claimed_by = any($1::text[]))`,
      [dead],
    );
    if (r.rowCount) this.logger.warn(`${r.rowCount} notification(s) taken back from a worker that stopped`);
    return r.rowCount ?? 0;
  }

  /** Parked notifications of now-active divisions / now-handled topics go back in the queue. */
  async requeueDivisions(divisions: number[]): Promise<number> {
    if (!divisions.length) return 0;
    const r = await this.pool.query(
      `update webhook_inbox set status = 'pending', next_attempt_at = now(), last_error = null where status = 'unknown_division' and division = any($1::int[])`,
      [divisions],
    );
    return r.rowCount ?? 0;
  }

  async requeueTopics(topics: string[]): Promise<number> {
    if (!topics.length) return 0;
    const r = await this.pool.query(
      `update webhook_inbox set status = 'pending', next_attempt_at = now(), last_error = null where status = 'unknown_topic' and topic = any($1::text[])`,
      [topics],
    );
    return r.rowCount ?? 0;
  }

  /** Admin "retry": failed rows get a fresh set of attempts. */
  async retryFailed(): Promise<number> {
    const r = await this.pool.query(`update webhook_inbox set status = 'pending', attempts = 0, next_attempt_at = now() where status = 'failed'`);
    return r.rowCount ?? 0;
  }

  async stats(): Promise<InboxStats> {
    const { rows } = await this.pool.query<{ status: InboxStatus; n: string }>('select status, count(*) as n from webhook_inbox group by status');
    const counts = { pending: 0, processing: 0, done: 0, failed: 0, unknown_division: 0, unknown_topic: 0 } as Record<InboxStatus, number>;
    let total = 0;
    for (const r of rows) {
      counts[r.status] = Number(r.n);
      total += Number(r.n);
    }
    const { rows: last } = await this.pool.query<{ received: Date | null; processed: Date | null }>(
      'select max(received_at) as received, max(processed_at) as processed from webhook_inbox',
    );
    return { counts, total, lastReceivedAt: last[0]?.received ?? null, lastProcessedAt: last[0]?.processed ?? null };
  }

  /** The latest rows needing attention (failed / parked / retrying). */
  async problems(limit = 20) {
    const { rows } = await this.pool.query(
      `select id, topic, division, action, key, status, attempts, last_error, received_at, next_attempt_at from webhook_inbox
        where status in ('failed', 'unknown_division', 'unknown_topic') or (status = 'pending' and attempts > 0)
        order by received_at desc limit $1`,
      [limit],
    );
    return rows;
  }

  /** Counts a refused call (per minute × reason × address); returns the count in this minute. */
  async recordRejection(reason: RejectionReason, ip: string, detail: string): Promise<number> {
    const { rows } = await this.pool.query<{ count: number }>(
      `insert into webhook_rejection (bucket, reason, ip, count, last_at, detail) values (date_trunc('minute', now()), $1, $2, 1, now(), $3)
       on conflict (bucket, reason, ip) do update set count = webhook_rejection.count + 1, last_at = now(), detail = $3
       returning count`,
      [reason, ip.slice(0, 64), detail.slice(0, 500)],
    );
    return rows[0]?.count ?? 1;
  }

  /** Refused calls of the last `hours`, newest first, grouped per reason × address. */
  async rejections(hours = 24) {
    const { rows } = await this.pool.query<{ reason: RejectionReason; ip: string; count: string; last_at: Date; detail: string | null }>(
      `select reason, ip, sum(count) as count, max(last_at) as last_at, (array_agg(detail order by last_at desc))[1] as detail
         from webhook_rejection where last_at > now() - make_interval(hours => $1) group by reason, ip order by max(last_at) desc limit 50`,
      [hours],
    );
    return rows.map((r) => ({ ...r, count: Number(r.count) }));
  }

  /** Housekeeping: processed notifications and rejection counters older than `days`. */
  async prune(days = 30): Promise<number> {
    const a = await this.pool.query(`delete from webhook_inbox where status = 'done' and processed_at < now() - make_interval(days => $1)`, [days]);
    await this.pool.query(`delete from webhook_rejection where last_at < now() - make_interval(days => $1)`, [days]);
    return a.rowCount ?? 0;
  }
}
