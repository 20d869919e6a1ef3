import type { ExactItem, ExactSalesOrderLine } from '../../exact/planning.resources.js';
import type { Feed, FeedContext } from './planning.feeds.js';
import { SAFETY_NET_MINUTES, ZERO, day, flag, lower, num, str, sum, ts } from './planning-feed.kit.js';
import { archiveActivities, masterRows, upsertActivities, type WriteCounts } from './planning-store.js';

/**
 * Items (issue #20): Item keeps the division's item master (searchable, shown by code on cards), HourType the items
 * with a time unit (`IsTime` = 1: Exact's hour types, the activity types of projects and WBS), and ActivityViaItem
 * turns sales order lines with such an item into plannable activities with hours. One sync endpoint
 * (sync/Logistics/Items, topic Items, sync/Deleted type 9) serves all three.
 */

const isTime = (r: ExactItem) => flag(r.IsTime) || String(r.UnitType ?? '').toUpperCase() === 'T';

/** Items master rows (plan_master kind 'item'): insert or update, counted. */
async function upsertItems(fc: FeedContext, rows: ExactItem[]): Promise<WriteCounts> {
  if (!rows.length) return ZERO;
  const out = await fc.em.execute<{ inserted: boolean }[]>(
    `insert into plan_master (division, kind, exact_id, code, name, data, exact_timestamp)
     select ?, 'item', x.exact_id, x.code, x.name, x.data, x.exact_timestamp
       from jsonb_to_recordset(?::jsonb) as x(exact_id text, code text, name text, data jsonb, exact_timestamp bigint)
     on conflict (division, kind, exact_id) do update set code = excluded.code, name = excluded.name, data = excluded.data,
            exact_timestamp = excluded.exact_timestamp, updated_at = now()
      where (plan_master.code, plan_master.name, plan_master.data) is distinct from (excluded.code, excluded.name, excluded.data)
     returning (xmax = 0) as inserted`,
    [fc.division, JSON.stringify(rows.map((r) => ({
      exact_id: lower(r.ID), code: str(r.Code)?.slice(0, 40) ?? null, name: str(r.Description)?.slice(0, 255) ?? null, exact_timestamp: ts(r.Timestamp),
      data: {
        unit: str(r.Unit), unitDescription: str(r.UnitDescription), unitType: str(r.UnitType), isTime: isTime(r), sales: r.IsSalesItem === true,
        purchase: r.IsPurchaseItem === true, stock: r.IsStockItem === true, make: flag(r.IsMakeItem), searchCode: str(r.SearchCode), endDate: day(r.EndDate),
      },
    })))],
  );
  const created = out.filter((r) => r.inserted).length;
  return { created, updated: out.length - created, archived: 0 };
}

async function removeItems(fc: FeedContext, ids: string[]): Promise<number> {
  if (!ids.length) return 0;
  const rows = await fc.em.execute(
    `delete from plan_master where division = ? and kind = 'item' and exact_id in (select jsonb_array_elements_text(?::jsonb)) returning id`,
    [fc.division, JSON.stringify(ids)],
  );
  return rows.length;
}

export const itemsFeed: Feed = {
  name: 'items',
  on: (o) => o.Item || o.HourType || o.ActivityViaItem,
  topic: 'Items',
  everyMinutes: SAFETY_NET_MINUTES,
  sync: {
    name: 'items',
    select: ['ID', 'Code', 'Description', 'Unit', 'UnitDescription', 'UnitType', 'IsTime', 'IsSalesItem', 'IsPurchaseItem', 'IsStockItem', 'IsMakeItem', 'SearchCode', 'EndDate', 'Timestamp'],
  },
  deleted: { 9: (fc, keys) => removeItems(fc, keys) },
  async apply(fc, raw) {
    const rows = raw as ExactItem[];
    // without Item only the hour types are kept; an item that stops being one leaves
    const keep = fc.options.Item ? rows : rows.filter(isTime);
    const w = await upsertItems(fc, keep);
    const dropped = fc.options.Item ? 0 : await removeItems(fc, rows.filter((r) => !isTime(r)).map((r) => lower(r.ID)!));
    return { ...w, archived: dropped };
  },
};

/** Hours in a quantity of a time unit (uur/hour by default; minutes and days converted, a day being 8 hours). */
function hoursOf(quantity: number | null, unit: string | null): number | null {
  if (quantity === null) return null;
  const u = (unit ?? '').trim().toLowerCase();
  if (['min', 'minuut', 'minuten', 'minute', 'minutes'].includes(u)) return Math.round((quantity / 60) * 100) / 100;
  if (['dag', 'dagen', 'day', 'days', 'd'].includes(u)) return quantity * 8;
  return quantity;
}

/**
 * ActivityViaItem: the lines of a sales-order page whose item is an hour type become activities (kind 'item', the
 * line's ID) on the order's card — or on the line's own card with SalesOrderRow only. A line whose item no longer is
 * one leaves (archived, kept for what was planned).
 */
export async function itemActivities(fc: FeedContext, rows: ExactSalesOrderLine[]): Promise<WriteCounts> {
  if (!rows.length) return ZERO;
  const items = await masterRows(fc.em, fc.division, 'item', rows.map((r) => lower(r.Item) ?? '').filter(Boolean));
  const timed = rows.filter((r) => items.get(lower(r.Item) ?? '')?.data?.isTime === true);
  const other = rows.filter((r) => !timed.includes(r)).map((r) => lower(r.ID)!);
  const onOrder = fc.options.SalesOrder;
  const w = await upsertActivities(fc.em, fc.division, timed.map((r) => ({
    kind: 'item' as const, exactId: lower(r.ID)!, cardKind: onOrder ? ('sales_order' as const) : ('sales_order_line' as const),
    cardExactId: onOrder ? lower(r.OrderID)! : lower(r.ID)!, sequence: num(r.LineNumber) ?? 0, code: str(r.ItemCode),
    description: str(r.Description) ?? str(r.ItemDescription), estimatedHours: hoursOf(num(r.Quantity), str(r.UnitCode)), exactEndDate: day(r.DeliveryDate),
    status: 'open' as const, exactTimestamp: ts(r.Timestamp),
  })));
  return sum(w, { created: 0, updated: 0, archived: await archiveActivities(fc.em, fc.division, 'item', other) });
}
