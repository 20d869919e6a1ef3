import type { EntityManager } from '@mikro-orm/postgresql';
import type { ExactMaterialPlan, ExactRelation, ExactWarehouse } from '../../exact/planning.resources.js';
import type { PlanCardMaterial } from './plan-card.entity.js';
import type { Feed, FeedContext } from './planning.feeds.js';
import { upsertCards, upsertMaster, type WriteCounts } from './planning-store.js';

/**
 * Master data and materials (issue 20): SalesRelation / PurchaseRelation (customers and suppliers from
 * sync/CRM/Accounts, linked to Koppel's customers through the customers module, never copied), Warehouse (codes from
 * inventory/Warehouses, searchable, not on cards) and the materials of shop orders (sync/Manufacturing/
 * ShopOrderMaterialPlans, on the shop order's card). Same shape as planning.feeds.ts: a feed per Exact source.
 */

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v).trim() || null);
const num = (v: unknown): number | null => (v === null || v === undefined || v === '' || Number.isNaN(Number(v)) ? null : Number(v));
const lower = (v: string | null | undefined) => (v ? v.toLowerCase() : null);
const ts = (v: bigint | null | undefined): string | null => (v === null || v === undefined ? null : String(v));
const day = (d: Date | null | undefined): string | null => (d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString().slice(0, 10) : null);
const ids = (xs: string[]) => JSON.stringify([...new Set(xs)]);

// ---- relations ----------------------------------------------------------------------------------

/** What a relation is for planning: a supplier (IsSupplier) and/or a customer (sales account, or anything not a pure supplier). */
export function relationRoles(r: ExactRelation): { isCustomer: boolean; isSupplier: boolean } {
  const isSupplier = r.IsSupplier === true;
  const status = (r.Status ?? '').trim();
  const isCustomer = r.IsSales === true || ['C', 'P', 'S'].includes(status) || !isSupplier;
  return { isCustomer, isSupplier };
}

/** Relations master data; the cards of a relation point at the Koppel customer it is linked to. */
export const relations: Feed = {
  name: 'relations',
  on: (o) => o.SalesRelation || o.PurchaseRelation,
  topic: 'Accounts',
  everyMinutes: 6 * 60,
  sync: {
    name: 'accounts',
    select: ['ID', 'Code', 'Name', 'Status', 'IsSales', 'IsSupplier', 'Blocked', 'AddressLine1', 'AddressLine2', 'Postcode', 'City', 'Country', 'Email', 'Phone', 'VATNumber', 'ChamberOfCommerce', 'Timestamp'],
  },
  deleted: { 2: (fc, keys) => dropMaster(fc.em, fc.division, 'relation', keys) },
  async apply(fc, raw) {
    const rows = raw as ExactRelation[];
    const wanted = rows.filter((r) => {
      const { isCustomer, isSupplier } = relationRoles(r);
      return (fc.options.SalesRelation && isCustomer) || (fc.options.PurchaseRelation && isSupplier);
    });
    // an account that is no longer a customer or supplier (as far as the options go) leaves the master data
    const dropped = rows.filter((r) => !wanted.includes(r)).map((r) => lower(r.ID)!);
    if (dropped.length) await dropMaster(fc.em, fc.division, 'relation', dropped);
    if (!wanted.length) return { created: 0, updated: 0, archived: 0 };
    const customers = await fc.relations(wanted);
    const counts = await upsertMaster(fc.em, fc.division, 'relation', wanted.map((r) => {
      const roles = relationRoles(r);
      return {
        exactId: lower(r.ID)!, code: str(r.Code), name: str(r.Name), exactTimestamp: ts(r.Timestamp),
        data: {
          ...roles, customerId: customers.get(lower(r.ID)!) ?? null, blocked: r.Blocked === true,
          address: { line1: str(r.AddressLine1), line2: str(r.AddressLine2), postcode: str(r.Postcode), city: str(r.City), country: str(r.Country) },
          email: str(r.Email), phone: str(r.Phone),
        },
      };
    }));
    // cards of these relations imported before the link existed point at the customer now
    await linkCards(fc.em, fc.division, [...customers].map(([exactId, customerId]) => ({ exactId, customerId })));
    return counts;
  },
};

async function linkCards(em: EntityManager, division: number, links: { exactId: string; customerId: number }[]): Promise<void> {
  if (!links.length) return;
  await em.execute(
    `update plan_card c set customer_id = x.customer_id, version = c.version + 1, updated_at = now()
       from jsonb_to_recordset(?::jsonb) as x(exact_id text, customer_id int)
      where c.division = ? and c.relation_exact_id = x.exact_id and c.customer_id is distinct from x.customer_id`,
    [JSON.stringify(links.map((l) => ({ exact_id: l.exactId, customer_id: l.customerId }))), division],
  );
}

async function dropMaster(em: EntityManager, division: number, kind: string, exactIds: string[]): Promise<number> {
  if (!exactIds.length) return 0;
  const rows = await em.execute(`delete from plan_master where division = ? and kind = ? and exact_id in (select jsonb_array_elements_text(?::jsonb)) returning id`, [division, kind, ids(exactIds)]);
  return rows.length;
}

// ---- warehouses ---------------------------------------------------------------------------------

/** Warehouse codes (no sync API in Exact: the short list is read whole once a day). */
export const warehouses: Feed = {
  name: 'warehouses',
  on: (o) => o.Warehouse,
  everyMinutes: 24 * 60,
  deleted: {},
  async list(api, opts) {
    let calls = 0;
    const rows: ExactWarehouse[] = [];
    for await (const page of api.warehouses.pages(api.warehousesFirstPage(), opts)) {
      calls++;
      rows.push(...page.rows);
    }
    return { rows, calls: Math.max(1, calls) };
  },
  apply: (fc, raw) =>
    upsertMaster(fc.em, fc.division, 'warehouse', (raw as ExactWarehouse[]).filter((w) => str(w.Code)).map((w) => ({
      exactId: lower(w.ID)!, code: str(w.Code), name: str(w.Description), data: { main: num(w.Main) === 1 },
    }))),
  afterList: async (fc, raw) => {
    const present = (raw as ExactWarehouse[]).map((w) => lower(w.ID)!);
    const rows = await fc.em.execute(
      `delete from plan_master where division = ? and kind = 'warehouse' and not (exact_id in (select jsonb_array_elements_text(?::jsonb))) returning id`,
      [fc.division, ids(present)],
    );
    return rows.length;
  },
};

// ---- shop-order materials -----------------------------------------------------------------------

function materialOf(r: ExactMaterialPlan): PlanCardMaterial {
  return {
    exactId: lower(r.ID)!, lineNumber: num(r.LineNumber), itemCode: str(r.ItemCode), description: str(r.Description) ?? str(r.ItemDescription),
    quantity: num(r.PlannedQuantity), unit: str(r.Unit), plannedDate: day(r.PlannedDate), issued: num(r.Status) === 30,
  };
}

/** The materials of shop orders (ShopOrderMaterialPlans), on the shop order's card; polled like the operations. */
export const materials: Feed = {
  name: 'materials',
  on: (o) => o.ProductionOrder,
  everyMinutes: 120,
  sync: { name: 'materialPlans', select: ['ID', 'ShopOrder', 'LineNumber', 'ItemCode', 'ItemDescription', 'Description', 'PlannedQuantity', 'Unit', 'PlannedDate', 'Status', 'Timestamp'] },
  deleted: { 37: (fc, keys) => removeMaterials(fc.em, fc.division, keys) },
  apply: (fc, raw) => upsertMaterials(fc, raw as ExactMaterialPlan[]),
};

/**
 * Merges a page of material plans into their shop orders' cards (a card whose header has not arrived yet is created
 * empty and filled when it does, as for operations). Only cards whose materials changed are written.
 */
async function upsertMaterials(fc: FeedContext, rows: ExactMaterialPlan[]): Promise<WriteCounts> {
  const byOrder = new Map<string, PlanCardMaterial[]>();
  for (const r of rows) {
    const order = lower(r.ShopOrder);
    if (!order) continue;
    byOrder.set(order, [...(byOrder.get(order) ?? []), materialOf(r)]);
  }
  if (!byOrder.size) return { created: 0, updated: 0, archived: 0 };
  await upsertCards(fc.em, fc.division, [...byOrder.keys()].map((exactId) => ({ kind: 'shop_order' as const, exactId })), { history: false });
  const current = await fc.em.execute<{ id: number; exact_id: string; materials: PlanCardMaterial[] }[]>(
    `select c.id, c.exact_id, c.materials from jsonb_array_elements_text(?::jsonb) as k(exact_id)
            cross join lateral (select id, exact_id, materials from plan_card c where c.division = ? and c.kind = 'shop_order' and c.exact_id = k.exact_id limit 1) c`,
    [ids([...byOrder.keys()]), fc.division],
  );
  const out: { id: number; materials: PlanCardMaterial[] }[] = [];
  let created = 0;
  for (const c of current) {
    const incoming = byOrder.get(c.exact_id) ?? [];
    const old = c.materials ?? [];
    const replaced = new Set(incoming.map((m) => m.exactId));
    const next = [...old.filter((m) => !replaced.has(m.exactId)), ...incoming].sort((a, b) => (a.lineNumber ?? 0) - (b.lineNumber ?? 0) || a.exactId.localeCompare(b.exactId));
    if (JSON.stringify(next) === JSON.stringify(old)) continue;
    created += incoming.filter((m) => !old.some((o) => o.exactId === m.exactId)).length;
    out.push({ id: Number(c.id), materials: next });
  }
  if (out.length) {
    await fc.em.execute(
      `update plan_card c set materials = x.materials, version = c.version + 1, updated_at = now()
         from jsonb_to_recordset(?::jsonb) as x(id int, materials jsonb) where c.id = x.id`,
      [JSON.stringify(out)],
    );
  }
  return { created, updated: out.length, archived: 0 };
}

/** Materials deleted in Exact (sync/Deleted type 37) leave their cards. */
async function removeMaterials(em: EntityManager, division: number, materialIds: string[]): Promise<number> {
  if (!materialIds.length) return 0;
  const rows = await em.execute(
    `update plan_card c set materials = coalesce((select jsonb_agg(m) from jsonb_array_elements(c.materials) m where not (m->>'exactId' in (select jsonb_array_elements_text(?::jsonb)))), '[]'::jsonb),
            version = c.version + 1, updated_at = now()
      where c.division = ? and c.kind = 'shop_order'
        and exists (select 1 from jsonb_array_elements(c.materials) m where m->>'exactId' in (select jsonb_array_elements_text(?::jsonb)))
      returning c.id`,
    [ids(materialIds), division, ids(materialIds)],
  );
  return rows.length;
}
