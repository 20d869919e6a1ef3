import type { EntityManager } from '@mikro-orm/postgresql';
import type { ArchivedReason, PlanActivityKind, PlanActivityStatus, PlanCardKind, PlanCardLine, PlanCardRelated } from './plan-card.entity.js';
import type { PlanResourceKind } from './plan-resource.entity.js';

/**
 * Bulk writes of imported Exact data: each page of a sync endpoint becomes a handful of statements (read what
 * exists, insert the new, update what changed, record the history), so an import of 100 000 rows is a few hundred
 * round trips and a page applied twice (resume after a kill) changes nothing. Only Exact-owned columns are written;
 * planned dates, resources and notes (Koppel's) are never touched here.
 */

export interface CardInput {
  kind: PlanCardKind;
  exactId: string;
  parentExactId?: string | null;
  number?: string | null;
  description?: string | null;
  customerId?: number | null;
  relationExactId?: string | null;
  relationName?: string | null;
  accountManager?: string | null;
  warehouseCode?: string | null;
  dueDate?: string | null;
  exactStartDate?: string | null;
  quantity?: number | null;
  unit?: string | null;
  exactStatus?: number | null;
  extra?: Record<string, unknown>;
  related?: PlanCardRelated[];
  /** Lines to add or replace (by exactId); lines not named stay. */
  linesMerge?: PlanCardLine[];
  /** Line IDs to drop. */
  linesRemove?: string[];
  /** linesMerge is the whole list: lines not in it are dropped (an order read with all its lines). */
  linesReplace?: boolean;
  /** undefined: leave the status; null: open (reopens a card Exact had completed/cancelled/deleted); a reason: archive. */
  archive?: ArchivedReason | null;
  exactTimestamp?: string | null;
}

export interface WriteCounts {
  created: number;
  updated: number;
  archived: number;
}

const FIELDS = ['parentExactId', 'number', 'description', 'customerId', 'relationExactId', 'relationName', 'accountManager', 'warehouseCode', 'dueDate', 'exactStartDate', 'quantity', 'unit', 'exactStatus', 'extra', 'related'] as const;
type Field = (typeof FIELDS)[number];
const COLUMN: Record<Field, string> = {
  parentExactId: 'parent_exact_id', number: 'number', description: 'description', customerId: 'customer_id', relationExactId: 'relation_exact_id',
  relationName: 'relation_name', accountManager: 'account_manager', warehouseCode: 'warehouse_code', dueDate: 'due_date',
  exactStartDate: 'exact_start_date', quantity: 'quantity', unit: 'unit', exactStatus: 'exact_status', extra: 'extra', related: 'related',
};
/** Exact reasons a later change from Exact undoes (an option switched off stays off until it is on again). */
const EXACT_REASONS: readonly string[] = ['completed', 'cancelled', 'deleted', 'accepted', 'rejected'];

interface CardRow extends Record<Field, unknown> {
  id: number;
  kind: PlanCardKind;
  exactId: string;
  status: 'open' | 'archived';
  archivedReason: string | null;
  lines: PlanCardLine[];
  exactTimestamp: string | null;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const cut = (s: string | null | undefined, n: number) => (s == null ? s : s.slice(0, n));

function sortLines(lines: PlanCardLine[]): PlanCardLine[] {
  return [...lines].sort((a, b) => (a.lineNumber ?? 0) - (b.lineNumber ?? 0) || a.exactId.localeCompare(b.exactId));
}

/*
 * Lookups by key go through `cross join lateral (… limit 1)`: one probe of the unique (division, kind, exact_id) index
 * per key, whatever the statistics say. During a first import the tables grow from empty faster than autovacuum
 * analyses them; a plain join or `in (select …)` then planned a scan of the whole division per page (hash join over
 * every card imported so far), which made the import quadratic.
 */
async function loadCards(em: EntityManager, division: number, keys: { kind: string; exactId: string }[]): Promise<Map<string, CardRow>> {
  if (!keys.length) return new Map();
  const rows = await em.execute<Record<string, unknown>[]>(
    `select c.id, c.kind, c.exact_id, c.parent_exact_id, c.number, c.description, c.customer_id, c.relation_exact_id, c.relation_name,
            c.account_manager, c.warehouse_code, to_char(c.due_date, 'YYYY-MM-DD') as due_date,
            to_char(c.exact_start_date, 'YYYY-MM-DD') as exact_start_date, c.quantity::float8 as quantity, c.unit, c.exact_status,
            c.extra, c.related, c.status, c.archived_reason, c.lines, c.exact_timestamp::text as exact_timestamp
       from jsonb_to_recordset(?::jsonb) as k(kind text, exact_id text)
            cross join lateral (select * from plan_card c where c.division = ? and c.kind = k.kind and c.exact_id = k.exact_id limit 1) c`,
    [JSON.stringify(keys.map((k) => ({ kind: k.kind, exact_id: k.exactId }))), division],
  );
  const out = new Map<string, CardRow>();
  for (const r of rows) {
    const row = {
      id: Number(r.id), kind: r.kind, exactId: r.exact_id, status: r.status, archivedReason: r.archived_reason, lines: (r.lines as PlanCardLine[]) ?? [],
      exactTimestamp: r.exact_timestamp,
    } as CardRow;
    for (const f of FIELDS) row[f] = r[COLUMN[f]] ?? null;
    if (row.customerId !== null) row.customerId = Number(row.customerId);
    out.set(`${row.kind}:${row.exactId}`, row);
  }
  return out;
}

function maxTs(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return BigInt(a) >= BigInt(b) ? a : b;
}

/** Inserts new cards and updates changed ones; returns the counts and the ids by `kind:exactId`. */
export async function upsertCards(em: EntityManager, division: number, inputs: CardInput[], opts: { history?: boolean } = {}): Promise<WriteCounts & { ids: Map<string, number> }> {
  const counts = { created: 0, updated: 0, archived: 0 };
  const ids = new Map<string, number>();
  if (!inputs.length) return { ...counts, ids };
  // one input per card: later ones in the page win (they carry a higher Timestamp)
  const byKey = new Map<string, CardInput>();
  for (const i of inputs) {
    const k = `${i.kind}:${i.exactId}`;
    const prev = byKey.get(k);
    byKey.set(k, prev ? { ...prev, ...defined(i), linesMerge: [...(prev.linesMerge ?? []), ...(i.linesMerge ?? [])], linesRemove: [...(prev.linesRemove ?? []), ...(i.linesRemove ?? [])] } : i);
  }
  const existing = await loadCards(em, division, [...byKey.values()]);
  const inserts: Record<string, unknown>[] = [];
  const updates: Record<string, unknown>[] = [];
  const lineUpdates: Record<string, unknown>[] = [];
  const events: { key: string; action: string; changes: Record<string, [unknown, unknown]> | null }[] = [];
  const now = new Date().toISOString();
  for (const [key, input] of byKey) {
    const old = existing.get(key);
    if (!old) {
      const lines = sortLines((input.linesMerge ?? []).filter((l) => !(input.linesRemove ?? []).includes(l.exactId)));
      const archived = input.archive ? input.archive : null;
      inserts.push({
        kind: input.kind, exact_id: input.exactId, parent_exact_id: input.parentExactId ?? null, number: cut(input.number, 40) ?? null,
        description: cut(input.description, 255) ?? null, customer_id: input.customerId ?? null, relation_exact_id: input.relationExactId ?? null,
        relation_name: cut(input.relationName, 200) ?? null, account_manager: cut(input.accountManager, 120) ?? null, warehouse_code: cut(input.warehouseCode, 20) ?? null,
        due_date: input.dueDate ?? null, exact_start_date: input.exactStartDate ?? null, quantity: input.quantity ?? null, unit: cut(input.unit, 20) ?? null,
        exact_status: input.exactStatus ?? null, extra: input.extra ?? {}, related: input.related ?? [], lines,
        status: archived ? 'archived' : 'open', archived_reason: archived, archived_at: archived ? now : null, exact_timestamp: input.exactTimestamp ?? null,
      });
      counts.created++;
      if (archived) counts.archived++;
      continue;
    }
    ids.set(key, old.id);
    const next = { ...old } as CardRow;
    const changes: Record<string, [unknown, unknown]> = {};
    for (const f of FIELDS) {
      let v = (input as unknown as Record<string, unknown>)[f];
      if (v === undefined) continue;
      if (typeof v === 'string') v = cut(v, f === 'description' ? 255 : f === 'relationName' ? 200 : f === 'accountManager' ? 120 : f === 'warehouseCode' || f === 'unit' ? 20 : 40);
      if (!same(old[f], v)) {
        changes[f] = [old[f], v];
        next[f] = v;
      }
    }
    if (input.linesMerge?.length || input.linesRemove?.length || input.linesReplace) {
      const replaced = new Set([...(input.linesMerge ?? []).map((l) => l.exactId), ...(input.linesRemove ?? [])]);
      const lines = sortLines([...old.lines.filter((l) => !input.linesReplace && !replaced.has(l.exactId)), ...(input.linesMerge ?? []).filter((l) => !(input.linesRemove ?? []).includes(l.exactId))]);
      if (!same(lines, old.lines)) {
        changes.lines = [old.lines.length, lines.length];
        next.lines = lines;
      }
    }
    let action = 'updated';
    if (input.archive && old.status === 'open') {
      next.status = 'archived';
      next.archivedReason = input.archive;
      action = 'archived';
      counts.archived++;
    } else if (input.archive === null && old.status === 'archived' && EXACT_REASONS.includes(old.archivedReason ?? '')) {
      next.status = 'open';
      next.archivedReason = null;
      action = 'reopened';
    } else if (input.archive && old.status === 'archived' && old.archivedReason !== input.archive && old.archivedReason !== 'option_off') {
      next.archivedReason = input.archive;
      action = 'archived';
    }
    next.exactTimestamp = maxTs(old.exactTimestamp, input.exactTimestamp);
    if (!Object.keys(changes).length && action === 'updated') continue;
    counts.updated++;
    if (opts.history !== false) events.push({ key, action, changes: Object.keys(changes).length ? changes : null });
    if (action === 'updated' && Object.keys(changes).every((k) => k === 'lines')) {
      // only lines moved (a page of order lines): write just those
      lineUpdates.push({ id: old.id, lines: next.lines, exact_timestamp: next.exactTimestamp });
      continue;
    }
    updates.push({
      id: old.id, parent_exact_id: next.parentExactId, number: next.number, description: next.description, customer_id: next.customerId,
      relation_exact_id: next.relationExactId, relation_name: next.relationName, account_manager: next.accountManager, warehouse_code: next.warehouseCode,
      due_date: next.dueDate, exact_start_date: next.exactStartDate, quantity: next.quantity, unit: next.unit, exact_status: next.exactStatus,
      extra: next.extra ?? {}, related: next.related ?? [], lines: next.lines, status: next.status, archived_reason: next.archivedReason,
      status_changed: next.status !== old.status, exact_timestamp: next.exactTimestamp,
    });
  }
  const conn = em;
  if (inserts.length) {
    const rows = await conn.execute<{ id: number; kind: string; exact_id: string }[]>(
      `insert into plan_card (division, kind, exact_id, parent_exact_id, number, description, customer_id, relation_exact_id, relation_name,
              account_manager, warehouse_code, due_date, exact_start_date, quantity, unit, exact_status, extra, related, lines, status,
              archived_reason, archived_at, exact_timestamp)
       select ?, x.kind, x.exact_id, x.parent_exact_id, x.number, x.description, x.customer_id, x.relation_exact_id, x.relation_name,
              x.account_manager, x.warehouse_code, x.due_date, x.exact_start_date, x.quantity, x.unit, x.exact_status, x.extra, x.related,
              x.lines, x.status, x.archived_reason, x.archived_at, x.exact_timestamp
         from jsonb_to_recordset(?::jsonb) as x(kind text, exact_id text, parent_exact_id text, number text, description text, customer_id int,
              relation_exact_id text, relation_name text, account_manager text, warehouse_code text, due_date date, exact_start_date date,
              quantity numeric, unit text, exact_status int, extra jsonb, related jsonb, lines jsonb, status text, archived_reason text,
              archived_at timestamptz, exact_timestamp bigint)
       on conflict (division, kind, exact_id) do nothing
       returning id, kind, exact_id`,
      [division, JSON.stringify(inserts)],
    );
    for (const r of rows) ids.set(`${r.kind}:${r.exact_id}`, Number(r.id));
  }
  if (updates.length) {
    await conn.execute(
      `update plan_card c set parent_exact_id = x.parent_exact_id, number = x.number, description = x.description, customer_id = x.customer_id,
              relation_exact_id = x.relation_exact_id, relation_name = x.relation_name, account_manager = x.account_manager,
              warehouse_code = x.warehouse_code, due_date = x.due_date, exact_start_date = x.exact_start_date, quantity = x.quantity,
              unit = x.unit, exact_status = x.exact_status, extra = x.extra, related = x.related, lines = x.lines, status = x.status,
              archived_reason = x.archived_reason,
              archived_at = case when x.status_changed then (case when x.status = 'archived' then now() else null end) else c.archived_at end,
              exact_timestamp = x.exact_timestamp, version = c.version + 1, updated_at = now()
         from jsonb_to_recordset(?::jsonb) as x(id int, parent_exact_id text, number text, description text, customer_id int,
              relation_exact_id text, relation_name text, account_manager text, warehouse_code text, due_date date, exact_start_date date,
              quantity numeric, unit text, exact_status int, extra jsonb, related jsonb, lines jsonb, status text, archived_reason text,
              status_changed boolean, exact_timestamp bigint)
        where c.id = x.id`,
      [JSON.stringify(updates)],
    );
  }
  if (lineUpdates.length) {
    await conn.execute(
      `update plan_card c set lines = x.lines, exact_timestamp = x.exact_timestamp, version = c.version + 1, updated_at = now()
         from jsonb_to_recordset(?::jsonb) as x(id int, lines jsonb, exact_timestamp bigint) where c.id = x.id`,
      [JSON.stringify(lineUpdates)],
    );
  }
  if (events.length) {
    await conn.execute(
      `insert into plan_card_event (card_id, source, action, changes) select x.card_id, 'exact', x.action, x.changes
         from jsonb_to_recordset(?::jsonb) as x(card_id int, action text, changes jsonb)`,
      [JSON.stringify(events.map((e) => ({ card_id: ids.get(e.key), action: e.action, changes: e.changes })))],
    );
  }
  return { ...counts, ids };
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Archives every open card of the division matching the condition (deleted in Exact, option switched off). */
export async function archiveCards(em: EntityManager, division: number, where: { kind: PlanCardKind; exactIds?: string[]; parentExactIds?: string[] }, reason: ArchivedReason): Promise<number> {
  const conds: string[] = ['division = ?', 'kind = ?', "status = 'open'"];
  const params: unknown[] = [division, where.kind];
  if (where.exactIds) (conds.push('exact_id in (select jsonb_array_elements_text(?::jsonb))'), params.push(JSON.stringify(where.exactIds)));
  if (where.parentExactIds) (conds.push('parent_exact_id in (select jsonb_array_elements_text(?::jsonb))'), params.push(JSON.stringify(where.parentExactIds)));
  const rows = await em.execute<{ id: number }[]>(
    `update plan_card set status = 'archived', archived_reason = ?, archived_at = now(), version = version + 1, updated_at = now()
      where ${conds.join(' and ')} returning id`,
    [reason, ...params],
  );
  if (rows.length) {
    await em.execute(
      `insert into plan_card_event (card_id, source, action, changes) select id, 'exact', 'archived', jsonb_build_object('reason', jsonb_build_array(null, ?::text))
         from (select (jsonb_array_elements_text(?::jsonb))::int as id) x`,
      [reason, JSON.stringify(rows.map((r) => Number(r.id)))],
    );
  }
  return rows.length;
}

/** Reopens the cards of kinds an option switched back on (only those archived because the option was off). */
export async function reopenOptionCards(em: EntityManager, division: number, kinds: PlanCardKind[]): Promise<number> {
  if (!kinds.length) return 0;
  const rows = await em.execute<{ id: number }[]>(
    `update plan_card set status = 'open', archived_reason = null, archived_at = null, version = version + 1, updated_at = now()
      where division = ? and kind in (select jsonb_array_elements_text(?::jsonb)) and status = 'archived' and archived_reason = 'option_off' returning id`,
    [division, JSON.stringify(kinds)],
  );
  return rows.length;
}

/** Removes lines (deleted in Exact) from the cards of the division that hold them. */
export async function removeLines(em: EntityManager, division: number, kind: PlanCardKind, lineIds: string[]): Promise<number> {
  if (!lineIds.length) return 0;
  const rows = await em.execute<{ id: number }[]>(
    `update plan_card c set lines = coalesce((select jsonb_agg(l) from jsonb_array_elements(c.lines) l where not (l->>'exactId' in (select jsonb_array_elements_text(?::jsonb)))), '[]'::jsonb),
            version = c.version + 1, updated_at = now()
      where c.division = ? and c.kind = ? and exists (select 1 from jsonb_array_elements(c.lines) l where l->>'exactId' in (select jsonb_array_elements_text(?::jsonb)))
      returning c.id`,
    [JSON.stringify(lineIds), division, kind, JSON.stringify(lineIds)],
  );
  return rows.length;
}

export interface ActivityInput {
  kind: PlanActivityKind;
  exactId: string;
  cardKind: PlanCardKind;
  cardExactId: string;
  sequence?: number;
  code?: string | null;
  description?: string | null;
  workcenterCode?: string | null;
  estimatedHours?: number | null;
  setupHours?: number | null;
  runHours?: number | null;
  exactStartDate?: string | null;
  exactEndDate?: string | null;
  status: PlanActivityStatus;
  exactTimestamp?: string | null;
}

/**
 * Activities of a page: their cards are looked up (a card whose header has not arrived yet is created empty and
 * filled when it does), new ones inserted, changed ones updated with the card's version moved too.
 */
export async function upsertActivities(em: EntityManager, division: number, inputs: ActivityInput[]): Promise<WriteCounts> {
  const counts = { created: 0, updated: 0, archived: 0 };
  if (!inputs.length) return counts;
  const cardKeys = [...new Map(inputs.map((i) => [`${i.cardKind}:${i.cardExactId}`, { kind: i.cardKind, exactId: i.cardExactId }])).values()];
  const cards = await upsertCards(em, division, cardKeys.map((k) => ({ kind: k.kind, exactId: k.exactId })), { history: false });
  const conn = em;
  const rows = await conn.execute<{ card_id: number; kind: string; exact_id: string; sequence: number; code: string | null; description: string | null; workcenter_code: string | null; estimated_hours: number | null; setup_hours: number | null; run_hours: number | null; exact_start_date: string | null; exact_end_date: string | null; status: string }[]>(
    `select a.card_id, a.kind, a.exact_id, a.sequence, a.code, a.description, a.workcenter_code, a.estimated_hours::float8 as estimated_hours,
            a.setup_hours::float8 as setup_hours, a.run_hours::float8 as run_hours, to_char(a.exact_start_date, 'YYYY-MM-DD') as exact_start_date,
            to_char(a.exact_end_date, 'YYYY-MM-DD') as exact_end_date, a.status
       from jsonb_to_recordset(?::jsonb) as k(kind text, exact_id text)
            cross join lateral (select * from plan_activity a where a.division = ? and a.kind = k.kind and a.exact_id = k.exact_id limit 1) a`,
    [JSON.stringify(inputs.map((i) => ({ kind: i.kind, exact_id: i.exactId }))), division],
  );
  const old = new Map(rows.map((r) => [`${r.kind}:${r.exact_id}`, r]));
  const out: Record<string, unknown>[] = [];
  const touched = new Set<number>();
  for (const i of inputs) {
    const cardId = cards.ids.get(`${i.cardKind}:${i.cardExactId}`);
    if (!cardId) continue;
    const row = {
      card_id: cardId, kind: i.kind, exact_id: i.exactId, sequence: i.sequence ?? 0, code: cut(i.code, 40) ?? null, description: cut(i.description, 255) ?? null,
      workcenter_code: cut(i.workcenterCode, 40) ?? null, estimated_hours: i.estimatedHours ?? null, setup_hours: i.setupHours ?? null, run_hours: i.runHours ?? null,
      exact_start_date: i.exactStartDate ?? null, exact_end_date: i.exactEndDate ?? null, status: i.status,
    };
    const o = old.get(`${i.kind}:${i.exactId}`);
    if (o) {
      const cmp = { ...o, card_id: Number(o.card_id) };
      if (Object.keys(row).every((k) => same((cmp as Record<string, unknown>)[k], (row as Record<string, unknown>)[k]))) continue;
      counts.updated++;
    } else counts.created++;
    out.push({ ...row, exact_timestamp: i.exactTimestamp ?? null });
    touched.add(cardId);
  }
  if (out.length) {
    await conn.execute(
      `insert into plan_activity (card_id, division, kind, exact_id, sequence, code, description, workcenter_code, estimated_hours, setup_hours,
              run_hours, exact_start_date, exact_end_date, status, exact_timestamp)
       select x.card_id, ?, x.kind, x.exact_id, x.sequence, x.code, x.description, x.workcenter_code, x.estimated_hours, x.setup_hours, x.run_hours,
              x.exact_start_date, x.exact_end_date, x.status, x.exact_timestamp
         from jsonb_to_recordset(?::jsonb) as x(card_id int, kind text, exact_id text, sequence int, code text, description text, workcenter_code text,
              estimated_hours numeric, setup_hours numeric, run_hours numeric, exact_start_date date, exact_end_date date, status text, exact_timestamp bigint)
       on conflict (division, kind, exact_id) do update set card_id = excluded.card_id, sequence = excluded.sequence, code = excluded.code,
              description = excluded.description, workcenter_code = excluded.workcenter_code, estimated_hours = excluded.estimated_hours,
              setup_hours = excluded.setup_hours, run_hours = excluded.run_hours, exact_start_date = excluded.exact_start_date,
              exact_end_date = excluded.exact_end_date, status = excluded.status,
              exact_timestamp = greatest(plan_activity.exact_timestamp, excluded.exact_timestamp),
              version = plan_activity.version + 1, updated_at = now()`,
      [division, JSON.stringify(out)],
    );
    if (counts.updated) await bumpCards(em, [...touched]);
  }
  return counts;
}

async function bumpCards(em: EntityManager, ids: number[]): Promise<void> {
  if (ids.length) await em.execute('update plan_card set version = version + 1, updated_at = now() where id in (select (jsonb_array_elements_text(?::jsonb))::int)', [JSON.stringify(ids)]);
}

/** Activities deleted in Exact: kept (a planner may have planned them) but archived. */
export async function archiveActivities(em: EntityManager, division: number, kind: PlanActivityKind, exactIds: string[]): Promise<number> {
  if (!exactIds.length) return 0;
  const rows = await em.execute<{ card_id: number }[]>(
    `update plan_activity set status = 'archived', version = version + 1, updated_at = now()
      where division = ? and kind = ? and exact_id in (select jsonb_array_elements_text(?::jsonb)) and status <> 'archived' returning card_id`,
    [division, kind, JSON.stringify(exactIds)],
  );
  await bumpCards(em, [...new Set(rows.map((r) => Number(r.card_id)))]);
  return rows.length;
}

/** Every activity of a kind in the division (its option switched off): archived, kept with what was planned. */
export async function archiveActivityKind(em: EntityManager, division: number, kind: PlanActivityKind): Promise<number> {
  const rows = await em.execute<{ exact_id: string }[]>(`select exact_id from plan_activity where division = ? and kind = ? and status <> 'archived'`, [division, kind]);
  return archiveActivities(em, division, kind, rows.map((r) => r.exact_id));
}

export interface ResourceInput {
  kind: PlanResourceKind;
  exactId: string;
  code?: string | null;
  name: string;
  group?: string | null;
  active: boolean;
  exactSchedule: boolean;
  exactTimestamp?: string | null;
}

/** Employees and work centres: insert or update (version moves only when something changed). */
export async function upsertResources(em: EntityManager, division: number, inputs: ResourceInput[]): Promise<WriteCounts> {
  if (!inputs.length) return { created: 0, updated: 0, archived: 0 };
  const rows = await em.execute<{ inserted: boolean }[]>(
    `insert into plan_resource (division, kind, exact_id, code, name, "group", active, exact_schedule, exact_timestamp)
     select ?, x.kind, x.exact_id, x.code, x.name, x."group", x.active, x.exact_schedule, x.exact_timestamp
       from jsonb_to_recordset(?::jsonb) as x(kind text, exact_id text, code text, name text, "group" text, active boolean, exact_schedule boolean, exact_timestamp bigint)
     on conflict (division, kind, exact_id) do update set code = excluded.code, name = excluded.name, "group" = excluded."group",
            active = excluded.active, exact_schedule = excluded.exact_schedule,
            exact_timestamp = greatest(plan_resource.exact_timestamp, excluded.exact_timestamp), version = plan_resource.version + 1, updated_at = now()
      where (plan_resource.code, plan_resource.name, plan_resource."group", plan_resource.active, plan_resource.exact_schedule)
            is distinct from (excluded.code, excluded.name, excluded."group", excluded.active, excluded.exact_schedule)
     returning (xmax = 0) as inserted`,
    [division, JSON.stringify(inputs.map((i) => ({
      kind: i.kind, exact_id: i.exactId, code: cut(i.code, 40) ?? null, name: cut(i.name, 200), group: cut(i.group, 120) ?? null, active: i.active,
      exact_schedule: i.exactSchedule, exact_timestamp: i.exactTimestamp ?? null,
    })))],
  );
  const created = rows.filter((r) => r.inserted).length;
  return { created, updated: rows.length - created, archived: 0 };
}

/** Resources gone from Exact (deleted, or no longer in a full list) are switched off, never deleted. */
export async function deactivateResources(em: EntityManager, division: number, kind: PlanResourceKind, where: { exactIds?: string[]; notIn?: string[] }): Promise<number> {
  const cond = where.exactIds ? 'exact_id in (select jsonb_array_elements_text(?::jsonb))' : 'not (exact_id in (select jsonb_array_elements_text(?::jsonb)))';
  const rows = await em.execute(
    `update plan_resource set active = false, version = version + 1, updated_at = now() where division = ? and kind = ? and active and ${cond} returning id`,
    [division, kind, JSON.stringify(where.exactIds ?? where.notIn ?? [])],
  );
  return rows.length;
}

/** Master data rows (items, relations, warehouses, order headers for the per-line cards). */
export async function upsertMaster(em: EntityManager, division: number, kind: string, rows: { exactId: string; code?: string | null; name?: string | null; data?: Record<string, unknown>; exactTimestamp?: string | null }[]): Promise<WriteCounts> {
  if (!rows.length) return { created: 0, updated: 0, archived: 0 };
  // a row that did not change is not written (and not counted)
  const written = await em.execute<{ inserted: boolean }[]>(
    `insert into plan_master (division, kind, exact_id, code, name, data, exact_timestamp)
     select ?, ?, x.exact_id, x.code, x.name, x.data, x.exact_timestamp
       from jsonb_to_recordset(?::jsonb) as x(exact_id text, code text, name text, data jsonb, exact_timestamp bigint)
     on conflict (division, kind, exact_id) do update set code = excluded.code, name = excluded.name, data = excluded.data,
            exact_timestamp = excluded.exact_timestamp, updated_at = now()
      where (plan_master.code, plan_master.name, plan_master.data) is distinct from (excluded.code, excluded.name, excluded.data)
     returning (xmax = 0) as inserted`,
    [division, kind, JSON.stringify(rows.map((r) => ({ exact_id: r.exactId, code: cut(r.code, 40) ?? null, name: cut(r.name, 255) ?? null, data: r.data ?? null, exact_timestamp: r.exactTimestamp ?? null })))],
  );
  const created = written.filter((r) => r.inserted).length;
  return { created, updated: written.length - created, archived: 0 };
}

export async function masterRows(em: EntityManager, division: number, kind: string, exactIds: string[]): Promise<Map<string, { code: string | null; name: string | null; data: Record<string, unknown> | null }>> {
  if (!exactIds.length) return new Map();
  const rows = await em.execute<{ exact_id: string; code: string | null; name: string | null; data: Record<string, unknown> | null }[]>(
    `select m.exact_id, m.code, m.name, m.data from jsonb_array_elements_text(?::jsonb) as k(exact_id)
            cross join lateral (select * from plan_master m where m.division = ? and m.kind = ? and m.exact_id = k.exact_id limit 1) m`,
    [JSON.stringify([...new Set(exactIds)]), division, kind],
  );
  return new Map(rows.map((r) => [r.exact_id, r]));
}
