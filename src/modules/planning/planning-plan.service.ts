import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';

/**
 * The planning module's planning side: what the board reads (resources, planned and unplanned cards and
 * activities, schedules, leave) and the one way a plan changes (`move`). Other modules plan only through this
 * service. Reads are single SQL statements (the board shows thousands of cells); a move is one short transaction
 * that locks the card row, so two planners moving the same card are serialised and the second sees a newer version.
 */

export type PlanItemKind = 'activity' | 'card';

export interface PlanResourceRow {
  id: number;
  kind: 'employee' | 'machine';
  code: string | null;
  name: string;
  group: string | null;
  /** Exact leads the schedule (Schedule option on) */
  exactSchedule: boolean;
  /** Koppel's own hours per weekday, Monday first (null = none kept) */
  weeklyHours: number[] | null;
}

/** A plannable thing on the board: an activity of a card, or a card that has no activities. */
export interface PlanItemRow {
  kind: PlanItemKind;
  id: number;
  cardId: number;
  cardKind: string;
  number: string | null;
  /** the activity's own description, or the card's */
  description: string | null;
  cardDescription: string | null;
  customer: string | null;
  warehouse: string | null;
  /** estimated hours (activities), null when unknown */
  hours: string | null;
  resourceId: number | null;
  start: string | null;
  end: string | null;
  /** delivery / receipt / closing date of the card */
  dueDate: string | null;
  /** the card's version: the base of a move (optimistic lock) */
  cardVersion: number;
  cardStatus: 'open' | 'archived';
}

export interface ScheduleRow { resourceId: number; from: string | null; to: string | null; weekHours: number[] }
export interface LeaveRow { resourceId: number; date: string; hours: string; kind: 'leave' | 'absence'; status: 'submitted' | 'approved' }

export interface ResourceFilter { kind?: 'employee' | 'machine'; group?: string; q?: string; ids?: number[] }
export interface UnplannedFilter { type?: string; customer?: string; warehouse?: string; dueBefore?: string; q?: string; limit: number }

export interface MoveInput {
  item: PlanItemKind;
  id: number;
  /** the card version the planner saw */
  version: number;
  /** null = back to the unplanned list */
  resourceId: number | null;
  start: string | null;
  end: string | null;
  /** the planner saw the leave warning and plans anyway */
  confirmLeave: boolean;
  by: string;
}

export interface Placement { resourceId: number | null; start: string | null; end: string | null }

export type MoveOutcome =
  | { outcome: 'moved'; item: PlanItemRow; cardId: number; before: Placement[]; after: Placement[]; wasPlanned: boolean }
  | { outcome: 'stale'; fresh: PlanItemRow | null }
  | { outcome: 'leave'; days: { date: string; kind: string; hours: string; status: string }[] }
  | { outcome: 'not_found' }
  | { outcome: 'unknown_resource' };

const ITEM_COLUMNS = `c.id as card_id, c.kind as card_kind, c.number, c.description as card_description,
  coalesce((select cu.name from customers cu where cu.id = c.customer_id), c.relation_name) as customer, c.warehouse_code as warehouse, c.due_date::text as due_date,
  c.version as card_version, c.status as card_status`;

/**
 * Activities of open cards, and open cards without activities, as one list of plan items. An activity's card (and
 * a card's customer) is looked up by its key per row found: the planner, misjudging how few activities a date range
 * of a few resources holds, would otherwise read all cards (and customers) to hash-join the few it needs.
 */
const ITEMS = `
  select 'activity' as kind, a.id, a.description, a.estimated_hours::text as hours, a.resource_id,
         a.planned_start::text as start, a.planned_end::text as "end", ${ITEM_COLUMNS}
    from plan_activity a cross join lateral (select * from plan_card pc where pc.id = a.card_id limit 1) c
   where a.status <> 'archived' and %ACTIVITY%
  union all
  select 'card' as kind, c.id, c.description, null as hours, c.resource_id,
         c.planned_start::text as start, c.planned_end::text as "end", ${ITEM_COLUMNS}
    from plan_card c
   where not exists (select 1 from plan_activity x where x.card_id = c.id and x.status <> 'archived') and %CARD%`;

type Raw = Record<string, unknown>;
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

function toItem(r: Raw): PlanItemRow {
  return {
    kind: r.kind as PlanItemKind,
    id: Number(r.id),
    cardId: Number(r.card_id),
    cardKind: String(r.card_kind),
    number: str(r.number),
    description: str(r.description),
    cardDescription: str(r.card_description),
    customer: str(r.customer),
    warehouse: str(r.warehouse),
    hours: str(r.hours),
    resourceId: r.resource_id === null || r.resource_id === undefined ? null : Number(r.resource_id),
    start: str(r.start),
    end: str(r.end),
    dueDate: str(r.due_date),
    cardVersion: Number(r.card_version),
    cardStatus: r.card_status as 'open' | 'archived',
  };
}

const UNPLANNED_ACTIVITY = `a.status <> 'archived' and (a.resource_id is null or a.planned_start is null)`;

function resourceWhere(filter: ResourceFilter): { where: string; params: unknown[] } {
  const where = ['active'];
  const params: unknown[] = [];
  if (filter.kind) { where.push('kind = ?'); params.push(filter.kind); }
  if (filter.group) { where.push('"group" = ?'); params.push(filter.group); }
  if (filter.q) { where.push(`(name ilike ? or code ilike ?)`); params.push(like(filter.q), like(filter.q)); }
  if (filter.ids) { where.push('id = any(?::int[])'); params.push(pgInts(filter.ids)); }
  return { where: where.join(' and '), params };
}

/** An array parameter as a PostgreSQL array literal (the query builder would spread a JS array into a list). */
const pgInts = (ids: number[]) => `{${ids.map((n) => Math.trunc(n)).join(',')}}`;

const like = (s: string) => `%${s.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

@Injectable()
export class PlanningPlanService {
  constructor(private readonly em: EntityManager) {}

  private sql(text: string, params: unknown[] = []): Promise<Raw[]> {
    return this.em.getConnection().execute(text, params);
  }

  /** Active resources, grouped (group, then kind and name), filtered; a page of them when `page` is given. */
  async resources(filter: ResourceFilter = {}, page?: { offset: number; limit: number }): Promise<PlanResourceRow[]> {
    const { where, params } = resourceWhere(filter);
    const paging = page ? ` limit ${Math.max(0, Math.trunc(page.limit))} offset ${Math.max(0, Math.trunc(page.offset))}` : '';
    const rows = await this.sql(
      `select id, kind, code, name, "group", exact_schedule, weekly_hours from plan_resource where ${where}
        order by "group" nulls last, kind, name, id${paging}`, params);
    return rows.map((r) => ({
      id: Number(r.id), kind: r.kind as 'employee' | 'machine', code: str(r.code), name: String(r.name), group: str(r.group),
      exactSchedule: Boolean(r.exact_schedule), weeklyHours: Array.isArray(r.weekly_hours) ? (r.weekly_hours as number[]).map(Number) : null,
    }));
  }

  async countResources(filter: ResourceFilter = {}): Promise<number> {
    const { where, params } = resourceWhere(filter);
    const [r] = await this.sql(`select count(*)::int as n from plan_resource where ${where}`, params);
    return Number(r.n);
  }

  /** The groups resources are in (for the filter). */
  async resourceGroups(): Promise<string[]> {
    const rows = await this.sql(`select distinct "group" from plan_resource where active and "group" is not null order by 1`);
    return rows.map((r) => String(r.group));
  }

  /** Plan items on these resources that overlap [from, to]. */
  async planned(resourceIds: number[], from: string, to: string): Promise<PlanItemRow[]> {
    if (!resourceIds.length) return [];
    const onBoard = (t: string) => `${t}.resource_id = any(?::int[]) and ${t}.planned_start <= ? and ${t}.planned_end >= ? and c.status = 'open'`;
    const text = ITEMS.replace('%ACTIVITY%', onBoard('a')).replace('%CARD%', onBoard('c')) + ' order by start, number, id';
    const rows = await this.sql(text, [pgInts(resourceIds), to, from, pgInts(resourceIds), to, from]);
    return rows.map(toItem);
  }

  /**
   * Open plan items that are not planned yet (no resource or no dates): the unplanned activities and unplanned
   * cards-without-activities of the first `limit` cards that have any, due first. `total` counts those cards
   * (capped at 200: the list says "200+"). Card-driven, so it walks the (status, due date) index and stops after `limit` cards.
   */
  async unplanned(filter: UnplannedFilter): Promise<{ items: PlanItemRow[]; total: number }> {
    const cond: string[] = [`c.status = 'open'`];
    const params: unknown[] = [];
    if (filter.type) { cond.push('c.kind = ?'); params.push(filter.type); }
    if (filter.customer) { cond.push('coalesce(cu.name, c.relation_name) ilike ?'); params.push(like(filter.customer)); }
    if (filter.warehouse) { cond.push('c.warehouse_code = ?'); params.push(filter.warehouse); }
    if (filter.dueBefore) { cond.push('c.due_date <= ?'); params.push(filter.dueBefore); }
    if (filter.q) { cond.push(`(c.number ilike ? or c.description ilike ? or coalesce(cu.name, c.relation_name) ilike ?)`); params.push(like(filter.q), like(filter.q), like(filter.q)); }
    const hasWork = `(exists (select 1 from plan_activity a where a.card_id = c.id and ${UNPLANNED_ACTIVITY})
      or ((c.resource_id is null or c.planned_start is null) and not exists (select 1 from plan_activity x where x.card_id = c.id and x.status <> 'archived')))`;
    const from = `from plan_card c left join customers cu on cu.id = c.customer_id where ${cond.join(' and ')} and ${hasWork}`;
    const [cards, count] = await Promise.all([
      this.sql(`select c.id ${from} order by c.due_date nulls last, c.id limit ?`, [...params, filter.limit]),
      this.sql(`select count(*)::int as n from (select 1 ${from} limit 200) x`, params),
    ]);
    if (!cards.length) return { items: [], total: Number(count[0]?.n ?? 0) };
    const ids = pgInts(cards.map((r) => Number(r.id)));
    const text = ITEMS
      .replace('%ACTIVITY%', `a.card_id = any(?::int[]) and ${UNPLANNED_ACTIVITY}`)
      .replace('%CARD%', `c.id = any(?::int[]) and (c.resource_id is null or c.planned_start is null)`);
    const rows = await this.sql(`select * from (${text}) u order by due_date nulls last, card_id, kind, id`, [ids, ids]);
    return { items: rows.map(toItem), total: Number(count[0]?.n ?? 0) };
  }

  item(kind: PlanItemKind, id: number): Promise<PlanItemRow | null> {
    return this.itemIn((text, params = []) => this.sql(text, params), kind, id);
  }

  /** The Exact schedules of these resources that overlap [from, to]. */
  async schedules(resourceIds: number[], from: string, to: string): Promise<ScheduleRow[]> {
    if (!resourceIds.length) return [];
    const rows = await this.sql(
      `select resource_id, from_date::text as f, to_date::text as t, week_hours from resource_schedule_entry
        where resource_id = any(?::int[]) and from_date <= ? and (to_date is null or to_date >= ?) and main
        order by resource_id, from_date`, [pgInts(resourceIds), to, from]);
    return rows.map((r) => ({ resourceId: Number(r.resource_id), from: str(r.f), to: str(r.t), weekHours: (r.week_hours as number[]).map(Number) }));
  }

  async leave(resourceIds: number[], from: string, to: string): Promise<LeaveRow[]> {
    if (!resourceIds.length) return [];
    const rows = await this.sql(
      `select resource_id, date::text as d, hours::text as h, kind, status from resource_leave
        where resource_id = any(?::int[]) and date between ? and ? order by resource_id, date`, [pgInts(resourceIds), from, to]);
    return rows.map((r) => ({ resourceId: Number(r.resource_id), date: String(r.d), hours: String(r.h), kind: r.kind as 'leave' | 'absence', status: r.status as 'submitted' | 'approved' }));
  }

  /**
   * A fingerprint of everything the board shows: the latest updated_at of cards, activities, resources, leave and
   * schedules. Every change to them sets updated_at (the ORM does on flush; SQL writers must too); planning data is
   * archived, not deleted. The board polls it.
   */
  async changeStamp(): Promise<string> {
    // each a backward walk of an updated_at index (migration PlanningBoard): no table is scanned
    const last = (table: string) => `(select coalesce(extract(epoch from max(updated_at)), 0) from ${table})`;
    const [r] = await this.sql(`select concat_ws('.', ${['plan_card', 'plan_activity', 'plan_resource', 'resource_leave', 'resource_schedule_entry'].map(last).join(', ')}) as stamp`);
    return String(r.stamp);
  }

  /**
   * Plans an activity or a card-without-activities on a resource from start to end (or takes it off the board
   * when resourceId is null). Refused when the card changed since the planner saw it (version), when the card has
   * left the board (archived), and — unless confirmed — when the resource has leave or absence on those days.
   * A card's planned dates follow its activities (first start, last end).
   */
  async move(input: MoveInput): Promise<MoveOutcome> {
    return this.em.transactional(async (tem) => {
      const conn = tem.getConnection();
      const ctx = tem.getTransactionContext();
      const q = (text: string, params: unknown[] = []) => conn.execute(text, params, 'all', ctx) as Promise<Raw[]>;
      // the card, locked: moves of one card are serialised, and the version is checked under the lock; in the same
      // round trip, whether the resource exists and its leave on those days (neither is guarded by the card's lock)
      const checks = input.resourceId === null ? 'true as ok, null as leave' : `exists (select 1 from plan_resource where id = ? and active) as ok,
            (select json_agg(json_build_object('date', date::text, 'kind', kind, 'hours', hours::text, 'status', status) order by date)
               from resource_leave where ? and resource_id = ? and date between ? and ? and hours > 0) as leave`;
      const checkParams = input.resourceId === null ? [] : [input.resourceId, !input.confirmLeave, input.resourceId, input.start, input.end];
      const [card] = input.item === 'card'
        ? await q(`select id, version, status, ${checks} from plan_card where id = ? for update`, [...checkParams, input.id])
        : await q(`select c.id, c.version, c.status, ${checks} from plan_card c where c.id = (select card_id from plan_activity where id = ? and status <> 'archived') for update of c`, [...checkParams, input.id]);
      if (!card) return { outcome: 'not_found' as const };
      const cardId = Number(card.id);
      if (Number(card.version) !== input.version || card.status !== 'open') {
        return { outcome: 'stale' as const, fresh: await this.itemIn(q, input.item, input.id) };
      }
      if (!card.ok) return { outcome: 'unknown_resource' as const };
      const days = (card.leave ?? []) as { date: string; kind: string; hours: string; status: string }[];
      if (days.length) return { outcome: 'leave' as const, days };
      // where the card's items are now (the moved one marked), and so where they will be
      const rows = await q(`select 'activity' as kind, id, resource_id, planned_start::text as s, planned_end::text as e from plan_activity where card_id = ? and status <> 'archived'
        union all select 'card', id, resource_id, planned_start::text, planned_end::text from plan_card c where c.id = ?
          and not exists (select 1 from plan_activity x where x.card_id = c.id and x.status <> 'archived')`, [cardId, cardId]);
      const isMoved = (r: Raw) => r.kind === input.item && Number(r.id) === input.id;
      const previous = rows.find(isMoved);
      if (!previous) return { outcome: 'not_found' as const };
      const placement = (r: Raw): Placement => ({ resourceId: r.resource_id === null ? null : Number(r.resource_id), start: str(r.s), end: str(r.e) });
      const [start, end] = input.resourceId === null ? [null, null] : [input.start, input.end];
      const before = rows.map(placement);
      const after = rows.map((r) => (isMoved(r) ? { resourceId: input.resourceId, start, end } : placement(r)));
      const changes = {
        resource: [previous.resource_id ?? null, input.resourceId],
        plannedStart: [previous.s ?? null, start],
        plannedEnd: [previous.e ?? null, end],
        ...(input.item === 'activity' ? { activity: [input.id, input.id] } : {}),
      };
      // the card's change and its history event in one statement (a WITH's update always runs to completion)
      const event = `insert into plan_card_event (card_id, source, action, changes, "by", created_at, updated_at) values (?, 'koppel', 'planned', ?, ?, now(), now())`;
      const eventParams = [cardId, JSON.stringify(changes), input.by.slice(0, 120)];
      if (input.item === 'activity') {
        await q(`update plan_activity set resource_id = ?, planned_start = ?, planned_end = ?, version = version + 1, updated_at = now() where id = ?`,
          [input.resourceId, start, end, input.id]);
        // the card's dates follow its activities
        await q(`with card as (update plan_card c set planned_start = p.s, planned_end = p.e, version = version + 1, updated_at = now()
          from (select min(planned_start) as s, max(planned_end) as e from plan_activity where card_id = ? and status <> 'archived' and resource_id is not null) p
          where c.id = ?) ${event}`, [cardId, cardId, ...eventParams]);
      } else {
        await q(`with card as (update plan_card set resource_id = ?, planned_start = ?, planned_end = ?, version = version + 1, updated_at = now() where id = ?) ${event}`,
          [input.resourceId, start, end, cardId, ...eventParams]);
      }
      const item = await this.itemIn(q, input.item, input.id);
      const wasPlanned = previous.resource_id !== null && previous.s !== null;
      return { outcome: 'moved' as const, item: item!, cardId, before, after, wasPlanned };
    });
  }

  private async itemIn(q: (text: string, params?: unknown[]) => Promise<Raw[]>, kind: PlanItemKind, id: number): Promise<PlanItemRow | null> {
    const text = kind === 'activity'
      ? ITEMS.split('union all')[0].replace('%ACTIVITY%', 'a.id = ?')
      : ITEMS.split('union all')[1].replace('%CARD%', 'c.id = ?');
    const rows = await q(text, [id]);
    return rows[0] ? toItem(rows[0]) : null;
  }
}
