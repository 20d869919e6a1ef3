import type { EntityContext } from './entity.context.js';
import type { EntityDef } from './entity.types.js';
import { coerceValue } from './odata-format.util.js';
import { ExactError, type Row } from './sandbox.types.js';

/** Generic create/update/delete on top of the declarative entity definitions. */

export function badRequest(msg: string): ExactError {
  return new ExactError(400, msg);
}

export function requireFields(def: EntityDef, row: Row, names: string[]): void {
  for (const f of names) {
    const v = row[f];
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) {
      throw badRequest(`Verplicht: ${def.labels?.[f] ?? f}`);
    }
  }
}

/** Turns a JSON body into typed row values; unknown properties → 400; read-only ignored. */
export function coerceInput(def: EntityDef, body: unknown, mode: 'create' | 'update'): Row {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('Error processing request stream. The request should be a valid top-level resource object.');
  }
  const lookup = new Map(Object.keys(def.fields).map((k) => [k.toLowerCase(), k]));
  const ro = new Set(def.readOnly ?? []);
  const out: Row = {};
  for (const [rawName, value] of Object.entries(body as Record<string, unknown>)) {
    if (rawName === '__metadata') continue;
    const name = lookup.get(rawName.toLowerCase());
    if (!name) {
      throw badRequest(`Error processing request stream. The property name '${rawName}' specified for type 'Exact.Web.Api.Models.${def.type}' is not valid.`);
    }
    if (ro.has(name)) continue;
    if (mode === 'update' && (name === def.key || (def.updatable && !def.updatable.includes(name)))) continue;
    out[name] = coerceValue(name, def.fields[name], value);
  }
  return out;
}

export function coerceLines(ctx: EntityContext, def: EntityDef, input: Row): Row[] {
  if (!def.lines) return [];
  const raw = input[def.lines.field];
  delete input[def.lines.field];
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw badRequest(`Error processing request stream. '${def.lines.field}' must be an array.`);
  const lineDef = ctx.registry.def(def.lines.entity);
  return raw.map((l) => coerceInput(lineDef, l, 'create'));
}

export function createEntity(ctx: EntityContext, def: EntityDef, body: unknown): Row {
  const input = coerceInput(def, body, 'create');
  if (def.create) return def.create(ctx, input);
  const lines = coerceLines(ctx, def, input);
  if (def.required) requireFields(def, { ...input, ...(def.lines ? { [def.lines.field]: lines } : {}) }, def.required);
  def.validate?.(ctx, input, 'create');
  if (def.keyType === 'guid' && input[def.key]) {
    if (ctx.get(def.name, input[def.key] as string)) throw badRequest(`Dubbel: ${def.key}`);
  }
  const row = ctx.insert(def.name, input, false);
  if (def.lines) {
    for (const l of lines) ctx.insert(def.lines.entity, { ...l, [def.lines.fk]: row[def.key] }, false);
  }
  def.afterWrite?.(ctx, row, 'create');
  ctx.fire(def, row, 'Update');
  return row;
}

export function updateEntity(ctx: EntityContext, def: EntityDef, existing: Row, body: unknown): Row {
  const changes = coerceInput(def, body, 'update');
  if (def.lines) delete changes[def.lines.field];
  const merged: Row = { ...existing, ...changes };
  if (def.required) requireFields(def, merged, def.required.filter((f) => f !== def.lines?.field));
  def.validate?.(ctx, merged, 'update', existing);
  Object.assign(existing, merged);
  ctx.touch(def.name, existing, false);
  def.afterWrite?.(ctx, existing, 'update');
  ctx.fire(def, existing, 'Update');
  return existing;
}

export function deleteEntity(ctx: EntityContext, def: EntityDef, existing: Row): void {
  def.beforeDelete?.(ctx, existing);
  if (def.lines) {
    const lines = ctx.filter(def.lines.entity, (l) => l[def.lines!.fk] === existing[def.key]);
    for (const l of lines) ctx.remove(def.lines.entity, l[ctx.registry.def(def.lines.entity).key] as string, false);
  }
  ctx.remove(def.name, existing[def.key] as string, false);
  def.afterWrite?.(ctx, existing, 'delete');
  ctx.fire(def, existing, 'Delete');
}
