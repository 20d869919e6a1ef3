import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { PG_POOL } from '../../database/pg-pool.js';

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

/** What the board draws in one read: a page of resources, their cells' data over [from, to], and optionally more. */
export interface CellsRequest {
  filter: ResourceFilter;
  page?: { offset: number; limit: number };
  from: string;
  to: string;
  /** the side list too */
  unplanned?: UnplannedFilter;
  /** the resource groups (for the filter) too */
  groups?: boolean;
  /** the name of this resource too (wherever it is) */
  nameOf?: number | null;
}

export interface Cells {
  resources: PlanResourceRow[];
  /** resources that match the filter (all pages) */
  total: number;
  /** any active resource at all */
  anyResources: boolean;
  /** plan items on these resources that overlap [from, to] */
  items: PlanItemRow[];
  /** schedules and leave of these resources over the span of those items (a booking spreads over its whole range) */
  schedules: ScheduleRow[];
  leave: LeaveRow[];
  /** change stamp read in the same snapshot as the rest */
  stamp: string;
  unplanned: { items: PlanItemRow[]; total: number } | null;
  groups: string[] | null;
  name: string | null;
}

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

/**
 * A card with something to plan: an unplanned activity, or no activities and itself unplanned. Scalar probes (one
 * index look-up per card) rather than EXISTS, which PostgreSQL turns into a hash of every unplanned activity first:
 * the list walks cards due first and stops after a few dozen.
 */
const HAS_WORK = `(coalesce((select true from plan_activity a where a.card_id = c.id and ${UNPLANNED_ACTIVITY} limit 1), false)
  or ((c.resource_id is null or c.planned_start is null)
      and not coalesce((select true from plan_activity x where x.card_id = c.id and x.status <> 'archived' limit 1), false)))`;

/** The change stamp (see `changeStamp`): each a backward walk of an updated_at index (migration PlanningBoard), no table is scanned. */
const STAMP = `concat_ws('.', ${['plan_card', 'plan_activity', 'plan_resource', 'resource_leave', 'resource_schedule_entry']
  .map((table) => `(select coalesce(extract(epoch from max(updated_at)), 0) from ${table})`).join(', ')})`;

/** Collects the parameters of a statement ($1, $2 …) in the order its text names them. */
class Params {
  readonly list: unknown[] = [];
  /** a placeholder for v */
  p(v: unknown): string {
    this.list.push(v);
    return `$${this.list.length}`;
  }
}

/** The name a statement is prepared under (by its text: each shape of the board's statements is planned once per connection). */
const statementNames = new Map<string, string>();
const statementName = (text: string) => {
  let name = statementNames.get(text);
  if (!name) statementNames.set(text, (name = `plan-${createHash('sha1').update(text).digest('hex').slice(0, 20)}`));
  return name;
};

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

/** The side list as two columns of a select: `unplanned_total` (capped at 200) and `unplanned_items` (json). */
function unplannedColumns(filter: UnplannedFilter, ps: Params): string {
  const cards = () => {
    const cond: string[] = [`c.status = 'open'`];
    if (filter.type) cond.push(`c.kind = ${ps.p(filter.type)}`);
    if (filter.customer) cond.push(`coalesce(cu.name, c.relation_name) ilike ${ps.p(like(filter.customer))}`);
    if (filter.warehouse) cond.push(`c.warehouse_code = ${ps.p(filter.warehouse)}`);
    if (filter.dueBefore) cond.push(`c.due_date <= ${ps.p(filter.dueBefore)}`);
    if (filter.q) {
      const q = like(filter.q);
      cond.push(`(c.number ilike ${ps.p(q)} or c.description ilike ${ps.p(q)} or coalesce(cu.name, c.relation_name) ilike ${ps.p(q)})`);
    }
    return `from plan_card c left join customers cu on cu.id = c.customer_id where ${cond.join(' and ')} and ${HAS_WORK}`;
  };
  const total = `(select count(*)::int from (select 1 ${cards()} limit 200) x) as unplanned_total`;
  // the limit as a number in the text: a prepared plan must know it walks only the first few cards
  const first = `select c.id ${cards()} order by c.due_date nulls last, c.id limit ${Math.max(1, Math.trunc(filter.limit))}`;
  const items = ITEMS
    .replace('%ACTIVITY%', `a.card_id in (select id from uc) and ${UNPLANNED_ACTIVITY}`)
    .replace('%CARD%', `c.id in (select id from uc) and (c.resource_id is null or c.planned_start is null)`);
  return `${total}, (select coalesce(json_agg(u order by u.due_date nulls last, u.card_id, u.kind, u.id), '[]')
    from (with uc as materialized (${first}) ${items}) u) as unplanned_items`;
}

function unplannedOf(r: Raw): { items: PlanItemRow[]; total: number } {
  return { items: (r.unplanned_items as Raw[]).map(toItem), total: Number(r.unplanned_total ?? 0) };
}

/** One plan item by its id (an activity, or a card without activities). */
function itemSql(kind: PlanItemKind, ps: Params, id: number): string {
  return kind === 'activity'
    ? ITEMS.split('union all')[0].replace('%ACTIVITY%', `a.id = ${ps.p(id)}`)
    : ITEMS.split('union all')[1].replace('%CARD%', `c.id = ${ps.p(id)}`);
}

function toResource(r: Raw): PlanResourceRow {
  return {
    id: Number(r.id), kind: r.kind as 'employee' | 'machine', code: str(r.code), name: String(r.name), group: str(r.group),
    exactSchedule: Boolean(r.exact_schedule), weeklyHours: Array.isArray(r.weekly_hours) ? (r.weekly_hours as number[]).map(Number) : null,
  };
}

@Injectable()
export class PlanningPlanService {
  constructor(
    private readonly em: EntityManager,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
  ) {}

  private sql(text: string, params: unknown[] = []): Promise<Raw[]> {
    return this.em.getConnection().execute(text, params);
  }

  /**
   * The board's reads and the move: named prepared statements, so PostgreSQL plans each shape once per connection
   * instead of on every request (planning these statements took longer than running them). Parameters as $n.
   */
  private async prepared(text: string, ps: Params): Promise<Raw[]> {
    const res = await this.pool.query<Raw>({ name: statementName(text), text, values: ps.list });
    return res.rows;
  }

  /** Active resources, grouped (group, then kind and name), filtered; a page of them when `page` is given. */
  async resources(filter: ResourceFilter = {}, page?: { offset: number; limit: number }): Promise<PlanResourceRow[]> {
    const { where, params } = resourceWhere(filter);
    const paging = page ? ` limit ${Math.max(0, Math.trunc(page.limit))} offset ${Math.max(0, Math.trunc(page.offset))}` : '';
    const rows = await this.sql(
      `select id, kind, code, name, "group", exact_schedule, weekly_hours from plan_resource where ${where}
        order by "group" nulls last, kind, name, id${paging}`, params);
    return rows.map(toResource);
  }

  /**
   * Everything the board draws of a page of resources, in one statement (one snapshot, one round trip): the resources,
   * how many match, their plan items over [from, to], their schedules and leave over the span of those items, the
   * change stamp; and when asked, the side list, the resource groups and the name of one resource.
   */
  async cells(req: CellsRequest): Promise<Cells> {
    const ps = new Params();
    const where = () => {
      const { where: w, params } = resourceWhere(req.filter);
      let i = 0;
      return w.replace(/\?/g, () => ps.p(params[i++]));
    };
    const paging = req.page ? ` limit ${Math.max(0, Math.trunc(req.page.limit))} offset ${Math.max(0, Math.trunc(req.page.offset))}` : '';
    const onBoard = (t: string) => `${t}.resource_id = any(array(select id from r)) and ${t}.planned_start <= ${ps.p(req.to)} and ${t}.planned_end >= ${ps.p(req.from)} and c.status = 'open'`;
    const text = `with r as materialized (
        select id, kind, code, name, "group", exact_schedule, weekly_hours from plan_resource where ${where()}
         order by "group" nulls last, kind, name, id${paging}),
      it as materialized (${ITEMS.replace('%ACTIVITY%', onBoard('a')).replace('%CARD%', onBoard('c'))}),
      span as materialized (select least(${ps.p(req.from)}::date, min(start)::date) as f, greatest(${ps.p(req.to)}::date, max("end")::date) as t from it)
      select (select count(*)::int from plan_resource where ${where()}) as total,
        exists (select 1 from plan_resource where active) as any_resources,
        (select coalesce(json_agg(r order by "group" nulls last, kind, name, id), '[]') from r) as resources,
        (select coalesce(json_agg(it order by start, number, id), '[]') from it) as items,
        (select coalesce(json_agg(json_build_object('resourceId', s.resource_id, 'from', s.from_date::text, 'to', s.to_date::text, 'weekHours', s.week_hours)
                 order by s.resource_id, s.from_date), '[]')
           from resource_schedule_entry s, span
          where s.resource_id = any(array(select id from r)) and s.main and s.from_date <= span.t and (s.to_date is null or s.to_date >= span.f)) as schedules,
        (select coalesce(json_agg(json_build_object('resourceId', l.resource_id, 'date', l.date::text, 'hours', l.hours::text, 'kind', l.kind, 'status', l.status)
                 order by l.resource_id, l.date), '[]')
           from resource_leave l, span where l.resource_id = any(array(select id from r)) and l.date between span.f and span.t) as leave,
        ${STAMP} as stamp
        ${req.unplanned ? `, ${unplannedColumns(req.unplanned, ps)}` : ''}
        ${req.groups ? `, (select coalesce(json_agg("group" order by "group"), '[]') from (select distinct "group" from plan_resource where active and "group" is not null) g) as groups` : ''}
        ${req.nameOf ? `, (select name from plan_resource where id = ${ps.p(req.nameOf)}) as name` : ''}`;
    const [r] = await this.prepared(text, ps);
    return {
      resources: (r.resources as Raw[]).map(toResource),
      total: Number(r.total),
      anyResources: Boolean(r.any_resources),
      items: (r.items as Raw[]).map(toItem),
      schedules: (r.schedules as Raw[]).map((x) => ({ resourceId: Number(x.resourceId), from: str(x.from), to: str(x.to), weekHours: (x.weekHours as number[]).map(Number) })),
      leave: (r.leave as Raw[]).map((x) => ({ resourceId: Number(x.resourceId), date: String(x.date), hours: String(x.hours), kind: x.kind as LeaveRow['kind'], status: x.status as LeaveRow['status'] })),
      stamp: String(r.stamp),
      unplanned: req.unplanned ? unplannedOf(r) : null,
      groups: req.groups ? (r.groups as string[]).map(String) : null,
      name: req.nameOf ? str(r.name) : null,
    };
  }

  /**
   * Open plan items that are not planned yet (no resource or no dates): the unplanned activities and unplanned
   * cards-without-activities of the first `limit` cards that have any, due first. `total` counts those cards
   * (capped at 200: the list says "200+"). Card-driven, so it walks the (status, due date) index and stops after `limit` cards.
   */
  async unplanned(filter: UnplannedFilter): Promise<{ items: PlanItemRow[]; total: number }> {
    const ps = new Params();
    const [r] = await this.prepared(`select ${unplannedColumns(filter, ps)}`, ps);
    return unplannedOf(r);
  }

  /**
   * A fingerprint of everything the board shows: the latest updated_at of cards, activities, resources, leave and
   * schedules. Every change to them sets updated_at (the ORM does on flush; SQL writers must too); planning data is
   * archived, not deleted. The board polls it.
   */
  async changeStamp(): Promise<string> {
    const [r] = await this.sql(`select ${STAMP} as stamp`);
    return String(r.stamp);
  }

  /**
   * Plans an activity or a card-without-activities on a resource from start to end (or takes it off the board
   * when resourceId is null). Refused when the card changed since the planner saw it (version), when the card has
   * left the board (archived), and — unless confirmed — when the resource has leave or absence on those days.
   * A card's planned dates follow its activities (first start, last end).
   *
   * One statement (atomic on its own, one round trip): it locks the card row (moves of one card are serialised: the
   * second waits and then sees the newer version, so it is refused), checks the version, the resource and its leave,
   * and only when all hold updates the item and the card and writes the card's history event; it returns what it saw.
   * A card row that changed after the statement began (a concurrent writer it waited for) counts as changed too, so
   * nothing is written on what the statement's own snapshot no longer shows.
   */
  async move(input: MoveInput): Promise<MoveOutcome> {
    const ps = new Params();
    const p = (v: unknown) => ps.p(v);
    const activity = input.item === 'activity';
    const [start, end] = input.resourceId === null ? [null, null] : [input.start, input.end];
    const text = `with card as (
        select c.id, c.version, c.status, c.xmin::text as xmin from plan_card c
         where c.id = ${activity ? `(select card_id from plan_activity where id = ${p(input.id)} and status <> 'archived')` : p(input.id)}
         for update of c),
      seen as (select xmin::text as xmin from plan_card where id = (select id from card)),
      place as (
        select 'activity' as kind, id, resource_id, planned_start::text as s, planned_end::text as e from plan_activity
         where card_id = (select id from card) and status <> 'archived'
        union all
        select 'card', c.id, c.resource_id, c.planned_start::text, c.planned_end::text from plan_card c
         where c.id = (select id from card) and not exists (select 1 from plan_activity x where x.card_id = c.id and x.status <> 'archived')),
      moved as (select * from place where kind = ${p(input.item)} and id = ${p(input.id)}),
      chk as (
        select card.id, card.version, card.status,
               card.version = ${p(input.version)} and card.status = 'open' and card.xmin = (select xmin from seen) as fresh,
               ${input.resourceId === null ? 'true' : `exists (select 1 from plan_resource where id = ${p(input.resourceId)} and active)`} as ok,
               ${input.resourceId === null || input.confirmLeave ? 'null::json' : `(select json_agg(json_build_object('date', date::text, 'kind', kind, 'hours', hours::text, 'status', status) order by date)
                  from resource_leave where resource_id = ${p(input.resourceId)} and date between ${p(start)} and ${p(end)} and hours > 0)`} as leave,
               exists (select 1 from moved) as found
          from card),
      go as (select id from chk where fresh and ok and leave is null and found),
      ${activity ? `act as (
        update plan_activity set resource_id = ${p(input.resourceId)}, planned_start = ${p(start)}, planned_end = ${p(end)}, version = version + 1, updated_at = now()
         where id = ${p(input.id)} and exists (select 1 from go) returning id),
      upd as (
        -- the card's dates follow its activities: the others as they are, the moved one where it goes
        update plan_card c set planned_start = p.s, planned_end = p.e, version = c.version + 1, updated_at = now()
          from (select min(s) as s, max(e) as e from (
                  select planned_start as s, planned_end as e from plan_activity
                   where card_id = (select id from go) and status <> 'archived' and resource_id is not null and id <> ${p(input.id)}
                  union all select ${p(start)}::date, ${p(end)}::date where ${p(input.resourceId)}::int is not null) q) p
         where c.id = (select id from go) returning c.id),` : `upd as (
        update plan_card set resource_id = ${p(input.resourceId)}, planned_start = ${p(start)}, planned_end = ${p(end)}, version = version + 1, updated_at = now()
         where id = (select id from go) returning id),`}
      event as (
        insert into plan_card_event (card_id, source, action, changes, "by", created_at, updated_at)
        select go.id, 'koppel', 'planned', json_build_object(
                 'resource', json_build_array(m.resource_id, ${p(input.resourceId)}::int),
                 'plannedStart', json_build_array(m.s, ${p(start)}::text),
                 'plannedEnd', json_build_array(m.e, ${p(end)}::text)${activity ? `,
                 'activity', json_build_array(${p(input.id)}::int, ${p(input.id)}::int)` : ''}),
               ${p(input.by.slice(0, 120))}, now(), now()
          from go, moved m returning id)
      select chk.*, (select coalesce(json_agg(place), '[]') from place) as placements,
             (select row_to_json(i) from (${itemSql(input.item, ps, input.id)}) i) as item,
             (select count(*) from upd)::int + (select count(*) from event)::int as writes
        from chk`;
    const [card] = await this.prepared(text, ps);
    if (!card) return { outcome: 'not_found' };
    // the fresh card as it is now (not as this statement's snapshot saw it)
    if (!card.fresh) return { outcome: 'stale', fresh: await this.item(input.item, input.id) };
    if (!card.ok) return { outcome: 'unknown_resource' };
    if (card.leave) return { outcome: 'leave', days: card.leave as { date: string; kind: string; hours: string; status: string }[] };
    if (!card.found || !card.item) return { outcome: 'not_found' };
    if (Number(card.writes) !== 2) throw new Error(`plan move of ${input.item} ${input.id}: ${String(card.writes)} of 2 writes`);
    const rows = card.placements as Raw[];
    const isMoved = (r: Raw) => r.kind === input.item && Number(r.id) === input.id;
    const previous = rows.find(isMoved)!;
    const placement = (r: Raw): Placement => ({ resourceId: r.resource_id === null ? null : Number(r.resource_id), start: str(r.s), end: str(r.e) });
    const before = rows.map(placement);
    const after = rows.map((r) => (isMoved(r) ? { resourceId: input.resourceId, start, end } : placement(r)));
    // the item as the statement left it: where it went, and the card's new version
    const item = { ...toItem(card.item as Raw), resourceId: input.resourceId, start, end, cardVersion: Number(card.version) + 1 };
    const wasPlanned = previous.resource_id !== null && previous.s !== null;
    return { outcome: 'moved', item, cardId: Number(card.id), before, after, wasPlanned };
  }

  item(kind: PlanItemKind, id: number): Promise<PlanItemRow | null> {
    const ps = new Params();
    return this.prepared(itemSql(kind, ps, id), ps).then((rows) => (rows[0] ? toItem(rows[0]) : null));
  }
}
