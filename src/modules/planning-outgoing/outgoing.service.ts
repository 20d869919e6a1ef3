import { Inject, Injectable, Logger } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { ExactClient } from '../../exact/exact.client.js';
import { ExactError, ExactNetworkError, ExactServerError } from '../../exact/errors.js';
import { timeApi, timeReference, type TimeApi } from '../../exact/time.resources.js';
import type { SyncContext } from '../sync/sync.types.js';
import { SyncService } from '../sync/sync.service.js';
import { OUTGOING_RESOURCE, TimeService } from '../time/time.service.js';
import type { ApprovedEntry } from '../time/time.types.js';
import { OutboxLog, OutboxMessage, OutgoingSettings, type OutboxKind, type SelectionStatus } from './outgoing.entity.js';

type Raw = Record<string, unknown>;
const BATCH = 500;
const NOTES_MAX = 250;

/** A call whose outcome we do not know: it may have been stored in Exact. */
const unclear = (e: unknown) => e instanceof ExactNetworkError || (e instanceof ExactServerError && (e.httpStatus ?? 500) >= 500);
/** Nothing was done and trying later is right (rate limit, paused endpoint, connection gone): stop this run. */
const later = (e: unknown) => e instanceof ExactError && ['rate_limit', 'blocked', 'auth', 'not_connected'].includes(e.kind);
const exactText = (e: unknown) => (e instanceof ExactError ? (e.exactMessage || e.message) : String((e as Error)?.message ?? e)).slice(0, 2000);

/** Which kinds the switches of a division allow right now (a master switch off holds everything under it). */
export function kindsOn(s: OutgoingSettings | null): Set<OutboxKind> {
  const on = new Set<OutboxKind>();
  if (!s) return on;
  if (s.productionOrderOutbound && s.shopOrderTime) on.add('mfg_time');
  if (s.productionOrderOutbound && s.shopOrderPlannedDate) on.add('shop_order_dates');
  if (s.projectOutbound) on.add('project_time');
  if (s.salesOrderOutbound && s.salesOrderDeliveryDate) on.add('sales_order_delivery');
  if ((s.productionOrderOutbound && Object.keys(s.selectionCodes.shop ?? {}).length) || (s.salesOrderOutbound && Object.keys(s.selectionCodes.sales ?? {}).length)) on.add('selection_code');
  return on;
}

/** The card updates (a move on the board changes what they send). */
const CARD_KINDS: readonly OutboxKind[] = ['shop_order_dates', 'sales_order_delivery', 'selection_code'];
/** Rounds of one run: a round that queued something new (hours approved, a card moved meanwhile) is followed by one more. */
const MAX_ROUNDS = 3;

/**
 * Why hours cannot go (the entry shows it, as an i18n key in its send_error, until the prerequisite is there):
 * a switch off, an employee made in Koppel (no Exact employee), a WBS activity without an hour type.
 */
export const HELD = {
  shopOrderTimeOff: 'outgoing.held.shopOrderTimeOff',
  projectOff: 'outgoing.held.projectOff',
  employee: 'outgoing.held.employee',
  wbsHourType: 'outgoing.held.wbsHourType',
} as const;
const SWITCH_HELD: readonly string[] = [HELD.shopOrderTimeOff, HELD.projectOff];
const HOUR_KINDS = { mfg_time: ['operation'], project_time: ['hour_type', 'wbs_activity'] } as const;

export interface RunFigures { queued: number; sent: number; found: number; failed: number; held: number; calls: number }

/**
 * The outgoing side (vPlan's "outgoing data"): approved hours → manufacturing or project TimeTransactions, planned
 * dates → ShopOrder PlannedStartDate/PlannedDate, a card's end → SalesOrder DeliveryDate, a card's status →
 * SelectionCode. Exactly once: every message is an outbox row written before its call; `pending` is committed
 * right before the call, so a row found pending (timeout, 5xx, killed process) is looked up in Exact by our own
 * reference first and never sent blindly again. Card updates are computed from the difference with what was last
 * queued, so any number of moves between two runs becomes one update (and a queued update takes the newest value).
 */
@Injectable()
export class OutgoingService {
  private readonly logger = new Logger('PlanningOutgoing');

  private readonly following = new Set<number>();

  constructor(
    private readonly orm: MikroORM,
    private readonly client: ExactClient,
    private readonly time: TimeService,
    private readonly clock: Clock,
    private readonly sync: SyncService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * A card was (re)planned: when its division sends planned or delivery dates or selection codes, its outgoing run is
   * queued OUTGOING_DEBOUNCE_SECONDS from now, so the moves of a burst fold into one run (one update per card). A run
   * already waiting sees this change; one already running may have read the cards before it, so another follows it.
   */
  async planChanged(cardId: number): Promise<void> {
    const em = this.orm.em.fork();
    const [card] = await em.getConnection().execute<{ division: number }[]>('select division from plan_card where id = ?', [cardId]);
    if (!card) return;
    const division = Number(card.division);
    const on = kindsOn(await em.findOne(OutgoingSettings, { division }));
    if (!CARD_KINDS.some((k) => on.has(k))) return;
    if ((await this.enqueueDebounced(division)) === 'running') this.followUp(division);
  }

  private async enqueueDebounced(division: number): Promise<'queued' | 'running' | undefined> {
    const r = await this.sync.enqueue(division, OUTGOING_RESOURCE, 'user', { startAfterSeconds: this.config.sync.outgoingDebounceSeconds });
    return r === 'queued' ? 'queued' : await this.sync.jobState(division, OUTGOING_RESOURCE);
  }

  /** Queues the next (debounced) run as soon as the running one is gone (at most 10 minutes; the schedule stays the net). */
  private followUp(division: number): void {
    if (this.following.has(division)) return;
    this.following.add(division);
    void (async () => {
      const until = Date.now() + 10 * 60_000;
      while (Date.now() < until) {
        await new Promise((r) => setTimeout(r, 500).unref());
        if ((await this.enqueueDebounced(division)) !== 'running') return;
      }
    })()
      .catch((e: Error) => this.logger.warn(`outgoing follow-up for ${division}: ${e.message}`))
      .finally(() => this.following.delete(division));
  }

  async run(ctx: SyncContext): Promise<RunFigures> {
    const fig: RunFigures = { queued: 0, sent: 0, found: 0, failed: 0, held: 0, calls: 0 };
    try {
      for (let round = 0; round < MAX_ROUNDS && !ctx.signal.aborted; round++) {
        const queued = await this.round(ctx, fig);
        // a round that queued something is followed by one more: what was approved or planned while it sent goes now
        if (queued === 'stop' || queued === 0) break;
      }
      return fig;
    } finally {
      ctx.count({ apiCalls: fig.calls, created: fig.sent });
    }
  }

  /** Holds and releases, collects, sends; returns how many messages it queued (or 'stop': Exact said "later"). */
  private async round(ctx: SyncContext, fig: RunFigures): Promise<number | 'stop'> {
    const em = ctx.em;
    em.clear();
    const settings = await em.findOne(OutgoingSettings, { division: ctx.division });
    const on = kindsOn(settings);
    fig.held += await this.holdSwitchedOff(em, ctx.division, on);
    if (!settings || !on.size) return 0;
    const api = timeApi(this.client, ctx.division);
    const queued = (await this.collectHours(ctx, api, on, fig)) + (await this.collectCards(em, settings, on));
    fig.queued += queued;
    let done = 0;
    let after = 0;
    const total = await em.count(OutboxMessage, { division: ctx.division, state: 'queued', kind: { $in: [...on] } });
    for (;;) {
      if (ctx.signal.aborted) break;
      const rows = await em.find(OutboxMessage, { division: ctx.division, state: 'queued', kind: { $in: [...on] }, id: { $gt: after } }, { orderBy: { id: 'asc' }, limit: BATCH });
      if (!rows.length) break;
      for (const row of rows) {
        if (ctx.signal.aborted) break;
        after = row.id;
        await ctx.waitForBudget();
        done++;
        if ((await this.send(em, api, row, fig)) === 'stop') return 'stop';
      }
      em.clear();
      await ctx.progress(done, total);
    }
    return queued;
  }

  // ---- held: hours that cannot go while a prerequisite is missing ----

  /**
   * Hours whose switch is off are held with the reason (new ones, and queued messages whose call was never made);
   * held messages whose switch is on again are queued again. Returns how many entries it newly holds.
   */
  private async holdSwitchedOff(em: EntityManager, division: number, on: Set<OutboxKind>): Promise<number> {
    let held = 0;
    for (const kind of ['mfg_time', 'project_time'] as const) {
      const reason = kind === 'mfg_time' ? HELD.shopOrderTimeOff : HELD.projectOff;
      if (on.has(kind)) {
        const back = await em.find(OutboxMessage, { division, kind, state: 'held', lastError: { $in: [...SWITCH_HELD] } }, { limit: 10_000 });
        if (!back.length) continue;
        await em.transactional(async (tem) => {
          for (const r of back) {
            tem.merge(r);
            r.state = 'queued';
            r.lastError = null;
            this.log(tem, r, 'released');
          }
          await this.time.recordSend(tem, back.map((r) => r.timeEntryId!).filter(Boolean), { state: 'queued' });
        });
        continue;
      }
      await em.transactional(async (tem) => {
        held += await this.time.holdUnsent(tem, division, HOUR_KINDS[kind], reason);
        const rows = await tem.find(OutboxMessage, { division, kind, state: 'queued', pending: false }, { limit: 10_000 });
        for (const r of rows) {
          r.state = 'held';
          r.lastError = reason;
          this.log(tem, r, 'held', reason);
        }
        await this.time.recordSend(tem, rows.map((r) => r.timeEntryId!).filter(Boolean), { state: 'held', error: reason });
        held += rows.length;
      });
    }
    return held;
  }

  // ---- collecting: what should be in Exact and is not queued yet ----

  /**
   * Approved hours not handed over yet (new, or held for a prerequisite that may be there now) → one outbox row
   * each (reference T<entry>), entry marked queued; an entry still missing a prerequisite is held with the reason.
   */
  private async collectHours(ctx: SyncContext, api: TimeApi, on: Set<OutboxKind>, fig: RunFigures): Promise<number> {
    const em = ctx.em;
    const division = ctx.division;
    const kinds = [...(on.has('mfg_time') ? HOUR_KINDS.mfg_time : []), ...(on.has('project_time') ? HOUR_KINDS.project_time : [])];
    const hourTypes = new Map<string, string | null>();
    let n = 0;
    let after = 0;
    for (;;) {
      const entries = await this.time.approvedUnsent(em, division, kinds, BATCH, after);
      if (!entries.length) return n;
      after = entries[entries.length - 1].id;
      // an entry whose message exists already (held while its switch was off) follows that message
      const taken = new Set((await em.find(OutboxMessage, { timeEntryId: { $in: entries.map((e) => e.id) } }, { fields: ['timeEntryId'] })).map((m) => m.timeEntryId));
      const go: { e: ApprovedEntry; payload: Record<string, unknown> }[] = [];
      const held = new Map<string, number[]>();
      const hold = (reason: string, id: number) => held.set(reason, [...(held.get(reason) ?? []), id]);
      for (const e of entries) {
        if (taken.has(e.id)) continue;
        if (!e.employeeExactId) { hold(HELD.employee, e.id); continue; }
        const kind: OutboxKind = e.activityKind === 'operation' ? 'mfg_time' : 'project_time';
        const payload = this.hoursPayload(kind, e);
        if (e.activityKind === 'wbs_activity' && !payload.Item) {
          const item = await this.wbsHourType(ctx, api, String(payload.Activity), hourTypes, fig);
          if (item === 'stop') return n;
          if (!item) { hold(HELD.wbsHourType, e.id); continue; }
          payload.Item = item;
        }
        go.push({ e, payload });
      }
      await em.transactional(async (tem) => {
        for (const { e, payload } of go) {
          const kind: OutboxKind = e.activityKind === 'operation' ? 'mfg_time' : 'project_time';
          const msg = tem.create(OutboxMessage, { division, kind, reference: `T${e.id}`, cardId: e.cardId, timeEntryId: e.id, target: null, payload });
          await tem.flush();
          tem.create(OutboxLog, { outboxId: msg.id, cardId: e.cardId, timeEntryId: e.id, action: 'queued' });
        }
        await this.time.recordSend(tem, go.map((g) => g.e.id), { state: 'queued' });
        for (const [reason, ids] of held) await this.time.recordSend(tem, ids, { state: 'held', error: reason });
      });
      em.clear();
      n += go.length;
      fig.held += [...held.values()].reduce((a, ids) => a + ids.length, 0);
    }
  }

  /** The hour type of a WBS activity (its DefaultItem in Exact), once per activity and run; null when it has none. */
  private async wbsHourType(ctx: SyncContext, api: TimeApi, activity: string, cache: Map<string, string | null>, fig: RunFigures): Promise<string | null | 'stop'> {
    if (cache.has(activity)) return cache.get(activity)!;
    await ctx.waitForBudget();
    fig.calls++;
    try {
      const a = await api.wbsActivity(activity, { kind: 'background' });
      cache.set(activity, a.DefaultItem ?? null);
    } catch (e) {
      if (later(e) || unclear(e)) return 'stop';
      // gone or refused: the POST would be refused as well; it says why (Exact's own words) on the entry
      cache.set(activity, null);
    }
    return cache.get(activity)!;
  }

  private hoursPayload(kind: OutboxKind, e: ApprovedEntry): Record<string, unknown> {
    const notes = `${timeReference(e.id)}${e.notes ? ` ${e.notes}` : ''}`.slice(0, NOTES_MAX);
    if (kind === 'mfg_time') {
      return {
        ShopOrder: e.cardExactId, RoutingStepPlan: e.activityExactId, Employee: e.employeeExactId, Date: e.date,
        Activity: e.phase === 'setup' ? 10 : 20, Hours: e.hours, LaborHours: e.hours, Quantity: e.quantity ?? 0, IsOperationFinished: e.operationFinished ? 1 : 0, Notes: notes,
      };
    }
    // project hour type: activity exactId "<project>:<item>"; WBS activity: "<activity>" or "<activity>:<hour type item>"
    // on the card's project (a WBS card's parent, or the project card itself); without an item, the activity's default
    const [first, second] = e.activityExactId.split(':');
    const [project, item] = e.activityKind === 'hour_type' ? [first, second] : [e.parentExactId ?? e.cardExactId, second];
    return {
      Employee: e.employeeExactId, Project: project, ...(item ? { Item: item } : {}), ...(e.activityKind === 'wbs_activity' ? { Activity: first } : {}),
      Date: e.date, Quantity: e.hours, HourStatus: 10, Notes: notes,
    };
  }

  /**
   * Card updates: the newest wanted value per card and kind against the last one queued. A queued (or failed) row
   * takes the new value in place — coalescing — and a sent one gets a successor.
   */
  private async collectCards(em: EntityManager, s: OutgoingSettings, on: Set<OutboxKind>): Promise<number> {
    const conn = em.getConnection();
    const wanted: { cardId: number; kind: OutboxKind; target: string; payload: Record<string, unknown> }[] = [];
    if (on.has('shop_order_dates')) {
      const rows: Raw[] = await conn.execute(`select id, exact_id, planned_start::text as s, planned_end::text as e, exact_start_date::text as xs, due_date::text as xe
        from plan_card where division = ? and kind = 'shop_order' and status = 'open' and planned_start is not null`, [s.division]);
      for (const r of rows) wanted.push({ cardId: Number(r.id), kind: 'shop_order_dates', target: String(r.exact_id), payload: { start: r.s, end: r.e ?? r.s, exactStart: r.xs, exactEnd: r.xe } });
    }
    if (on.has('sales_order_delivery')) {
      // the order's delivery date follows its card's end; for the one-card-per-line variant, the last line's end
      const rows: Raw[] = await conn.execute(`select min(id) as id, coalesce(parent_exact_id, exact_id) as exact_id, max(coalesce(planned_end, planned_start))::text as e, max(due_date)::text as xe
        from plan_card where division = ? and kind in ('sales_order', 'sales_order_line') and status = 'open' and planned_start is not null
        group by coalesce(parent_exact_id, exact_id)`, [s.division]);
      for (const r of rows) wanted.push({ cardId: Number(r.id), kind: 'sales_order_delivery', target: String(r.exact_id), payload: { date: r.e, exactDate: r.xe } });
    }
    if (on.has('selection_code')) {
      const rows: Raw[] = await conn.execute(`select id, kind, coalesce(parent_exact_id, exact_id) as exact_id, status, planned_start from plan_card
        where division = ? and kind in ('sales_order', 'shop_order') and (status = 'open' or archived_at > now() - interval '30 days')`, [s.division]);
      for (const r of rows) {
        const group = r.kind === 'shop_order' ? 'shop' : 'sales';
        if (group === 'shop' ? !s.productionOrderOutbound : !s.salesOrderOutbound) continue;
        const status: SelectionStatus = r.status === 'archived' ? 'archived' : r.planned_start ? 'planned' : 'unplanned';
        const code = s.selectionCodes[group]?.[status];
        if (code) wanted.push({ cardId: Number(r.id), kind: 'selection_code', target: String(r.exact_id), payload: { order: group, status, code } });
      }
    }
    if (!wanted.length) return 0;
    const last: Raw[] = await conn.execute(`select distinct on (card_id, kind) id, card_id, kind, state, payload from planning_outbox
      where division = ? and kind in ('shop_order_dates', 'sales_order_delivery', 'selection_code') order by card_id, kind, id desc`, [s.division]);
    const byKey = new Map(last.map((r) => [`${r.card_id}:${r.kind}`, r]));
    let n = 0;
    await em.transactional(async (tem) => {
      for (const w of wanted) {
        const prev = byKey.get(`${w.cardId}:${w.kind}`);
        const value = valueOf(w.kind, w.payload);
        if (prev && valueOf(w.kind, prev.payload as Record<string, unknown>) === value) continue;
        // a plan that only repeats what Exact already has needs no update
        if (!prev && w.kind === 'shop_order_dates' && w.payload.start === w.payload.exactStart && w.payload.end === w.payload.exactEnd) continue;
        if (!prev && w.kind === 'sales_order_delivery' && w.payload.date === w.payload.exactDate) continue;
        if (prev && prev.state !== 'sent') {
          const row = await tem.findOneOrFail(OutboxMessage, { id: Number(prev.id) });
          // a row whose call is out there keeps its value until the look-up settles it; the next run queues the new one
          if (row.pending) continue;
          row.payload = w.payload;
          row.state = 'queued';
          row.lastError = null;
          tem.create(OutboxLog, { outboxId: row.id, cardId: w.cardId, action: 'coalesced', detail: value });
        } else {
          const count = await tem.count(OutboxMessage, { cardId: w.cardId, kind: w.kind });
          const row = tem.create(OutboxMessage, { division: s.division, kind: w.kind, reference: `${w.kind}:${w.cardId}:${count + 1}`, cardId: w.cardId, target: w.target, payload: w.payload });
          await tem.flush();
          tem.create(OutboxLog, { outboxId: row.id, cardId: w.cardId, action: 'queued', detail: value });
          n++;
        }
      }
    });
    return n;
  }

  // ---- sending ----

  private log(em: EntityManager, row: OutboxMessage, action: string, detail?: string | null): void {
    em.create(OutboxLog, { outboxId: row.id, cardId: row.cardId ?? null, timeEntryId: row.timeEntryId ?? null, action, detail: detail?.slice(0, 2000) ?? null });
  }

  /** Settles a row whose earlier call has an unknown outcome: is it in Exact already? */
  private async lookup(api: TimeApi, row: OutboxMessage, fig: RunFigures): Promise<string | undefined> {
    const p = row.payload;
    fig.calls++;
    switch (row.kind) {
      case 'mfg_time':
        return api.findManufacturingTime(String(p.ShopOrder), timeReference(row.timeEntryId!), { kind: 'background' });
      case 'project_time':
        return api.findProjectTime(String(p.Employee), timeReference(row.timeEntryId!), { kind: 'background' });
      case 'shop_order_dates': {
        const o = await api.shopOrder(row.target!, { kind: 'background' });
        return day(o.PlannedStartDate) === p.start && day(o.PlannedDate) === p.end ? row.target! : undefined;
      }
      case 'sales_order_delivery': {
        const o = await api.salesOrder(row.target!, { kind: 'background' });
        return day(o.DeliveryDate) === p.date ? row.target! : undefined;
      }
      case 'selection_code': {
        const o = p.order === 'shop' ? await api.shopOrder(row.target!, { kind: 'background' }) : await api.salesOrder(row.target!, { kind: 'background' });
        return String(o.SelectionCode ?? '').toLowerCase() === String(p.code).toLowerCase() ? row.target! : undefined;
      }
    }
  }

  private async call(api: TimeApi, row: OutboxMessage): Promise<string> {
    const p = row.payload;
    const opts = { kind: 'background' as const };
    switch (row.kind) {
      case 'mfg_time':
        return api.createManufacturingTime(p as never, opts);
      case 'project_time':
        return api.createProjectTime(p as never, opts);
      case 'shop_order_dates':
        await api.setShopOrderDates(row.target!, String(p.start), String(p.end), opts);
        return row.target!;
      case 'sales_order_delivery':
        await api.setSalesOrderDeliveryDate(row.target!, String(p.date), opts);
        return row.target!;
      case 'selection_code':
        await (p.order === 'shop' ? api.setShopOrderSelectionCode(row.target!, String(p.code), opts) : api.setSalesOrderSelectionCode(row.target!, String(p.code), opts));
        return row.target!;
    }
  }

  private async settle(em: EntityManager, row: OutboxMessage, exactId: string, action: 'sent' | 'found'): Promise<void> {
    await em.transactional(async (tem) => {
      const r = await tem.findOneOrFail(OutboxMessage, { id: row.id });
      r.state = 'sent';
      r.pending = false;
      r.exactId = exactId;
      r.lastError = null;
      r.sentAt = this.clock.now();
      this.log(tem, r, action, exactId);
      if (r.timeEntryId) await this.time.recordSend(tem, [r.timeEntryId], { state: 'sent', exactId });
    });
  }

  private async refuse(em: EntityManager, row: OutboxMessage, text: string): Promise<void> {
    await em.transactional(async (tem) => {
      const r = await tem.findOneOrFail(OutboxMessage, { id: row.id });
      r.state = 'failed';
      r.pending = false;
      r.lastError = text;
      this.log(tem, r, 'refused', text);
      if (r.timeEntryId) await this.time.recordSend(tem, [r.timeEntryId], { state: 'failed', error: text });
    });
  }

  /** One message, exactly once. 'stop' when Exact says "later" (rate limit, paused, not connected). */
  private async send(em: EntityManager, api: TimeApi, row: OutboxMessage, fig: RunFigures): Promise<'ok' | 'stop'> {
    try {
      if (row.pending) {
        const found = await this.lookup(api, row, fig);
        if (found) {
          fig.found++;
          await this.settle(em, row, found, 'found');
          return 'ok';
        }
      }
    } catch (e) {
      if (later(e)) return 'stop';
      // the look-up itself failed: keep the row pending, try again next run
      row.lastError = exactText(e);
      this.log(em, row, 'unclear', `look-up: ${row.lastError}`);
      await em.flush();
      return 'ok';
    }
    row.pending = true;
    row.attempts++;
    this.log(em, row, 'intent');
    await em.flush();
    try {
      fig.calls++;
      const id = await this.call(api, row);
      fig.sent++;
      await this.settle(em, row, id, 'sent');
      return 'ok';
    } catch (e) {
      if (unclear(e)) {
        row.lastError = exactText(e);
        this.log(em, row, 'unclear', row.lastError);
        await em.flush();
        return 'ok';
      }
      if (later(e)) {
        // refused before Exact did anything: nothing is out there
        row.pending = false;
        this.log(em, row, 'unclear', exactText(e));
        await em.flush();
        return 'stop';
      }
      // a definite refusal; for new hours one look-up first (an earlier call may have landed after all)
      if (row.kind === 'mfg_time' || row.kind === 'project_time') {
        const found = await this.lookup(api, row, fig).catch(() => undefined);
        if (found) {
          fig.found++;
          await this.settle(em, row, found, 'found');
          return 'ok';
        }
      }
      fig.failed++;
      await this.refuse(em, row, exactText(e));
      if (!(e instanceof ExactError)) this.logger.error(`outbox ${row.id}: ${(e as Error)?.stack ?? e}`);
      return 'ok';
    }
  }
}

function valueOf(kind: OutboxKind, p: Record<string, unknown>): string {
  if (kind === 'shop_order_dates') return `${p.start}..${p.end}`;
  if (kind === 'sales_order_delivery') return String(p.date);
  return `${p.order}:${p.status}:${p.code}`;
}

function day(v: Date | string | null | undefined): string | null {
  if (!v) return null;
  return (v instanceof Date ? v.toISOString() : String(v)).slice(0, 10);
}
