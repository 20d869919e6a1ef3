import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { ExactConnectionService } from '../../exact/connection.service.js';
import { WebhookHandlers } from './webhook.handlers.js';
import { WebhookInbox, type InboxRow } from './webhook.inbox.js';
import { SyncLease } from '../sync/sync.lease.js';
import type { WebhookAction, WebhookEvent } from './webhooks.types.js';

/** How long a claimed row stays with its worker before another process may take it over. */
export const LEASE_SECONDS = 300;
const DIVISIONS_TTL_MS = 5000;
const HOUSEKEEPING_MS = 10_000;
/** Notifications of folding topics wait this long after arriving, so a burst is in the inbox and folds (issue 13). */
export const FOLD_SETTLE_MS = 500;

/**
 * Works the inbox: claims due rows (SKIP LOCKED + lease, safe with any number of processes), checks the
 * division, runs the topic's handlers with up to WEBHOOK_CONCURRENCY in parallel, and records the
 * outcome. The receiver kicks it after each insert; otherwise it polls every WEBHOOK_POLL_MS.
 */
@Injectable()
export class WebhookWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('WebhookWorker');
  private readonly tag = randomBytes(3).toString('hex');
  private running = false;
  private loopDone?: Promise<void>;
  private readonly active = new Set<Promise<void>>();
  private wakeUp?: () => void;
  private kicked = false;
  private divisions?: { at: number; set: Set<number> };
  private lastHousekeeping = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly inbox: WebhookInbox,
    private readonly handlers: WebhookHandlers,
    private readonly connection: ExactConnectionService,
    private readonly lease: SyncLease,
  ) {}

  /** The claim owner of this worker: the process's lease ("lease:<id>/webhooks:<tag>"), so any host can tell it died. */
  get id(): string {
    return this.lease.owner(`webhooks:${this.tag}`);
  }

  onApplicationBootstrap(): void {
    this.handlers.onRegister((topic) => {
      if (this.running) void this.inbox.requeueTopics([topic]).then((n) => n && this.kick()).catch(() => undefined);
    });
    if (this.config.webhooks.worker) this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.lastHousekeeping = 0;
    this.loopDone = this.loop().catch((e) => this.logger.error(`worker stopped: ${(e as Error).message}`));
  }

  /** Stops claiming and waits for the notifications in hand (graceful shutdown). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    await this.loopDone;
    await Promise.allSettled([...this.active]);
  }

  /** A new row is in the inbox (same process): look now instead of at the next poll. */
  kick(): void {
    this.kicked = true;
    this.wake();
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = undefined;
    w?.();
  }

  /** Waits for the poll interval, a kick (only when a slot is free) or a finished notification. */
  private sleep(ms: number): Promise<void> {
    const max = this.config.webhooks.concurrency;
    const canClaim = max - this.active.size >= Math.ceil(max / 2) || this.active.size === 0;
    if (!this.running || (this.kicked && canClaim)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = undefined;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async loop(): Promise<void> {
    const max = this.config.webhooks.concurrency;
    while (this.running) {
      try {
        if (Date.now() - this.lastHousekeeping > HOUSEKEEPING_MS) {
          this.lastHousekeeping = Date.now();
          await this.housekeeping();
        }
        const free = max - this.active.size;
        // claim in batches (half the slots at least) so a busy inbox costs few queries per notification
        if (free > 0 && (free >= Math.ceil(max / 2) || this.active.size === 0)) {
          this.kicked = false;
          const folding = this.handlers.topics().filter((topic) => this.handlers.foldOf(topic));
          const rows = await this.foldBatch(await this.inbox.claim(this.id, free, LEASE_SECONDS, { topics: folding, ms: FOLD_SETTLE_MS }));
          for (const row of rows) {
            const p: Promise<void> = this.process(row).finally(() => {
              this.active.delete(p);
              this.wake();
            });
            this.active.add(p);
          }
          if (rows.length === free) continue; // probably more waiting
        }
        await this.sleep(this.config.webhooks.pollMs);
      } catch (e) {
        if (!this.running) break;
        this.logger.warn(`inbox poll failed: ${(e as Error).message}`);
        await this.sleep(Math.max(1000, this.config.webhooks.pollMs));
      }
    }
  }

  /** Rows of one claim that fold together (same topic, division and — in 'key' mode — key and action): one runs for all. */
  private async foldBatch(rows: InboxRow[]): Promise<InboxRow[]> {
    const groups = new Map<string, InboxRow[]>();
    const keep: InboxRow[] = [];
    for (const row of rows) {
      const mode = this.handlers.foldOf(row.topic);
      if (!mode) {
        keep.push(row);
        continue;
      }
      const g = `${row.topic}|${row.division}${mode === 'key' ? `|${row.key}|${row.action}` : ''}`;
      const list = groups.get(g);
      if (list) list.push(row);
      else {
        groups.set(g, [row]);
        keep.push(row);
      }
    }
    for (const [first, ...rest] of groups.values()) {
      if (!rest.length) continue;
      try {
        await this.inbox.foldClaimed(rest.map((r) => r.id), this.id, first.id, this.handlers.for(first.topic).map((h) => h.name));
      } catch (e) {
        // not folded: they are handled one by one instead
        this.logger.warn(`folding notifications into ${first.id}: ${(e as Error).message}`);
        keep.push(...rest);
      }
    }
    return keep.sort((a, b) => Number(a.id) - Number(b.id));
  }

  private async housekeeping(): Promise<void> {
    await this.inbox.releaseExpired();
    const active = await this.activeDivisions(true);
    const requeued = (await this.inbox.requeueDivisions([...active])) + (await this.inbox.requeueTopics(this.handlers.topics()));
    if (requeued) this.logger.log(`${requeued} parked notification(s) queued again`);
  }

  private async activeDivisions(fresh = false): Promise<Set<number>> {
    if (fresh || !this.divisions || Date.now() - this.divisions.at > DIVISIONS_TTL_MS) {
      const list = await this.connection.activeDivisions();
      this.divisions = { at: Date.now(), set: new Set(list.map((d) => d.code)) };
    }
    return this.divisions.set;
  }

  /** One notification: unknown division/topic are parked; every handler not yet done runs once. */
  async process(row: InboxRow): Promise<void> {
    try {
      let divisions = await this.activeDivisions();
      // a division connected a moment ago may not be in the cache yet: look once more before parking
      if (!divisions.has(row.division) && Date.now() - (this.divisions?.at ?? 0) > 1000) divisions = await this.activeDivisions(true);
      if (!divisions.has(row.division)) {
        await this.inbox.park(row.id, this.id, 'unknown_division', `division ${row.division} is not an active administration`);
        return;
      }
      const handlers = this.handlers.for(row.topic);
      if (!handlers.length) {
        await this.inbox.park(row.id, this.id, 'unknown_topic', `no handler for topic ${row.topic}`);
        return;
      }
      const event: WebhookEvent = {
        id: row.id,
        topic: row.topic,
        division: row.division,
        action: row.action as WebhookAction,
        key: row.key,
        endpoint: row.endpoint,
        eventCreatedOn: row.event_created_on,
        receivedAt: row.received_at,
        attempt: row.attempts,
      };
      const handled = [...(row.handled ?? [])];
      // what is still pending for the same change is covered by this handling (its handler reads Exact's state now)
      const fold = this.handlers.foldOf(row.topic);
      if (fold) await this.inbox.fold(row, fold, handlers.map((h) => h.name));
      const errors: string[] = [];
      for (const h of handlers) {
        if (handled.includes(h.name)) continue;
        try {
          await h.handle(event);
          handled.push(h.name);
        } catch (e) {
          errors.push(`${h.name}: ${(e as Error)?.message ?? String(e)}`);
        }
      }
      if (!errors.length) {
        await this.inbox.complete(row.id, this.id, handled);
        return;
      }
      const outcome = await this.inbox.fail(row, this.id, errors.join('; '), handled, this.config.webhooks.maxAttempts);
      const msg = `${row.topic} ${row.division}/${row.key} attempt ${row.attempts}: ${errors.join('; ')}`;
      if (outcome === 'failed') this.logger.error(`gave up on ${msg}`);
      else this.logger.warn(msg);
    } catch (e) {
      // the database went away mid-way: the lease brings the row back
      this.logger.warn(`notification ${row.id}: ${(e as Error).message}`);
    }
  }
}
