import type { EntityDef } from './entity.types.js';
import { type CompiledFilter, parseFilter } from './odata-filter.parser.js';
import { ExactError, type FieldType, type Row } from './sandbox.types.js';

/** Parsing and applying OData query options ($select, $filter, $orderby, $top, $skip, $skiptoken, $expand, $inlinecount). */

export type RouteMode = 'normal' | 'bulk' | 'sync' | 'deleted';

export interface QueryOptions {
  select: string[];
  expand: string[];
  filter: CompiledFilter | null;
  orderby: { field: string; desc: boolean }[];
  top: number | null;
  skip: number;
  skiptoken: string | null;
  inlinecount: boolean;
}

export function fieldTypesFor(def: EntityDef, mode: RouteMode): Record<string, FieldType> {
  if (mode !== 'sync') return def.fields;
  const out: Record<string, FieldType> = {};
  for (const [k, t] of Object.entries(def.fields)) if (t !== 'coll') out[k] = t;
  return { ...out, Timestamp: 'int64', ...(def.syncOnly ?? {}) };
}

function canonical(types: Record<string, FieldType>, def: EntityDef, name: string): string {
  const real = Object.keys(types).find((k) => k.toLowerCase() === name.trim().toLowerCase());
  if (!real) throw new ExactError(400, `No property '${name.trim()}' exists in type 'Exact.Web.Api.Models.${def.type}'.`);
  return real;
}

function intOption(name: string, v: string | null): number | null {
  if (v === null) return null;
  if (!/^\d+$/.test(v.trim())) throw new ExactError(400, `Invalid value for ${name}: '${v}'.`);
  return Number(v);
}

export function parseQuery(def: EntityDef, mode: RouteMode, params: URLSearchParams): QueryOptions {
  const types = fieldTypesFor(def, mode);
  const rawSelect = params.get('$select');
  const expand = (params.get('$expand') ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((e) => {
    const c = canonical(types, def, e);
    if (types[c] !== 'coll') throw new ExactError(400, `Property '${e}' is not a navigation property.`);
    return c;
  });
  let select = Object.keys(types);
  if (rawSelect && rawSelect.trim() !== '*') {
    select = [];
    for (const part of rawSelect.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [head] = part.split('/');
      const c = canonical(types, def, head);
      if (!select.includes(c)) select.push(c);
    }
  }
  const filterText = params.get('$filter');
  const inline = params.get('$inlinecount');
  if (inline && inline !== 'allpages' && inline !== 'none') throw new ExactError(400, `Invalid value for $inlinecount: '${inline}'.`);
  const orderbyText = params.get('$orderby');
  if (orderbyText && (mode === 'sync' || mode === 'deleted')) throw new ExactError(400, '$orderby is not supported on sync endpoints.');
  const orderby = (orderbyText ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((part) => {
    const [f, dir = 'asc'] = part.split(/\s+/);
    if (!['asc', 'desc'].includes(dir.toLowerCase())) throw new ExactError(400, `Invalid $orderby direction '${dir}'.`);
    return { field: canonical(types, def, f), desc: dir.toLowerCase() === 'desc' };
  });
  return {
    select, expand, orderby,
    filter: filterText && filterText.trim() ? parseFilter(filterText, types, `Exact.Web.Api.Models.${def.type}`) : null,
    top: intOption('$top', params.get('$top')),
    skip: intOption('$skip', params.get('$skip')) ?? 0,
    skiptoken: params.get('$skiptoken'),
    inlinecount: inline === 'allpages',
  };
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).toLowerCase() < String(b).toLowerCase() ? -1 : 1;
}

export function sortRows(def: EntityDef, rows: Row[], orderby: QueryOptions['orderby']): Row[] {
  return rows.sort((x, y) => {
    for (const o of orderby) {
      const c = compare(x[o.field], y[o.field]);
      if (c !== 0) return o.desc ? -c : c;
    }
    return compare(x[def.key], y[def.key]);
  });
}

export function skiptokenKey(def: EntityDef, token: string): string | number {
  const m = /^guid'([^']+)'$/i.exec(token.trim());
  if (m) return m[1].toLowerCase();
  const n = Number(token.replace(/L$/i, ''));
  if (def.keyType === 'int' && Number.isFinite(n)) return n;
  throw new ExactError(400, `Invalid $skiptoken '${token}'.`);
}

/** index of the first row after the skiptoken row in an already sorted list */
export function afterSkiptoken(def: EntityDef, rows: Row[], token: string, ordered: boolean): number {
  const key = skiptokenKey(def, token);
  const idx = rows.findIndex((r) => r[def.key] === key);
  if (idx >= 0) return idx + 1;
  if (ordered) return rows.length;
  const next = rows.findIndex((r) => compare(r[def.key], key) > 0);
  return next < 0 ? rows.length : next;
}

export function nextLink(url: URL, changes: Record<string, string | null>): string {
  const u = new URL(url.toString());
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) u.searchParams.delete(k);
    else u.searchParams.set(k, v);
  }
  return u.toString().replace(/%24/g, '$').replace(/%27/g, "'").replace(/%28/g, '(').replace(/%29/g, ')').replace(/%2C/g, ',');
}
