/**
 * OData v2 as Exact speaks it (API.md §3): literals for $filter, the 18-character right-aligned Account
 * Code, and parsing of `/Date(ms)/` and Int64-as-string values at the edge.
 */

/** Exact's Account Code: 18 characters, right-aligned with leading spaces ("              1234"). */
export function padCode(code: string | number): string {
  const s = String(code).trim();
  if (s.length > 18) throw new RangeError(`Account code longer than 18 characters: ${s}`);
  if (!isValidExactCode(s)) throw new RangeError('Account code contains control characters');
  return s.padStart(18, ' ');
}

/**
 * A code as it comes from Exact (GL account, journal, VAT code, cost centre/unit, account): trimmed, at most `max`
 * characters, no control characters. Codes that fail are not stored or put into a $filter.
 */
export function isValidExactCode(code: string, max = 40): boolean {
  return code.length > 0 && code.length <= max && !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(code);
}

export const lit = {
  string: (v: string) => `'${v.replace(/'/g, "''")}'`,
  guid: (v: string) => {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) throw new TypeError(`not a GUID: ${v}`);
    return `guid'${v.toLowerCase()}'`;
  },
  /** Exact stores naive local times; we write the wall-clock value with a time part. */
  datetime: (v: Date | string) => {
    const d = typeof v === 'string' ? new Date(v) : v;
    if (Number.isNaN(d.getTime())) throw new TypeError(`not a date: ${String(v)}`);
    return `datetime'${d.toISOString().slice(0, 19)}'`;
  },
  int64: (v: bigint | number | string) => {
    const s = String(v);
    if (!/^-?\d+$/.test(s)) throw new TypeError(`not an Int64: ${s}`);
    return `${s}L`;
  },
  number: (v: number) => {
    if (!Number.isFinite(v)) throw new TypeError(`not a number: ${v}`);
    return String(v);
  },
  bool: (v: boolean) => (v ? 'true' : 'false'),
  /** the 18-character right-aligned Account Code as a string literal (quotes doubled like any OData string) */
  code: (v: string | number) => lit.string(padCode(v)),
};

type Value = string | number | boolean | Date | bigint;
const auto = (v: Value) =>
  typeof v === 'string' ? lit.string(v) : typeof v === 'boolean' ? lit.bool(v) : v instanceof Date ? lit.datetime(v) : typeof v === 'bigint' ? lit.int64(v) : lit.number(v);

/** A tiny $filter builder: f.eq('Name', 'x'), f.and(…), f.raw("Code eq …"). Values are escaped. */
export const f = {
  raw: (expr: string) => expr,
  eq: (field: string, v: Value) => `${field} eq ${auto(v)}`,
  ne: (field: string, v: Value) => `${field} ne ${auto(v)}`,
  gt: (field: string, v: Value) => `${field} gt ${auto(v)}`,
  ge: (field: string, v: Value) => `${field} ge ${auto(v)}`,
  lt: (field: string, v: Value) => `${field} lt ${auto(v)}`,
  le: (field: string, v: Value) => `${field} le ${auto(v)}`,
  guid: (field: string, id: string) => `${field} eq ${lit.guid(id)}`,
  code: (field: string, code: string | number) => `${field} eq ${lit.code(code)}`,
  substringof: (needle: string, field: string) => `substringof(${lit.string(needle)},${field}) eq true`,
  and: (...parts: (string | undefined | false)[]) => parts.filter(Boolean).map((p) => `(${p})`).join(' and '),
  or: (...parts: (string | undefined | false)[]) => parts.filter(Boolean).map((p) => `(${p})`).join(' or '),
};

export interface QueryOptions {
  filter?: string;
  select?: readonly string[];
  orderby?: string;
  top?: number;
  inlinecount?: boolean;
  expand?: string;
}

/** Query string for an Exact URL; encodes spaces as %20 (never '+', which Exact reads literally). */
export function queryString(q: QueryOptions & { extra?: Record<string, string> } = {}): string {
  const parts: string[] = [];
  const add = (k: string, v: string) => parts.push(`${k}=${encodeURIComponent(v).replace(/'/g, '%27')}`);
  if (q.select?.length) add('$select', q.select.join(','));
  if (q.filter) add('$filter', q.filter);
  if (q.orderby) add('$orderby', q.orderby);
  if (q.expand) add('$expand', q.expand);
  if (q.top !== undefined) add('$top', String(q.top));
  if (q.inlinecount) add('$inlinecount', 'allpages');
  for (const [k, v] of Object.entries(q.extra ?? {})) add(k, v);
  return parts.length ? `?${parts.join('&')}` : '';
}

const DATE_RE = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/;

/** "/Date(1382667872203)/" → Date (Exact's naive local time, kept as the same wall-clock value in UTC). */
export function parseExactDate(v: unknown): Date | null {
  if (typeof v !== 'string') return null;
  const m = DATE_RE.exec(v);
  return m ? new Date(Number(m[1])) : null;
}

/** Int64 values arrive as JSON strings; numbers are tolerated. */
export function parseInt64(v: unknown): bigint | null {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  return null;
}

/**
 * Converts a raw Exact record at the edge: every `/Date(ms)/` string becomes a Date, the named Int64
 * fields become bigints, `__metadata`/`__deferred` stubs are dropped, and padded codes stay as sent.
 */
export function fromExact<T>(raw: Record<string, unknown>, int64Fields: readonly string[] = ['Timestamp']): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === '__metadata') continue;
    if (v && typeof v === 'object' && '__deferred' in (v as object)) continue;
    if (int64Fields.includes(k)) out[k] = parseInt64(v);
    else if (typeof v === 'string' && v.startsWith('/Date(')) out[k] = parseExactDate(v);
    else if (v && typeof v === 'object' && Array.isArray((v as { results?: unknown }).results)) {
      out[k] = ((v as { results: Record<string, unknown>[] }).results).map((r) => fromExact(r, int64Fields));
    } else if (Array.isArray(v) && v.every((r) => r && typeof r === 'object' && !Array.isArray(r))) {
      // an expanded collection in the bare-array form
      out[k] = (v as Record<string, unknown>[]).map((r) => fromExact(r, int64Fields));
    } else out[k] = v;
  }
  return out as T;
}

/** ISO date (yyyy-mm-dd) for writes: Exact accepts ISO strings on input. */
export function toExactDate(d: Date | string): string {
  return typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10);
}
