import type { EntityContext } from '../entity.context.js';
import { badRequest, coerceLines, requireFields } from '../entity.engine.js';
import { fields, type EntityDef } from '../entity.types.js';
import { money } from '../money.util.js';
import type { FieldType, Row } from '../sandbox.types.js';

/** Helpers shared by the planning entities (orders, manufacturing, projects, HR). */

export const AUDIT_RO = ['Created', 'Creator', 'CreatorFullName', 'Modified', 'Modifier', 'ModifierFullName', 'Division'];
export const GPUD = ['GET', 'POST', 'PUT', 'DELETE'] as const;

const COMPANION = /(Code|Description|Name|FullName|Fullname|Number|HID|ContactPersonFullName|PictureUrl|Barcode)$/;

/**
 * Read-only fields of a picqer field list: audit fields, the `…Code/…Description/…Name` companions of a reference
 * (API.md §3.3: companions are read-only), navigation collections other than the embedded lines, and the named extras. Read-only input is ignored, never refused.
 */
export function readOnly(f: Record<string, FieldType>, extra: string[] = [], lines?: string): string[] {
  // navigation collections are read-only, except the line collection that is embedded on POST
  const colls = Object.keys(f).filter((k) => f[k] === 'coll' && k !== lines);
  const out = new Set([...AUDIT_RO.filter((a) => a in f), ...extra, ...colls]);
  for (const name of Object.keys(f)) {
    const m = COMPANION.exec(name);
    if (!m) continue;
    const base = name.slice(0, -m[1].length);
    if (base && base in f && base !== name) out.add(name);
    if (base.endsWith('Contact') && base.slice(0, -7) in f) out.add(name);
  }
  return [...out];
}

export function spec(s: string): Record<string, FieldType> {
  return fields(s);
}

export function ref(ctx: EntityContext, entity: string, id: unknown, label: string): Row | undefined {
  if (id === null || id === undefined || id === '') return undefined;
  const row = ctx.get(entity, id as string);
  if (!row) throw badRequest(`Ongeldige referentie: ${label}`);
  return row;
}

export function need(ctx: EntityContext, entity: string, id: unknown, label: string): Row {
  if (id === null || id === undefined || id === '') throw badRequest(`Verplicht: ${label}`);
  return ref(ctx, entity, id, label)!;
}

/** next free number (max + 1) of an int field, or checks that a given one is free */
export function numberFor(ctx: EntityContext, entity: string, field: string, row: Row, before: Row | undefined, start: number, label: string): void {
  const key = ctx.registry.def(entity).key;
  if (row[field] === null || row[field] === undefined) {
    if (before) { row[field] = before[field]; return; }
    let max = start - 1;
    for (const r of ctx.table(entity).rows.values()) max = Math.max(max, Number(r[field] ?? 0));
    row[field] = max + 1;
    return;
  }
  if (!Number.isInteger(row[field]) || (row[field] as number) <= 0) throw badRequest(`Ongeldig: ${label}`);
  const clash = ctx.find(entity, (r) => r[field] === row[field] && r[key] !== before?.[key] && r !== before);
  if (clash) throw badRequest(`${label} ${String(row[field])} bestaat al`);
}

export function uniqueCode(ctx: EntityContext, entity: string, row: Row, before: Row | undefined): void {
  const key = ctx.registry.def(entity).key;
  const norm = (v: unknown) => String(v ?? '').trim().toLowerCase();
  if (ctx.find(entity, (r) => norm(r.Code) === norm(row.Code) && r[key] !== before?.[key] && r !== before)) {
    throw badRequest(`Code bestaat al: ${String(row.Code).trim()}`);
  }
}

export function dateOrder(start: unknown, end: unknown, msg: string): void {
  if (typeof start === 'number' && typeof end === 'number' && end < start) throw badRequest(msg);
}

export function itemCompanions(ctx: EntityContext, row: Row, label = 'Artikel'): Row {
  const item = need(ctx, 'Items', row.Item, label);
  row.ItemCode = item.Code;
  row.ItemDescription = item.Description;
  return item;
}

export function accountName(ctx: EntityContext, row: Row, field: string, label: string, nameField = `${field}Name`, codeField?: string): Row | undefined {
  const acc = ref(ctx, 'Accounts', row[field], label);
  if (acc) {
    row[nameField] = acc.Name;
    if (codeField) row[codeField] = acc.Code;
  }
  return acc;
}

export function vatPercentage(ctx: EntityContext, code: unknown): number {
  if (!code) return 0;
  const c = String(code).trim();
  const v = ctx.find('VATCodes', (x) => String(x.Code).trim() === c);
  if (!v) throw badRequest('Ongeldige referentie: BTW-code');
  return Number(v.Percentage ?? 0);
}

/** price fields of a sales/quotation/purchase line: NetPrice = UnitPrice × (1 − Discount), AmountFC = NetPrice × Quantity */
export function priceLine(ctx: EntityContext, line: Row, item: Row, quantityField = 'Quantity', priceDefault: number = Number(item.StandardSalesPrice ?? 0)): void {
  line[quantityField] ??= 1;
  line.UnitPrice ??= priceDefault;
  line.Discount ??= 0;
  const d = Number(line.Discount);
  if (d < 0 || d > 1) throw badRequest('Ongeldig: Korting (een fractie tussen 0 en 1)');
  line.NetPrice = money(Number(line.UnitPrice) * (1 - d));
  line.AmountFC = money(Number(line.NetPrice) * Number(line[quantityField]));
  line.AmountDC = line.AmountFC;
  line.VATCode ??= item.SalesVatCode ?? null;
  line.VATPercentage = vatPercentage(ctx, line.VATCode);
}

export interface HeaderOptions {
  /** prepares one line (defaults, references, companions); throws to refuse the whole POST */
  prepLine: (ctx: EntityContext, line: Row, header: Row, index: number) => void;
  /** recomputes header totals from its lines (called after create and after line changes) */
  totals?: (ctx: EntityContext, header: Row, lines: Row[]) => void;
}

/**
 * POST of a header with embedded lines: everything is validated before anything is stored (nothing half-stored),
 * then header and lines are inserted and the header's webhook fires once.
 */
export function createWithLines(name: string, o: HeaderOptions): (ctx: EntityContext, input: Row) => Row {
  return (ctx, input) => {
    const def = ctx.registry.def(name);
    const spec = def.lines!;
    const lines = coerceLines(ctx, def, input);
    requireFields(def, { ...input, [spec.field]: lines }, def.required ?? []);
    if (def.keyType === 'guid' && input[def.key] && ctx.get(name, input[def.key] as string)) throw badRequest(`Dubbel: ${def.key}`);
    def.validate?.(ctx, input, 'create');
    lines.forEach((l, i) => o.prepLine(ctx, l, input, i));
    const header = ctx.insert(name, input, false);
    const stored = lines.map((l, i) => ctx.insert(spec.entity, { ...l, [spec.fk]: header[def.key], LineNumber: i + 1 }, false));
    o.totals?.(ctx, header, stored);
    def.afterWrite?.(ctx, header, 'create');
    ctx.fire(def, header, 'Update');
    return header;
  };
}

export function linesOf(ctx: EntityContext, def: EntityDef, header: Row): Row[] {
  const s = def.lines!;
  return ctx.filter(s.entity, (l) => l[s.fk] === header[def.key]).sort((a, b) => Number(a.LineNumber) - Number(b.LineNumber));
}

export function nextLineNumber(ctx: EntityContext, lineEntity: string, fk: string, key: unknown): number {
  let max = 0;
  for (const l of ctx.table(lineEntity).rows.values()) if (l[fk] === key) max = Math.max(max, Number(l.LineNumber ?? 0));
  return max + 1;
}

export function sumAmounts(lines: Row[]): { amount: number; vat: number } {
  let amount = 0;
  let vat = 0;
  for (const l of lines) {
    amount += Number(l.AmountFC ?? 0);
    vat += Number(l.AmountFC ?? 0) * Number(l.VATPercentage ?? 0);
  }
  return { amount: money(amount), vat: money(vat) };
}

export function daysFrom(base: number, days: number): number {
  return base + days * 86_400_000;
}
