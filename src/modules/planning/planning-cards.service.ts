import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { ExactClient } from '../../exact/exact.client.js';
import { planningApi } from '../../exact/planning.resources.js';
import { Clock } from '../../common/clock.js';
import { NotFoundError } from '../../common/errors.js';
import { isIsoDate, toInt } from '../../common/validation.js';
import { CARD_SEARCH_EXPR, PLAN_CARD_KINDS, type PlanCardKind } from './plan-card.entity.js';

/** The Cards list counts this far (beyond: "more than …"). */
export const COUNT_CAP = 10_000;
import { PLAN_RESOURCE_KINDS, type PlanResourceKind } from './plan-resource.entity.js';
import type { PlanningEntitySummary } from './planning-settings.entity.js';
import { CardPageRegistry } from './planning.types.js';
import type { CurrentUser } from '../auth/current-user.js';

export const CARD_SORTS = ['due', 'number', 'updated'] as const;
export type CardSort = (typeof CARD_SORTS)[number];

export interface CardFilter {
  kind?: PlanCardKind;
  status: 'open' | 'archived' | 'all';
  customer?: number;
  warehouse?: string;
  from?: string;
  to?: string;
  q?: string;
  division?: number;
  sort: CardSort;
  dir: 'asc' | 'desc';
  /** keyset: the sort value and id of the last row of the previous page */
  after?: string;
  size: number;
}

export interface CardRow {
  id: number;
  division: number;
  kind: PlanCardKind;
  number: string | null;
  description: string | null;
  relation_name: string | null;
  customer_id: number | null;
  warehouse_code: string | null;
  due_date: string | null;
  planned_start: string | null;
  planned_end: string | null;
  status: string;
  archived_reason: string | null;
  activities: number;
  hours: number | null;
  updated_at: Date;
}

/** plan_master.data of a relation (planning-master.feeds.ts). */
export interface RelationData {
  isCustomer?: boolean;
  isSupplier?: boolean;
  address?: { line1: string | null; line2: string | null; postcode: string | null; city: string | null; country: string | null };
  email?: string | null;
  phone?: string | null;
}

/** Sort expressions match the expression indexes of migration PlanningSync (null dates last, ids break ties). */
const SORT_EXPR: Record<CardSort, string> = {
  due: "coalesce(c.due_date, '9999-12-31'::date)",
  number: "coalesce(c.number, '')",
  updated: 'c.updated_at',
};

/** The plannable cards and resources as screens read them: filters, search, keyset paging (fast at 100 000 cards). */
@Injectable()
export class PlanningCardsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly client: ExactClient,
    private readonly clock: Clock,
    private readonly pages: CardPageRegistry,
  ) {}

  today(): string {
    return this.clock.now().toISOString().slice(0, 10);
  }

  parseFilter(raw: Record<string, unknown>): CardFilter {
    const s = (v: unknown, max = 60) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : undefined);
    const kind = (PLAN_CARD_KINDS as readonly string[]).includes(String(raw.kind)) ? (raw.kind as PlanCardKind) : undefined;
    const status = raw.status === 'archived' || raw.status === 'all' ? raw.status : 'open';
    const sort = (CARD_SORTS as readonly string[]).includes(String(raw.sort)) ? (raw.sort as CardSort) : 'due';
    const after = s(raw.after, 200);
    return {
      kind, status, customer: toInt(raw.customer), warehouse: s(raw.warehouse, 20), from: isIsoDate(raw.from) ? raw.from : undefined,
      to: isIsoDate(raw.to) ? raw.to : undefined, q: s(raw.q, 100), division: toInt(raw.division), sort, dir: raw.dir === 'desc' ? 'desc' : 'asc',
      after: after && /^[A-Za-z0-9_-]+$/.test(after) ? after : undefined, size: 50,
    };
  }

  async list(f: CardFilter): Promise<{ rows: CardRow[]; next?: string; total: number; more: boolean }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.status !== 'all') (where.push('c.status = ?'), params.push(f.status));
    if (f.kind) (where.push('c.kind = ?'), params.push(f.kind));
    if (f.division) (where.push('c.division = ?'), params.push(f.division));
    if (f.customer) (where.push('c.customer_id = ?'), params.push(f.customer));
    if (f.warehouse) (where.push('c.warehouse_code = ?'), params.push(f.warehouse));
    if (f.from) (where.push('c.due_date >= ?::date'), params.push(f.from));
    if (f.to) (where.push('c.due_date <= ?::date'), params.push(f.to));
    if (f.q) {
      const like = `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      // one expression, served by the trigram index plan_card_search_trgm_index (number, description, relation, warehouse)
      where.push(`${CARD_SEARCH_EXPR.replace(/coalesce\((\w+),/g, 'coalesce(c.$1,')} ilike ?`);
      params.push(like);
    }
    const conn = this.orm.em.fork().getConnection();
    // counted up to COUNT_CAP: "more than 10 000" is all a planner needs, and it costs a few ms, not a pass over 100 000 cards
    const [{ n }] = await conn.execute<{ n: string }[]>(
      `select count(*)::text as n from (select 1 from plan_card c ${where.length ? `where ${where.join(' and ')}` : ''} limit ${COUNT_CAP + 1}) x`,
      params,
    );
    const expr = SORT_EXPR[f.sort];
    const op = f.dir === 'asc' ? '>' : '<';
    const page = [...where];
    const pageParams = [...params];
    const cursor = decodeAfter(f.after);
    if (cursor) {
      page.push(`(${expr}, c.id) ${op} (?::${f.sort === 'due' ? 'date' : f.sort === 'updated' ? 'timestamptz' : 'text'}, ?::int)`);
      pageParams.push(cursor.v, cursor.id);
    }
    const rows = await conn.execute<(CardRow & { sort_value: string })[]>(
      `select c.id, c.division, c.kind, c.number, c.description, c.relation_name, c.customer_id, c.warehouse_code,
              to_char(c.due_date, 'YYYY-MM-DD') as due_date, to_char(c.planned_start, 'YYYY-MM-DD') as planned_start,
              to_char(c.planned_end, 'YYYY-MM-DD') as planned_end, c.status, c.archived_reason, c.updated_at,
              (select count(*)::int from plan_activity a where a.card_id = c.id and a.status <> 'archived') as activities,
              (select sum(a.estimated_hours)::float8 from plan_activity a where a.card_id = c.id and a.status <> 'archived') as hours,
              (${f.sort === 'updated' ? `to_char(${expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` : `${expr}::text`}) as sort_value
         from plan_card c ${page.length ? `where ${page.join(' and ')}` : ''}
        order by ${expr} ${f.dir}, c.id ${f.dir} limit ${f.size + 1}`,
      pageParams,
    );
    const more = rows.length > f.size;
    const shown = rows.slice(0, f.size);
    const last = shown[shown.length - 1];
    return { rows: shown, total: Math.min(Number(n), COUNT_CAP), more: Number(n) > COUNT_CAP, next: more && last ? encodeAfter(last.sort_value, last.id) : undefined };
  }

  /** The Cards screen: its filter, one page and the filter choices. */
  async listPage(raw: Record<string, unknown>) {
    const filter = this.parseFilter(raw);
    const [page, choices, status] = await Promise.all([this.list(filter), this.choices(), this.syncStatus()]);
    return { filter, page, choices, status };
  }

  /** A card's page: the card, and what other modules show on it (CardPageRegistry). */
  async cardPage(id: number, user: CurrentUser | undefined) {
    const [d, sections] = await Promise.all([this.card(id), this.pages.detailValues(id, user)]);
    return { ...d, sections };
  }

  async card(id: number) {
    const conn = this.orm.em.fork().getConnection();
    const [card] = await conn.execute<Record<string, unknown>[]>(
      `select c.*, to_char(c.due_date, 'YYYY-MM-DD') as due, to_char(c.exact_start_date, 'YYYY-MM-DD') as exact_start,
              to_char(c.planned_start, 'YYYY-MM-DD') as planned_from, to_char(c.planned_end, 'YYYY-MM-DD') as planned_to,
              c.quantity::float8 as qty, cu.name as customer_name, r.name as resource_name
         from plan_card c left join customers cu on cu.id = c.customer_id left join plan_resource r on r.id = c.resource_id where c.id = ?`,
      [id],
    );
    if (!card) throw new NotFoundError('Card');
    const activities = await conn.execute<Record<string, unknown>[]>(
      `select a.id, a.kind, a.exact_id, a.code, a.description, a.workcenter_code, a.estimated_hours::float8 as estimated_hours, a.setup_hours::float8 as setup_hours,
              a.run_hours::float8 as run_hours, to_char(a.exact_start_date, 'YYYY-MM-DD') as exact_start, to_char(a.exact_end_date, 'YYYY-MM-DD') as exact_end,
              to_char(a.planned_start, 'YYYY-MM-DD') as planned_from, to_char(a.planned_end, 'YYYY-MM-DD') as planned_to, a.status, r.name as resource_name
         from plan_activity a left join plan_resource r on r.id = a.resource_id where a.card_id = ? order by a.sequence, a.id`,
      [id],
    );
    const related = (card.related as { kind: string; exactId: string; number?: string }[]) ?? [];
    const relatedCards = related.length
      ? await conn.execute<{ id: number; kind: string; exact_id: string; number: string | null }[]>(
          `select id, kind, exact_id, number from plan_card where division = ? and exact_id in (select jsonb_array_elements_text(?::jsonb))`,
          [card.division, JSON.stringify(related.map((r) => r.exactId))],
        )
      : [];
    // cards made for this one (shop orders of a sales order)
    const madeFor = await conn.execute<{ id: number; kind: string; number: string | null }[]>(
      `select id, kind, number from plan_card where division = ? and related @> jsonb_build_array(jsonb_build_object('exactId', ?::text)) order by id limit 50`,
      [card.division, card.exact_id],
    );
    const events = await conn.execute<{ id: number; source: string; action: string; changes: Record<string, [unknown, unknown]> | null; created_at: Date }[]>(
      'select id, source, action, changes, created_at from plan_card_event where card_id = ? order by id desc limit 50',
      [id],
    );
    const exactUrl = planningApi(this.client, Number(card.division)).recordUrl(String(card.kind), String(card.exact_id)) ?? '';
    // the customer or supplier as master data (SalesRelation / PurchaseRelation): address and contact details
    const [relation] = card.relation_exact_id
      ? await conn.execute<{ code: string | null; name: string | null; data: RelationData | null }[]>(
          `select code, name, data from plan_master where division = ? and kind = 'relation' and exact_id = ?`,
          [card.division, card.relation_exact_id],
        )
      : [];
    return { card, activities, related, relatedCards, madeFor, events, exactUrl, relation: relation ?? null };
  }

  /** Where the planning sync stands per division and entity (shown under the cards, for everyone who plans). */
  async syncStatus() {
    return this.orm.em.fork().getConnection().execute<{ division: number; state: string; first_import_at: Date | null; summaries: Record<string, PlanningEntitySummary> }[]>(
      'select division, state, first_import_at, summaries from planning_settings where active_options is not null order by division',
    );
  }

  /** The warehouses and divisions that occur on cards (filter choices). */
  async choices(): Promise<{ warehouses: { code: string; name: string | null }[]; divisions: number[] }> {
    const conn = this.orm.em.fork().getConnection();
    // the warehouse codes from Exact (option Warehouse) with their names, and any other code that occurs on cards
    // (a loose index scan over plan_card(warehouse_code): a few index probes, not a pass over 100 000 cards)
    const w = await conn.execute<{ code: string; name: string | null }[]>(
      `with recursive onCards(code) as (
         (select warehouse_code from plan_card where warehouse_code is not null order by warehouse_code limit 1)
         union all
         select (select warehouse_code from plan_card where warehouse_code > onCards.code order by warehouse_code limit 1) from onCards where onCards.code is not null
       )
       select code, min(name) as name from (
         select code, name from plan_master where kind = 'warehouse' and code is not null
         union all select code, null from onCards where code is not null
       ) x group by code order by code limit 200`,
    );
    const d = await conn.execute<{ v: number }[]>('select division as v from planning_settings where active_options is not null order by 1');
    return { warehouses: w.map((x) => ({ code: x.code, name: x.name })), divisions: d.map((x) => Number(x.v)) };
  }

  async resources(raw: Record<string, unknown>) {
    const kind = (PLAN_RESOURCE_KINDS as readonly string[]).includes(String(raw.kind)) ? (raw.kind as PlanResourceKind) : undefined;
    const active = raw.active === 'all' ? 'all' : raw.active === 'inactive' ? 'inactive' : 'active';
    const q = typeof raw.q === 'string' && raw.q.trim() ? raw.q.trim().slice(0, 100) : undefined;
    const sort = raw.sort === 'code' || raw.sort === 'group' || raw.sort === 'kind' ? raw.sort : 'name';
    const dir = raw.dir === 'desc' ? 'desc' : 'asc';
    const where: string[] = [];
    const params: unknown[] = [];
    if (kind) (where.push('r.kind = ?'), params.push(kind));
    if (active !== 'all') where.push(active === 'active' ? 'r.active' : 'not r.active');
    if (q) {
      const like = `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      where.push('(r.name ilike ? or r.code ilike ? or r."group" ilike ?)');
      params.push(like, like, like);
    }
    const rows = await this.orm.em.fork().getConnection().execute<Record<string, unknown>[]>(
      `select r.id, r.division, r.kind, r.code, r.name, r."group", r.active, r.exact_schedule, r.exact_id, u.name as user_name,
              (select count(*)::int from plan_activity a where a.resource_id = r.id and a.status <> 'archived') as activities,
              (select count(*)::int from resource_leave l where l.resource_id = r.id and l.date >= current_date) as leave_days
         from plan_resource r left join users u on u.id = r.user_id ${where.length ? `where ${where.join(' and ')}` : ''}
        order by ${sort === 'group' ? 'r."group"' : `r.${sort}`} ${dir} nulls last, r.id limit 1000`,
      params,
    );
    return { rows, query: { kind, active, q, sort, dir } };
  }

  /**
   * Planning → Items: the item master from Exact (Item; HourType keeps the hour types only), searched by code,
   * description or search code; `type=time` shows the hour types. At most 500 rows, by code.
   * Follows the division's active options as cards do: an item no active option brings any more (Item, or HourType /
   * ActivityViaItem for the hour types) is kept but archived — not in the list, shown with `status=archived`.
   */
  async items(raw: Record<string, unknown>) {
    const type = raw.type === 'time' ? 'time' : 'all';
    const status = raw.status === 'archived' ? 'archived' : 'current';
    const q = typeof raw.q === 'string' && raw.q.trim() ? raw.q.trim().slice(0, 100) : undefined;
    const on = (option: string) => `coalesce((s.active_options->>'${option}')::boolean, false)`;
    const brought = `(${on('Item')} or ((${on('HourType')} or ${on('ActivityViaItem')}) and coalesce((m.data->>'isTime')::boolean, false)))`;
    const where: string[] = ["m.kind = 'item'", status === 'archived' ? `not ${brought}` : brought];
    const params: unknown[] = [];
    if (type === 'time') where.push("(m.data->>'isTime')::boolean");
    if (q) {
      const like = `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      where.push("(m.code ilike ? or m.name ilike ? or m.data->>'searchCode' ilike ?)");
      params.push(like, like, like);
    }
    const rows = await this.orm.em.fork().getConnection().execute<Record<string, unknown>[]>(
      `select m.id, m.division, m.exact_id, m.code, m.name, m.data, not ${brought} as archived
         from plan_master m left join planning_settings s on s.division = m.division
        where ${where.join(' and ')} order by m.code, m.division, m.id limit 500`,
      params,
    );
    return { rows, query: { q, type, status } };
  }
}

function encodeAfter(v: string, id: number): string {
  return Buffer.from(JSON.stringify([v, id])).toString('base64url');
}

function decodeAfter(s: string | undefined): { v: string; id: number } | undefined {
  if (!s) return undefined;
  try {
    const [v, id] = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof v !== 'string' || v.length > 100 || !Number.isInteger(id)) return undefined;
    return { v, id: id as number };
  } catch {
    return undefined;
  }
}
