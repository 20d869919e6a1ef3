import { Inject, Injectable, Logger } from '@nestjs/common';
import type pg from 'pg';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { ExactClient } from '../../exact/exact.client.js';
import { ExactConnectionService } from '../../exact/connection.service.js';
import { ExactError, ExactForbiddenError, ExactNotFoundError } from '../../exact/errors.js';
import type { ExactWebhookSubscription } from '../../exact/exact.types.js';
import type { CallOptions } from '../../exact/resource.js';
import { WEBHOOK_POOL } from './webhook.inbox.js';
import { WebhookHandlers } from './webhook.handlers.js';

export const CALLBACK_PATH = '/webhooks/exact';
const LOCK_KEY = 4_711_008; // pg advisory lock: one reconcile at a time across processes

export interface WebhookMode {
  enabled: boolean;
  callbackUrl: string;
  /** Why webhooks are off: PUBLIC_BASE_URL is not https (Exact only calls https callbacks). */
  reason?: 'not_https';
  /** http:// on loopback, allowed only against the sandbox / in tests. */
  loopback: boolean;
}

export interface SubscriptionView {
  division: number;
  topic: string;
  exact_id: string | null;
  callback_url: string;
  status: 'active' | 'error';
  last_error: string | null;
  verified_at: Date | null;
  updated_at: Date;
}

export interface ReconcileResult {
  outcome: 'done' | 'busy' | 'not_connected';
  created: number;
  removed: number;
  errors: string[];
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const isLoopback = (url: string) => {
  try {
    return LOOPBACK.has(new URL(url).hostname);
  } catch {
    return false;
  }
};

/**
 * Koppel's webhook subscriptions in Exact: one per active division × wanted topic, with the callback
 * PUBLIC_BASE_URL + /webhooks/exact. `reconcile()` makes Exact match (creates missing, re-creates ones
 * with another callback, removes unwanted ones and those of divisions no longer active); it runs after a
 * connect (the periodic local check notices new divisions), nightly with `verify` (Exact's list is the
 * truth), and on disconnect `removeAll()` deletes them while the tokens still work.
 */
@Injectable()
export class WebhookSubscriptionService {
  private readonly logger = new Logger('WebhookSubscriptions');
  /** After removeAll (disconnect) nothing is re-created for this connection (a new connect starts afresh). */
  private suppressed?: { connectedAt: number; until: number };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WEBHOOK_POOL) private readonly pool: pg.Pool,
    private readonly client: ExactClient,
    private readonly connection: ExactConnectionService,
    private readonly handlers: WebhookHandlers,
  ) {}

  mode(): WebhookMode {
    const callbackUrl = `${this.config.publicBaseUrl}${CALLBACK_PATH}`;
    if (callbackUrl.startsWith('https://')) return { enabled: true, callbackUrl, loopback: false };
    // The sandbox (like Exact's own rule) accepts http:// only on loopback; real Exact never reaches it.
    const againstSandbox = this.config.exact.sandbox || this.config.env === 'test' || isLoopback(this.config.exact.baseUrl);
    if (callbackUrl.startsWith('http://') && isLoopback(callbackUrl) && againstSandbox) return { enabled: true, callbackUrl, loopback: true };
    return { enabled: false, callbackUrl, reason: 'not_https', loopback: false };
  }

  /** WEBHOOK_TOPICS plus the topics registered handlers subscribe to. */
  topics(): string[] {
    return [...new Set([...this.config.webhooks.topics, ...this.handlers.subscribedTopics()])].sort();
  }

  private divisionTopics?: (division: number) => Promise<string[]>;

  /**
   * Topics only some divisions want (planning: the topics of the options switched on in that division). The
   * function is asked during the local check and the reconcile; it must not call Exact.
   */
  useDivisionTopics(fn: (division: number) => Promise<string[]>): void {
    this.divisionTopics = fn;
  }

  /** The topics wanted in one division: topics() plus that division's own. */
  async topicsFor(division: number): Promise<string[]> {
    const extra = this.divisionTopics ? await this.divisionTopics(division) : [];
    return [...new Set([...this.topics(), ...extra])].sort();
  }

  async list(): Promise<SubscriptionView[]> {
    const { rows } = await this.pool.query<SubscriptionView>(
      'select division, topic, exact_id, callback_url, status, last_error, verified_at, updated_at from webhook_subscription order by division, topic',
    );
    return rows;
  }

  /**
   * Cheap local check (no API call): true when an active division lacks a working subscription for a
   * wanted topic, or a stored one is no longer wanted (division gone, topic dropped, callback changed).
   */
  async needsReconcile(): Promise<boolean> {
    if (!(await this.mayReconcile())) return false;
    const mode = this.mode();
    const active = (await this.connection.activeDivisions()).map((d) => d.code);
    const rows = await this.list();
    const wantedIn = new Map<number, string[]>();
    for (const d of active) wantedIn.set(d, mode.enabled ? await this.topicsFor(d) : []);
    for (const d of active) {
      const wanted = wantedIn.get(d)!;
      for (const t of wanted) {
        const r = rows.find((x) => x.division === d && x.topic === t);
        if (!r || r.status !== 'active' || r.callback_url !== mode.callbackUrl) {
          // an erroring subscription is retried at most every 15 minutes by this check
          if (r?.status === 'error' && Date.now() - new Date(r.updated_at).getTime() < 15 * 60_000 && r.callback_url === mode.callbackUrl) continue;
          return true;
        }
      }
    }
    return rows.some((r) => !active.includes(r.division) || !wantedIn.get(r.division)!.includes(r.topic));
  }

  /** Connected, and not between removeAll() and the end of the disconnect it belongs to. */
  private async mayReconcile(): Promise<boolean> {
    const c = await this.currentConnection();
    if (c.status !== 'connected') return false;
    return !(this.suppressed && this.suppressed.connectedAt === c.connectedAt && Date.now() < this.suppressed.until);
  }

  private async currentConnection(): Promise<{ status: string; connectedAt: number }> {
    const { rows } = await this.pool.query<{ status: string; connected_at: Date | null }>('select status, connected_at from exact_connection where id = 1');
    return { status: rows[0]?.status ?? 'disconnected', connectedAt: rows[0]?.connected_at?.getTime() ?? 0 };
  }

  /** Makes Exact match what Koppel wants. `verify` lists every active division in Exact (nightly). */
  async reconcile(opts: { verify?: boolean; divisions?: number[] } = {}): Promise<ReconcileResult> {
    const result: ReconcileResult = { outcome: 'done', created: 0, removed: 0, errors: [] };
    if (!(await this.mayReconcile())) return { ...result, outcome: 'not_connected' };
    return this.locked(result, async () => {
      const mode = this.mode();
      const active = (await this.connection.activeDivisions()).map((d) => d.code);
      const rows = await this.list();
      for (const d of active) {
        if (opts.divisions && !opts.divisions.includes(d)) continue;
        const wanted = mode.enabled ? await this.topicsFor(d) : [];
        const mine = rows.filter((r) => r.division === d);
        const complete =
          wanted.every((t) => mine.some((r) => r.topic === t && r.status === 'active' && r.callback_url === mode.callbackUrl)) &&
          mine.every((r) => wanted.includes(r.topic));
        if (complete && !opts.verify) continue;
        try {
          await this.reconcileDivision(d, wanted, mode.callbackUrl, result);
        } catch (e) {
          result.errors.push(`${d}: ${message(e)}`);
          this.logger.warn(`subscriptions of division ${d}: ${message(e)}`);
        }
      }
      // divisions no longer granted: remove what we know of (Exact may already refuse the division)
      for (const r of rows.filter((x) => !active.includes(x.division))) {
        if (opts.divisions && !opts.divisions.includes(r.division)) continue;
        if (r.exact_id) await this.deleteRemote(r.division, r.exact_id).catch((e) => result.errors.push(`${r.division}: ${message(e)}`));
        await this.pool.query('delete from webhook_subscription where division = $1 and topic = $2', [r.division, r.topic]);
        result.removed++;
      }
      return result;
    });
  }

  /** Disconnect: deletes every subscription of this app in Exact (all divisions) and forgets them. */
  async removeAll(): Promise<ReconcileResult> {
    const result: ReconcileResult = { outcome: 'done', created: 0, removed: 0, errors: [] };
    this.suppressed = { connectedAt: (await this.currentConnection()).connectedAt, until: Date.now() + 60_000 };
    return this.locked(result, async () => {
      const rows = await this.list();
      const divisions = new Set([...rows.map((r) => r.division), ...(await this.connection.activeDivisions()).map((d) => d.code)]);
      for (const d of divisions) {
        try {
          const remote = await this.api(d).all({ select: ['ID', 'Topic', 'CallbackURL'] });
          for (const s of remote) {
            await this.deleteRemote(d, s.ID);
            result.removed++;
          }
        } catch (e) {
          // fall back to the IDs we stored
          result.errors.push(`${d}: ${message(e)}`);
          for (const r of rows.filter((x) => x.division === d && x.exact_id)) await this.deleteRemote(d, r.exact_id!).catch(() => undefined);
        }
      }
      await this.pool.query('delete from webhook_subscription');
      if (result.removed) this.logger.log(`${result.removed} webhook subscription(s) removed from Exact`);
      return result;
    });
  }

  private api(division: number) {
    return this.client.division(division).webhookSubscriptions;
  }

  private readonly background: CallOptions = { kind: 'background' };

  private async reconcileDivision(d: number, wanted: string[], callbackUrl: string, result: ReconcileResult): Promise<void> {
    const api = this.api(d);
    const remote = await api.all({ select: ['ID', 'Topic', 'CallbackURL'] }, this.background);
    const keep = new Map<string, ExactWebhookSubscription>();
    for (const s of remote) {
      if (wanted.includes(s.Topic) && s.CallbackURL === callbackUrl && !keep.has(s.Topic)) {
        keep.set(s.Topic, s);
        continue;
      }
      // not wanted, an old callback (PUBLIC_BASE_URL changed) or a duplicate: Exact allows no update, so delete
      await this.deleteRemote(d, s.ID);
      result.removed++;
    }
    for (const topic of wanted) {
      let sub = keep.get(topic);
      let error: string | null = null;
      if (!sub) {
        try {
          sub = await api.create({ CallbackURL: callbackUrl, Topic: topic, Description: 'Koppel' }, this.background);
          result.created++;
          this.logger.log(`subscribed to ${topic} in division ${d}`);
        } catch (e) {
          // never retry a POST blindly: after any failure, look whether it exists after all
          const again = await api.all({ select: ['ID', 'Topic', 'CallbackURL'] }, this.background).catch(() => []);
          sub = again.find((s) => s.Topic === topic && s.CallbackURL === callbackUrl);
          if (!sub) {
            error = message(e);
            result.errors.push(`${d}/${topic}: ${error}`);
          }
        }
      }
      await this.pool.query(
        `insert into webhook_subscription (division, topic, exact_id, callback_url, status, last_error, verified_at, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, now(), now())
         on conflict (division, topic) do update set exact_id = $3, callback_url = $4, status = $5, last_error = $6,
           verified_at = coalesce($7, webhook_subscription.verified_at), updated_at = now()`,
        [d, topic, sub?.ID ?? null, callbackUrl, sub ? 'active' : 'error', error, sub ? new Date() : null],
      );
    }
    const gone = await this.pool.query('delete from webhook_subscription where division = $1 and not (topic = any($2::text[]))', [d, wanted]);
    if (gone.rowCount) this.logger.log(`division ${d}: ${gone.rowCount} subscription(s) no longer wanted`);
  }

  private async deleteRemote(division: number, id: string): Promise<void> {
    try {
      await this.api(division).delete(id, this.background);
    } catch (e) {
      if (e instanceof ExactNotFoundError || e instanceof ExactForbiddenError) return; // already gone / division no longer ours
      throw e;
    }
  }

  private async locked(result: ReconcileResult, fn: () => Promise<ReconcileResult>): Promise<ReconcileResult> {
    const db = await this.pool.connect();
    try {
      const { rows } = await db.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [LOCK_KEY]);
      if (!rows[0]?.ok) return { ...result, outcome: 'busy' };
      try {
        return await fn();
      } finally {
        await db.query('select pg_advisory_unlock($1)', [LOCK_KEY]);
      }
    } finally {
      db.release();
    }
  }
}

function message(e: unknown): string {
  if (e instanceof ExactError) return e.exactMessage ? `${e.message} — ${e.exactMessage}` : e.message;
  return (e as Error)?.message ?? String(e);
}
