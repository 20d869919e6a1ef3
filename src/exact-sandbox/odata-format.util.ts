import type { EntityDef } from './entity.types.js';
import { ExactError, type FieldType, type Row } from './sandbox.types.js';

/** JSON / Atom serialisation and input coercion in Exact's formats. */

export interface RenderOptions {
  /** e.g. http://127.0.0.1:3001/api/v1/123456/ */
  divisionBase: string;
  fields: string[];
  types: Record<string, FieldType>;
  expand?: Map<string, Row[]>;
}

export function formatValue(type: FieldType, v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (type === 'int64') return String(v);
  if (type === 'date') return `/Date(${v as number})/`;
  if (type === 'b64') return null;
  return v;
}

export function recordUri(def: EntityDef, divisionBase: string, key: unknown): string {
  const k = def.keyType === 'guid' ? `guid'${String(key)}'` : String(key);
  return `${divisionBase}${def.paths[0]}(${k})`;
}

export function rowToJson(def: EntityDef, row: Row, o: RenderOptions): Record<string, unknown> {
  const uri = recordUri(def, o.divisionBase, row[def.key]);
  const out: Record<string, unknown> = { __metadata: { uri, type: `Exact.Web.Api.Models.${def.type}` } };
  for (const f of o.fields) {
    const t = o.types[f];
    if (t === 'coll') {
      const expanded = o.expand?.get(f);
      out[f] = expanded ? { results: expanded } : { __deferred: { uri: `${uri}/${f}` } };
    } else out[f] = formatValue(t, row[f]);
  }
  return out;
}

// ---- Atom ----------------------------------------------------------------

const NS = 'xmlns="http://www.w3.org/2005/Atom" xmlns:d="http://schemas.microsoft.com/ado/2007/08/dataservices" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"';

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const EDM: Record<FieldType, string> = {
  guid: 'Edm.Guid', str: 'Edm.String', int: 'Edm.Int32', int64: 'Edm.Int64', num: 'Edm.Double',
  bool: 'Edm.Boolean', date: 'Edm.DateTime', byte: 'Edm.Byte', coll: '', b64: 'Edm.Binary',
};

function xmlValue(type: FieldType, v: unknown): string {
  if (type === 'date') return new Date(v as number).toISOString().replace(/Z$/, '').replace(/\.000$/, '');
  return xmlEscape(String(v));
}

function atomProperties(json: Record<string, unknown>, row: Row, o: RenderOptions): string {
  const props = o.fields
    .filter((f) => o.types[f] !== 'coll')
    .map((f) => {
      const t = o.types[f];
      const typeAttr = t === 'str' ? '' : ` m:type="${EDM[t]}"`;
      const v = row[f];
      if (v === undefined || v === null || t === 'b64') return `<d:${f}${typeAttr} m:null="true" />`;
      return `<d:${f}${typeAttr}>${xmlValue(t, v)}</d:${f}>`;
    })
    .join('');
  const links = o.fields
    .filter((f) => o.types[f] === 'coll')
    .map((f) => `<link rel="http://schemas.microsoft.com/ado/2007/08/dataservices/related/${f}" type="application/atom+xml;type=feed" title="${f}" href="${xmlEscape(`${(json.__metadata as { uri: string }).uri}/${f}`)}" />`)
    .join('');
  return `${links}<content type="application/xml"><m:properties>${props}</m:properties></content>`;
}

function atomEntryBody(def: EntityDef, row: Row, o: RenderOptions, updated: string): string {
  const json = rowToJson(def, row, o);
  const uri = (json.__metadata as { uri: string }).uri;
  return `<entry><id>${xmlEscape(uri)}</id><title type="text" /><updated>${updated}</updated><author><name /></author>` +
    `<link rel="edit" title="${def.type}" href="${xmlEscape(uri)}" />` +
    `<category term="Exact.Web.Api.Models.${def.type}" scheme="http://schemas.microsoft.com/ado/2007/08/dataservices/scheme" />` +
    `${atomProperties(json, row, o)}</entry>`;
}

export function atomFeed(def: EntityDef, rows: Row[], o: RenderOptions, selfUrl: string, next: string | null, count: number | null, now: number): string {
  const updated = new Date(now).toISOString();
  const entries = rows.map((r) => atomEntryBody(def, r, o, updated)).join('');
  const countEl = count === null ? '' : `<m:count>${count}</m:count>`;
  const nextEl = next ? `<link rel="next" href="${xmlEscape(next)}" />` : '';
  return `<?xml version="1.0" encoding="utf-8"?><feed xml:base="${xmlEscape(o.divisionBase)}" ${NS}>` +
    `<id>${xmlEscape(selfUrl)}</id><title type="text">${def.name}</title><updated>${updated}</updated>` +
    `<link rel="self" title="${def.name}" href="${def.name}" />${countEl}${entries}${nextEl}</feed>`;
}

export function atomEntry(def: EntityDef, row: Row, o: RenderOptions, now: number): string {
  const body = atomEntryBody(def, row, o, new Date(now).toISOString());
  return `<?xml version="1.0" encoding="utf-8"?>${body.replace('<entry>', `<entry xml:base="${xmlEscape(o.divisionBase)}" ${NS}>`)}`;
}

export function atomError(message: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><error xmlns="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"><code></code><message xml:lang="">${xmlEscape(message)}</message></error>`;
}

export function errorJson(message: string): { error: { code: string; message: { lang: string; value: string } } } {
  return { error: { code: '', message: { lang: '', value: message } } };
}

// ---- input ----------------------------------------------------------------

const GUID_RE = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

export function parseInputDate(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number') return v;
  const s = String(v);
  const ms = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(s);
  if (ms) return Number(ms[1]);
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) return NaN;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), Number((m[7] ?? '0').slice(0, 3).padEnd(3, '0')));
}

function invalid(field: string, typeName: string): ExactError {
  return new ExactError(400, `Error processing request stream. The property '${field}' has an invalid value for type '${typeName}'.`);
}

export function coerceValue(field: string, type: FieldType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'guid': {
      if (v === '') return null;
      const m = GUID_RE.exec(String(v));
      if (!m) throw invalid(field, 'Edm.Guid');
      return m[1].toLowerCase();
    }
    case 'int': case 'byte': case 'int64': {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n)) throw invalid(field, EDM[type]);
      return n;
    }
    case 'num': {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isFinite(n)) throw invalid(field, 'Edm.Double');
      return n;
    }
    case 'bool': {
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 'false') return v === 'true';
      throw invalid(field, 'Edm.Boolean');
    }
    case 'date': {
      const d = parseInputDate(v);
      if (d !== null && Number.isNaN(d)) throw invalid(field, 'Edm.DateTime');
      return d;
    }
    case 'coll': return v;
    default:
      if (typeof v === 'object') throw invalid(field, 'Edm.String');
      return String(v);
  }
}

export function parseKey(def: EntityDef, raw: string): string | number {
  if (def.keyType === 'int') {
    const n = Number(raw);
    if (!Number.isInteger(n)) throw new ExactError(400, `Bad Request - Error in query syntax.`);
    return n;
  }
  const m = /^guid'(.*)'$/i.exec(raw.trim());
  const g = m ? GUID_RE.exec(m[1]) : null;
  if (!g) throw new ExactError(400, `Unrecognized 'Edm.Guid' literal '${raw}'.`);
  return g[1].toLowerCase();
}
