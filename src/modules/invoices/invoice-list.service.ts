import { parsePage } from '../../common/pagination.js';
import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { INVOICE_STATUSES, type InvoiceKind, type InvoiceStatus } from './invoice.entity.js';
import { isIsoDate } from '../../common/validation.js';

export const INVOICE_SORTS = ['date', 'number', 'customer', 'total', 'status'] as const;
export type InvoiceSort = (typeof INVOICE_SORTS)[number];
export const INVOICE_KINDS: readonly InvoiceKind[] = ['invoice', 'credit_note'];
/** Above this many matches the list says "more than …" instead of counting them all. */
export const COUNT_CAP = 10_000;

export interface InvoiceListFilters {
  locationId?: number;
  status?: InvoiceStatus;
  kind?: InvoiceKind;
  from?: string;
  to?: string;
  q?: string;
}

export interface InvoiceListQuery extends InvoiceListFilters {
  sort: InvoiceSort;
  dir: 'asc' | 'desc';
  pageSize: number;
  /** Page number (shown; used with OFFSET only when no cursor is given). */
  page: number;
  /** Keyset cursors: the sort key and id of the last (after) or first (before) row of the neighbouring page. */
  after?: string;
  before?: string;
}

/** One row of the list: a view model (not an entity), amounts as exact decimal strings. */
export interface InvoiceListRow {
  id: number;
  number: string | null;
  kind: InvoiceKind;
  status: InvoiceStatus;
  invoiceDate: string;
  dueDate: string;
  reference: string | null;
  net: string;
  vat: string;
  gross: string;
  /** Paid and open amounts (filled by payments, issue 8) — a template change shows them. */
  paid: string;
  open: string;
  changedAfterExport: boolean;
  overdue: boolean;
  customer: { id: number; name: string; number: string };
  location: { id: number; name: string; code: string };
}

export interface InvoiceListPage {
  items: InvoiceListRow[];
  page: number;
  pageSize: number;
  /** Exact count up to COUNT_CAP; beyond that an estimate with `capped: true`. */
  total: number;
  capped: boolean;
  pages?: number;
  next?: string;
  prev?: string;
  hasPrev: boolean;
  hasNext: boolean;
}

/** Sort key expression, its SQL cast (for the keyset row comparison) and how it is read back. */
const SORT_SQL: Record<InvoiceSort, { expr: string; cast: string }> = {
  date: { expr: 'i.invoice_date', cast: 'date' },
  number: { expr: 'coalesce(i.number, 0)', cast: 'bigint' },
  customer: { expr: 'c.name', cast: 'text' },
  total: { expr: 'i.gross', cast: 'numeric' },
  status: { expr: 'i.status', cast: 'text' },
};

export const encodeCursor = (key: unknown, id: number) => Buffer.from(JSON.stringify([key, id])).toString('base64url');
export function decodeCursor(token: string | undefined): [string, number] | undefined {
  if (!token) return undefined;
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && (typeof v[0] === 'string' || typeof v[0] === 'number') && Number.isInteger(v[1])) return [String(v[0]), v[1] as number];
  } catch {
    /* a broken cursor is treated as none */
  }
  return undefined;
}

const ISO = { test: isIsoDate };

/** Parses the list's query string (filters, sort, paging, cursors); anything unknown is ignored. */
export function parseInvoiceListQuery(raw: Record<string, unknown>): InvoiceListQuery {
  const str = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string).trim() : '');
  const int = (k: string) => {
    const n = Number.parseInt(str(k), 10);
    return Number.isFinite(n) && n > 0 ? n : undefined;
  };
  const sort = (INVOICE_SORTS as readonly string[]).includes(str('sort')) ? (str('sort') as InvoiceSort) : 'date';
  const dirRaw = str('dir');
  const dir = dirRaw === 'asc' || dirRaw === 'desc' ? dirRaw : sort === 'date' || sort === 'number' || sort === 'total' ? 'desc' : 'asc';
  const size = int('size');
  return {
    locationId: int('location'),
    status: (INVOICE_STATUSES as readonly string[]).includes(str('status')) ? (str('status') as InvoiceStatus) : undefined,
    kind: (INVOICE_KINDS as readonly string[]).includes(str('kind')) ? (str('kind') as InvoiceKind) : undefined,
    from: ISO.test(str('from')) ? str('from') : undefined,
    to: ISO.test(str('to')) ? str('to') : undefined,
    q: str('q') ? str('q').slice(0, 100) : undefined,
    sort,
    dir,
    pageSize: size && [10, 25, 50, 100].includes(size) ? size : 25,
    page: parsePage(raw.page),
    after: str('after') || undefined,
    before: str('before') || undefined,
  };
}

/**
 * The invoice list: one query with customer and location joined (no N+1), keyset paging on (sort key, id)
 * so deep pages cost as much as the first, and a capped count. Uses the indexes on `invoice`
 * (invoice_date+id, location+invoice_date+id, status+invoice_date+id, status+id, gross+id, coalesce(number,0)+id).
 */
@Injectable()
export class InvoiceListService {
  constructor(private readonly em: EntityManager) {}

  private where(f: InvoiceListFilters): { sql: string[]; params: unknown[] } {
    const sql: string[] = [];
    const params: unknown[] = [];
    if (f.locationId) (sql.push('i.location_id = ?'), params.push(f.locationId));
    if (f.status) (sql.push('i.status = ?'), params.push(f.status));
    if (f.kind) (sql.push('i.kind = ?'), params.push(f.kind));
    if (f.from) (sql.push('i.invoice_date >= ?::date'), params.push(f.from));
    if (f.to) (sql.push('i.invoice_date <= ?::date'), params.push(f.to));
    if (f.q) {
      const like = `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      // a union of index-friendly parts (number: expression index; customer: customer index; reference: one scan)
      // so PostgreSQL does not walk the whole date index filtering every row
      const parts: string[] = [];
      if (/^\d{1,15}$/.test(f.q)) (parts.push('select s.id from invoice s where coalesce(s.number, 0) = ?::bigint'), params.push(f.q));
      parts.push('select s.id from invoice s where s.customer_id in (select cs.id from customers cs where cs.name ilike ? or cs.number = ?)', 'select s.id from invoice s where s.reference ilike ?');
      params.push(like, f.q, like);
      sql.push(`i.id in (${parts.join(' union ')})`);
    }
    return { sql, params };
  }

  async list(query: InvoiceListQuery, today: string): Promise<InvoiceListPage> {
    const { expr, cast } = SORT_SQL[query.sort];
    const { sql: conds, params } = this.where(query);
    const after = decodeCursor(query.after);
    const before = after ? undefined : decodeCursor(query.before);
    // walking backwards (before a cursor) reverses the order, then the rows are turned around
    const backwards = !!before;
    const asc = (query.dir === 'asc') !== backwards;
    const cursor = after ?? before;
    const keyset = [...conds];
    const keyParams = [...params];
    if (cursor) {
      const op = asc ? '>' : '<';
      // the single-column bound lets PostgreSQL use an index on the sort key even through the join
      keyset.push(`${expr} ${op}= ?::${cast}`, `(${expr}, i.id) ${op} (?::${cast}, ?)`);
      keyParams.push(cursor[0], cursor[0], cursor[1]);
    }
    const order = asc ? 'asc' : 'desc';
    const offset = cursor ? 0 : (query.page - 1) * query.pageSize;
    const rows = await this.em.getConnection().execute<Record<string, unknown>[]>(
      `select i.id, i.number, i.kind, i.status, to_char(i.invoice_date, 'YYYY-MM-DD') as invoice_date, to_char(i.due_date, 'YYYY-MM-DD') as due_date,
              i.reference, i.net, i.vat, i.gross, i.paid, i.open, i.changed_after_export,
              c.id as customer_id, c.name as customer_name, c.number as customer_number,
              l.id as location_id, l.name as location_name, l.code as location_code,
              (${expr})::text as sort_key
         from invoice i
         join customers c on c.id = i.customer_id
         join locations l on l.id = i.location_id
        ${keyset.length ? `where ${keyset.join(' and ')}` : ''}
        order by ${expr} ${order}, i.id ${order}
        limit ${query.pageSize + 1} offset ${offset}`,
      keyParams,
    );
    const more = rows.length > query.pageSize;
    const pageRows = rows.slice(0, query.pageSize);
    if (backwards) pageRows.reverse();
    const items = pageRows.map((r) => this.row(r, today));
    const page = Math.max(1, query.page);
    const hasPrev = backwards ? more : page > 1;
    const hasNext = backwards ? true : more;
    const first = pageRows[0];
    const last = pageRows[pageRows.length - 1];
    const { total, capped } = await this.count(query);
    return {
      items,
      page,
      pageSize: query.pageSize,
      total,
      capped,
      pages: capped ? undefined : Math.max(1, Math.ceil(total / query.pageSize)),
      hasPrev,
      hasNext,
      next: hasNext && last ? encodeCursor(last.sort_key, Number(last.id)) : undefined,
      prev: hasPrev && first && page > 2 ? encodeCursor(first.sort_key, Number(first.id)) : undefined,
    };
  }

  /** Exact up to COUNT_CAP (an index-only scan stops there); unfiltered and beyond the cap: the planner's estimate. */
  async count(f: InvoiceListFilters): Promise<{ total: number; capped: boolean }> {
    const { sql, params } = this.where(f);
    const conn = this.em.getConnection();
    const [row] = await conn.execute<{ n: number }[]>(
      `select count(*)::int as n from (select 1 from invoice i ${sql.length ? `where ${sql.join(' and ')}` : ''} limit ${COUNT_CAP + 1}) x`,
      params,
    );
    if (row.n <= COUNT_CAP) return { total: row.n, capped: false };
    if (!sql.length) {
      const [est] = await conn.execute<{ n: string }[]>(`select greatest(reltuples, 0)::bigint as n from pg_class where oid = 'invoice'::regclass`);
      const n = Number(est?.n ?? 0);
      if (n > COUNT_CAP) return { total: n, capped: true };
    }
    return { total: COUNT_CAP, capped: true };
  }

  private row(r: Record<string, unknown>, today: string): InvoiceListRow {
    const status = r.status as InvoiceStatus;
    const dueDate = String(r.due_date);
    return {
      id: Number(r.id),
      number: r.number == null ? null : String(r.number),
      kind: r.kind as InvoiceKind,
      status,
      invoiceDate: String(r.invoice_date),
      dueDate,
      reference: (r.reference as string | null) ?? null,
      net: String(r.net),
      vat: String(r.vat),
      gross: String(r.gross),
      paid: String(r.paid),
      open: String(r.open),
      changedAfterExport: !!r.changed_after_export,
      overdue: status !== 'draft' && status !== 'paid' && dueDate < today && Number(r.open) > 0,
      customer: { id: Number(r.customer_id), name: String(r.customer_name), number: String(r.customer_number) },
      location: { id: Number(r.location_id), name: String(r.location_name), code: String(r.location_code) },
    };
  }
}
