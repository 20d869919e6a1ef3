import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { Clock } from '../../common/clock.js';
import { ExactClient } from '../../exact/exact.client.js';
import type { ExactDeleted } from '../../exact/exact.types.js';
import { planningApi } from '../../exact/planning.resources.js';
import { SyncRegistry } from '../sync/sync.registry.js';
import { SyncService } from '../sync/sync.service.js';
import type { SyncContext } from '../sync/sync.types.js';
import { WebhookHandlers } from '../webhooks/webhook.handlers.js';
import { WebhookSubscriptionService } from '../webhooks/webhook.subscriptions.js';
import type { WebhookEvent } from '../webhooks/webhooks.types.js';
import { CustomersService } from '../customers/customers.service.js';
import type { ExactAccount } from '../../exact/exact.types.js';
import { PlanningSettings, type PlanningEntitySummary } from './planning-settings.entity.js';
import { FEEDS, SAFETY_NET_MINUTES, feedsOn, type Feed, type FeedContext } from './planning.feeds.js';
import { noOptions } from './planning.options.js';
import { PLANNING_RESOURCE, PlanningService } from './planning.service.js';
import { PlanningCostUnits } from './planning-cost-units.js';

/** Topics of the planning feeds (webhook handlers are registered for each; subscriptions per division). */
const TOPICS = [...new Set(FEEDS.map((f) => f.topic).filter((t): t is string => !!t))];
/** A burst of notifications waits this long in the queue, so it becomes one run. */
const BURST_SECONDS = 5;
const DELETED_KEY = 'deleted';
const MOVE_CHECK_MS = 24 * 3_600_000;
const MAX_ROUNDS = 2;
/** Feeds that bring in resources (employees, work centres). */
const RESOURCE_FEEDS: readonly string[] = ['employees', 'workcenters'];

/**
 * A page of an import commits without waiting for its WAL flush (synchronous_commit off for that transaction only).
 * Safe because the page's rows and the cursor that covers them are one transaction and WAL is written in order: a
 * crash can only lose the last few pages as a whole, cursor included, and the resume reads them from Exact again
 * (idempotent upserts). Nothing is sent to Exact from these transactions.
 */
async function asyncCommit(em: EntityManager): Promise<void> {
  await em.execute('set local synchronous_commit = off');
}

/** Cursor of the planning resource: per feed "<generation>:<Timestamp>", plus sync/Deleted. */
type Cursors = Record<string, string>;
function parseCursors(raw: string | undefined): Cursors {
  try {
    const v = raw ? (JSON.parse(raw) as unknown) : {};
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Cursors) : {};
  } catch {
    return {};
  }
}
function tsOf(c: Cursors, feed: string, gen: number): bigint {
  const m = /^(\d+):(\d+)$/.exec(c[feed] ?? '');
  return m && Number(m[1]) === gen ? BigInt(m[2]) : 1n;
}

/**
 * The planning imports as ONE sync-engine resource per division (`planning`, singleton `planning:<division>`):
 * each run takes the feeds that are due — all of them on the first import and when webhooks are off; with
 * webhooks on only those whose topic was notified, whose safety net is due (every 6 hours) or, for entities
 * without a topic, whose poll interval has passed — and then ONE pass over sync/Deleted serves them all. The
 * cursor (per feed, and for sync/Deleted) moves after every applied page, so a killed import resumes where it was
 * and re-applies at most one page (idempotent upserts: no duplicates).
 */
@Injectable()
export class PlanningSync implements OnModuleInit {
  private readonly logger = new Logger('PlanningSync');
  private readonly following = new Set<number>();

  constructor(
    private readonly orm: MikroORM,
    private readonly registry: SyncRegistry,
    private readonly sync: SyncService,
    private readonly client: ExactClient,
    private readonly customers: CustomersService,
    private readonly planning: PlanningService,
    private readonly webhooks: WebhookHandlers,
    private readonly subscriptions: WebhookSubscriptionService,
    private readonly clock: Clock,
    private readonly costUnits: PlanningCostUnits,
  ) {}

  onModuleInit(): void {
    if (!this.registry.get(PLANNING_RESOURCE)) {
      this.registry.register({ name: PLANNING_RESOURCE, schedule: '15min', labelKey: 'planning.syncLabel', run: (ctx) => this.run(ctx) });
    }
    // subscribed per division (only where an option needs the topic), so subscribe: false here
    for (const topic of TOPICS) this.webhooks.register(topic, (e) => this.onNotification(e), { name: 'planning', subscribe: false, fold: 'division' });
    this.subscriptions.useDivisionTopics((d) => this.planning.topicsFor(d));
  }

  /** A notification: remember the topic for the division and queue one run (a burst folds into it). No Exact call. */
  async onNotification(e: WebhookEvent): Promise<void> {
    const rows = await this.orm.em.fork().getConnection().execute<{ division: number }[]>(
      `update planning_settings set pending = pending || jsonb_build_object(?::text, ?::text), updated_at = now()
        where division = ? and active_options is not null returning division`,
      [e.topic, this.clock.now().toISOString(), e.division],
    );
    if (!rows.length) return; // planning is not active in this division
    if ((await this.sync.enqueue(e.division, PLANNING_RESOURCE, 'webhook', { startAfterSeconds: BURST_SECONDS })) === 'busy') this.followUp(e.division);
  }

  /** The job was busy: queue again as soon as it is gone while topics are pending (at most 5 minutes; the safety net stays). */
  private followUp(division: number): void {
    if (this.following.has(division)) return;
    this.following.add(division);
    void (async () => {
      const until = Date.now() + 5 * 60_000;
      while (Date.now() < until) {
        await new Promise((r) => setTimeout(r, 500).unref());
        const s = await this.orm.em.fork().findOne(PlanningSettings, { division });
        if (!s || !Object.keys(s.pending ?? {}).length) return;
        if ((await this.sync.enqueue(division, PLANNING_RESOURCE, 'webhook')) === 'queued') return;
      }
    })()
      .catch((err: Error) => this.logger.warn(`planning follow-up for ${division}: ${err.message}`))
      .finally(() => this.following.delete(division));
  }

  async run(ctx: SyncContext): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const more = await this.cycle(ctx, round);
      if (!more || ctx.signal.aborted) return;
    }
  }

  /** One cycle; true when notifications came in meanwhile (go round once more). */
  private async cycle(ctx: SyncContext, round: number): Promise<boolean> {
    const em = this.orm.em.fork();
    const s = await em.findOne(PlanningSettings, { division: ctx.division });
    if (!s?.activeOptions) return false;
    const options = { ...noOptions(), ...s.activeOptions };
    const feeds = feedsOn(options);
    const now = this.clock.now();
    const initial = !s.firstImportAt;
    const webhooks = this.subscriptions.mode().enabled;
    const pending = { ...(s.pending ?? {}) };
    const userAsked = ctx.trigger === 'import' || ctx.trigger === 'manual' || ctx.trigger === 'recovery';
    const elapsed = (f: Feed) => {
      const at = s.summaries[f.name]?.at;
      return !at ? Infinity : (now.getTime() - new Date(at).getTime()) / 60_000;
    };
    const due = feeds.filter((f) => {
      const sum = s.summaries[f.name];
      if (initial || !sum?.done || userAsked || !webhooks) return round === 0 || (f.topic && pending[f.topic]);
      if (f.topic && pending[f.topic]) return true;
      // a scheduled cycle's clock is a quarter-hour tick: allow a minute of slack so a 2-hour poll is not 2h15
      return elapsed(f) >= (f.topic ? SAFETY_NET_MINUTES : f.everyMinutes) - 1;
    });
    if (!due.length) {
      if (s.state === 'running') await this.patch(ctx.division, { state: 'active' });
      return false;
    }
    const api = planningApi(this.client, ctx.division);
    const opts = { kind: 'background' as const, signal: ctx.signal };
    const day = now.toISOString().slice(0, 10);
    const summaries: Record<string, PlanningEntitySummary> = { ...s.summaries };
    const touch = (name: string, add: Partial<PlanningEntitySummary>) => {
      const cur = summaries[name] ?? { records: 0, created: 0, updated: 0, archived: 0, calls: 0, at: '' };
      const today = cur.day === day ? cur.callsToday ?? 0 : 0;
      summaries[name] = {
        ...cur, records: cur.records + (add.records ?? 0), created: cur.created + (add.created ?? 0), updated: cur.updated + (add.updated ?? 0),
        archived: cur.archived + (add.archived ?? 0), calls: cur.calls + (add.calls ?? 0), callsToday: today + (add.calls ?? 0), day,
        ...(add.at ? { at: add.at } : {}), ...(add.done !== undefined ? { done: add.done } : {}), ...(add.error !== undefined ? { error: add.error } : {}),
      };
    };
    const fc: FeedContext = {
      em, division: ctx.division, options, today: day, history: true,
      customers: (ids) => this.customers.linkedCustomerIds(ctx.division, ids),
      relations: (accounts) => this.customers.linkRelations(ctx.division, accounts as unknown as ExactAccount[]),
    };
    const cursors = parseCursors(ctx.cursor);
    const save = async () => {
      await ctx.saveCursor(JSON.stringify(cursors), initial ? 'initial' : 'incremental');
      await this.patch(ctx.division, { summaries });
    };
    let done = 0;
    let skipDeleted = false;
    // figures per entity and progress: at most once a second while pages stream in (the cursor moves every page)
    let reported = 0;
    const reportNow = async () => {
      if (Date.now() - reported < 1000) return;
      reported = Date.now();
      await this.patch(ctx.division, { summaries });
      await ctx.progress(done);
    };

    // a division moved to another database: every Timestamp is void, start over (checked once a day)
    if (!initial && (!s.moveCheckedAt || now.getTime() - s.moveCheckedAt.getTime() >= MOVE_CHECK_MS)) {
      await ctx.waitForBudget();
      const moved = await this.divisionMoved(ctx.division, s.divisionMoveDate ?? null);
      touch(DELETED_KEY, { calls: 1 });
      ctx.count({ apiCalls: 1 });
      await this.patch(ctx.division, { moveCheckedAt: now, divisionMoveDate: moved.value });
      // polling: this cycle's call budget (one per entity + one) goes to the check; deletions wait one cycle
      skipDeleted = !webhooks && !userAsked;
      if (moved.changed) {
        this.logger.warn(`division ${ctx.division} moved (DivisionMoveDate ${moved.value}): full planning resync`);
        for (const k of Object.keys(cursors)) delete cursors[k];
        await save();
        return this.cycle(ctx, round);
      }
    }

    for (const f of due) {
      const gen = summaries[f.name]?.gen ?? 0;
      // a feed's first import is not "a change from Exact": no history rows for it
      fc.history = summaries[f.name]?.done === true;
      await ctx.waitForBudget();
      try {
        if (f.sync) {
          const pages = api.sync(f.sync.name).changes(tsOf(cursors, f.name, gen), f.sync.select, opts)[Symbol.asyncIterator]();
          // the next page is read from Exact while this one is written (calls stay one at a time)
          let next = pages.next();
          for (;;) {
            const r = await next;
            if (r.done) break;
            const page = r.value;
            next = page.more ? ctx.waitForBudget().then(() => pages.next()) : pages.next();
            next.catch(() => undefined); // an abort or error surfaces on the await above, not as an unhandled rejection
            // what the sync rows lack (an order's lines) is read before the page is written
            let rows: unknown[] = page.rows;
            let calls = 1;
            if (f.enrich) {
              const e = await f.enrich(api, rows, opts, ctx.waitForBudget);
              rows = e.rows;
              calls += e.calls;
            }
            // the page and the cursor that covers it commit together
            const w = await em.transactional(async (tem) => {
              await asyncCommit(tem);
              const r = await f.apply({ ...fc, em: tem }, rows);
              cursors[f.name] = `${gen}:${page.cursor}`;
              await ctx.saveCursor(JSON.stringify(cursors), initial ? 'initial' : 'incremental', { em: tem });
              return r;
            });
            done += page.rows.length;
            ctx.count({ apiCalls: calls, created: w.created, updated: w.updated, deleted: w.archived });
            touch(f.name, { records: page.rows.length, created: w.created, updated: w.updated, archived: w.archived, calls });
            await reportNow();
            if (ctx.signal.aborted) {
              await pages.return?.(undefined).catch(() => undefined);
              await save();
              return false;
            }
          }
        } else if (f.list) {
          const listed = /^(\d+):(.*)$/.exec(cursors[f.name] ?? '');
          const { rows, calls, cursor, full } = await f.list(api, opts, {
            cursor: listed && Number(listed[1]) === gen ? listed[2] : null, userAsked, now: this.clock.now(), budget: ctx.waitForBudget,
          });
          const w = await f.apply(fc, rows);
          const gone = f.afterList && full !== false ? await f.afterList(fc, rows) : 0;
          if (cursor !== undefined) cursors[f.name] = `${gen}:${cursor}`;
          done += rows.length;
          ctx.count({ apiCalls: calls, created: w.created, updated: w.updated, deleted: w.archived + gone });
          touch(f.name, { records: rows.length, created: w.created, updated: w.updated, archived: w.archived + gone, calls });
        }
        touch(f.name, { at: this.clock.now().toISOString(), done: true, error: null });
        await save();
      } catch (e) {
        touch(f.name, { error: (e as Error).message });
        await save();
        throw e;
      }
    }

    // resources read: their cost units (ledger setting "cost units from resources") follow on the engine
    if (due.some((f) => RESOURCE_FEEDS.includes(f.name))) await this.costUnits.afterResources(ctx.division);

    // one pass over sync/Deleted for every feed that is on
    const handlers = new Map<number, (fc: FeedContext, keys: string[]) => Promise<number>>();
    for (const f of feeds) for (const [type, h] of Object.entries(f.deleted)) handlers.set(Number(type), h);
    let deleted = BigInt(/^\d+$/.test(cursors[DELETED_KEY] ?? '') ? cursors[DELETED_KEY] : '1');
    if (!skipDeleted) await ctx.waitForBudget();
    if (!skipDeleted) for await (const page of this.client.division(ctx.division).deleted.changes(deleted, ['Timestamp', 'EntityKey', 'EntityType'], opts)) {
      const byType = new Map<number, string[]>();
      for (const r of page.rows as ExactDeleted[]) {
        if (!r.EntityKey || !handlers.has(Number(r.EntityType))) continue;
        byType.set(Number(r.EntityType), [...(byType.get(Number(r.EntityType)) ?? []), r.EntityKey.toLowerCase()]);
      }
      const n = await em.transactional(async (tem) => {
        await asyncCommit(tem);
        let k = 0;
        for (const [type, keys] of byType) k += await handlers.get(type)!({ ...fc, em: tem }, keys);
        cursors[DELETED_KEY] = String(page.cursor);
        await ctx.saveCursor(JSON.stringify(cursors), initial ? 'initial' : 'incremental', { em: tem });
        return k;
      });
      deleted = page.cursor;
      ctx.count({ apiCalls: 1, deleted: n });
      touch(DELETED_KEY, { records: page.rows.length, archived: n, calls: 1, at: this.clock.now().toISOString() });
      await save();
      if (ctx.signal.aborted) return false;
      if (page.more) await ctx.waitForBudget();
    }

    // the topics this cycle covered are handled, unless a newer notification came in meanwhile
    const covered = Object.entries(pending).filter(([t]) => due.some((f) => f.topic === t));
    for (const [topic, at] of covered) {
      await em.getConnection().execute(
        `update planning_settings set pending = pending - ?::text where division = ? and pending->>?::text = ?`,
        [topic, ctx.division, topic, at],
      );
    }
    await ctx.saveCursor(JSON.stringify(cursors), 'incremental');
    await this.patch(ctx.division, { summaries, state: 'active', ...(initial ? { firstImportAt: this.clock.now() } : {}) });
    const after = await this.orm.em.fork().findOne(PlanningSettings, { division: ctx.division });
    return Object.keys(after?.pending ?? {}).some((t) => feeds.some((f) => f.topic === t));
  }

  private async divisionMoved(division: number, known: string | null): Promise<{ changed: boolean; value: string | null }> {
    const v = await planningApi(this.client, division).divisionMoveDate({ kind: 'background' });
    const value = v ? v.toISOString() : null;
    return { changed: known !== null && value !== known, value: value ?? known };
  }

  private async patch(division: number, fields: Partial<PlanningSettings>): Promise<void> {
    const em = this.orm.em.fork();
    await em.nativeUpdate(PlanningSettings, { division }, fields);
  }
}
