import type { EntityManager } from '@mikro-orm/postgresql';
import type {
  ExactEmployee, ExactPurchaseOrder, ExactPurchaseOrderLine, ExactQuotation, ExactQuotationLine, ExactRoutingStep, ExactSalesOrderHeader, ExactSalesOrderLine, ExactShopOrder, ExactWorkcenter, PlanningApi, PlanningSyncName,
} from '../../exact/planning.resources.js';
import type { CallOptions } from '../../exact/resource.js';
import type { ExactLeaveDay, ExactRelation, ExactSchedule, ExactScheduleEntry } from '../../exact/planning.resources.js';
import { materials, relations, warehouses } from './planning-master.feeds.js';
import { applyLeave, applySchedules, applyScheduleEntries, deleteLeave, deleteScheduleEntries, deleteSchedules } from './planning-hr.js';
import type { PlanningOptions } from './planning.options.js';
import { itemActivities, itemsFeed } from './planning-items.feeds.js';
import { hourBudgetsFeed, projectWbsFeed, projectsFeed } from './planning-projects.feeds.js';
import { SAFETY_NET_MINUTES, ZERO, cards, day, lower, num, str, sum, ts } from './planning-feed.kit.js';
import type { ArchivedReason, PlanActivityStatus, PlanCardLine } from './plan-card.entity.js';
import {
  archiveActivities, archiveCards, deactivateResources, masterRows, removeLines, upsertActivities, upsertCards, upsertMaster, upsertResources,
  type CardInput, type WriteCounts,
} from './planning-store.js';

/**
 * The planning "feeds": one per Exact sync endpoint (or list) an option switches on. Each knows which options need
 * it, its webhook topic (if Exact has one), how often it is polled when a topic cannot tell us about changes, its
 * sync/Deleted entity types, and how a page of rows becomes cards, activities or resources.
 */

export interface FeedContext {
  em: EntityManager;
  division: number;
  options: PlanningOptions;
  /** today's business date (Clock), yyyy-mm-dd */
  today: string;
  /** record changes in the cards' history (off during a feed's first import) */
  history: boolean;
  /** Exact account IDs → Koppel customer ids (customers module) */
  customers(accountIds: string[]): Promise<Map<string, number>>;
  /** Exact relations → Koppel customer ids, linking the ones not linked yet (customers module; never a new customer) */
  relations(accounts: ExactRelation[]): Promise<Map<string, number>>;
}

export interface Feed {
  /** stable name: summaries, labels (planning.feed.<name>), cursor key */
  name: string;
  on(o: PlanningOptions): boolean;
  /** the webhook topic that reports changes of this entity */
  topic?: string;
  /** minutes between polls while webhooks are on: the safety net for a feed with a topic, the poll for one without */
  everyMinutes: number;
  /** sync/Deleted EntityType → handler */
  deleted: Record<number, (fc: FeedContext, keys: string[]) => Promise<number>>;
  /** a sync endpoint and its $select … */
  sync?: { name: PlanningSyncName; select: readonly string[] };
  /** reads what a page of sync rows lacks (an order's lines) before it is applied; `budget` waits for the rate limit */
  enrich?: (api: PlanningApi, rows: unknown[], opts: CallOptions, budget: () => Promise<void>) => Promise<{ rows: unknown[]; calls: number }>;
  /**
   * … or a list (entities without a sync API). `state.cursor` is what the last list returned (null on a first import or
   * restart); `full: false` in the answer = only changes were read (afterList is skipped), `cursor` is kept for next time.
   */
  list?: (api: PlanningApi, opts: CallOptions, state: ListState) => Promise<{ rows: unknown[]; calls: number; cursor?: string; full?: boolean }>;
  apply(fc: FeedContext, rows: unknown[]): Promise<WriteCounts>;
  /** after a full list: what is no longer there */
  afterList?: (fc: FeedContext, rows: unknown[]) => Promise<number>;
}

/** What a list feed is told: its cursor, whether a person asked for the run (then read everything), now, the rate limit. */
export interface ListState {
  cursor: string | null;
  userAsked: boolean;
  now: Date;
  budget: () => Promise<void>;
}

export { SAFETY_NET_MINUTES };

/** Sales order status 12 open, 20 partial, 21 complete, 45 cancelled (API.md §7.8). */
function salesArchive(status: number | null | undefined): ArchivedReason | null {
  return status === 21 ? 'completed' : status === 45 ? 'cancelled' : null;
}

// ---- sales orders -----------------------------------------------------------------------------

const salesOn = (o: PlanningOptions) => o.SalesOrder || o.SalesOrderRow;

interface OrderHeader {
  number: string | null;
  relationExactId: string | null;
  relationName: string | null;
  accountManager: string | null;
  warehouseCode: string | null;
  deliveryDate: string | null;
  status: number | null;
  description: string | null;
}

const salesOrderHeaders: Feed = {
  name: 'sales-orders',
  on: salesOn,
  topic: 'SalesOrders',
  everyMinutes: SAFETY_NET_MINUTES,
  sync: { name: 'salesOrderHeaders', select: ['OrderID', 'OrderNumber', 'Description', 'OrderedBy', 'OrderedByName', 'DeliveryDate', 'Status', 'SalespersonFullName', 'WarehouseCode', 'YourRef', 'Timestamp'] },
  deleted: {
    32: async (fc, keys) =>
      (await archiveCards(fc.em, fc.division, { kind: 'sales_order', exactIds: keys }, 'deleted')) +
      (await archiveCards(fc.em, fc.division, { kind: 'sales_order_line', parentExactIds: keys }, 'deleted')),
  },
  async apply(fc, raw) {
    const rows = raw as ExactSalesOrderHeader[];
    const customers = await fc.customers(rows.map((r) => r.OrderedBy ?? '').filter(Boolean));
    const headers = new Map<string, OrderHeader>();
    for (const r of rows) {
      headers.set(lower(r.OrderID)!, {
        number: str(r.OrderNumber), relationExactId: lower(r.OrderedBy), relationName: str(r.OrderedByName), accountManager: str(r.SalespersonFullName),
        warehouseCode: str(r.WarehouseCode), deliveryDate: day(r.DeliveryDate), status: num(r.Status), description: str(r.Description),
      });
    }
    // kept for the per-line cards and the shop orders made for an order (their relation comes from the order)
    await upsertMaster(fc.em, fc.division, 'order', rows.map((r) => ({
      exactId: lower(r.OrderID)!, code: str(r.OrderNumber), name: str(r.OrderedByName), exactTimestamp: ts(r.Timestamp),
      data: { ...headers.get(lower(r.OrderID)!) },
    })));
    let counts = ZERO;
    if (fc.options.SalesOrder) {
      counts = sum(counts, await cards(fc, rows.map((r): CardInput => {
        const h = headers.get(lower(r.OrderID)!)!;
        return {
          kind: 'sales_order', exactId: lower(r.OrderID)!, number: h.number, description: h.description ?? (r.YourRef ? str(r.YourRef) : null),
          relationExactId: h.relationExactId, relationName: h.relationName, customerId: customers.get(h.relationExactId ?? '') ?? null,
          accountManager: h.accountManager, warehouseCode: h.warehouseCode, dueDate: h.deliveryDate, exactStatus: h.status,
          extra: { yourRef: str(r.YourRef) }, archive: salesArchive(h.status), exactTimestamp: ts(r.Timestamp),
        };
      })));
    }
    if (fc.options.SalesOrderRow) {
      // the header's data on every line card of the order
      const lineCards = await fc.em.execute<{ exact_id: string; parent_exact_id: string }[]>(
        `select exact_id, parent_exact_id from plan_card where division = ? and kind = 'sales_order_line' and parent_exact_id in (select jsonb_array_elements_text(?::jsonb))`,
        [fc.division, JSON.stringify([...headers.keys()])],
      );
      counts = sum(counts, await cards(fc, lineCards.map((c): CardInput => {
        const h = headers.get(c.parent_exact_id)!;
        return {
          kind: 'sales_order_line', exactId: c.exact_id, number: h.number, relationExactId: h.relationExactId, relationName: h.relationName,
          customerId: customers.get(h.relationExactId ?? '') ?? null, accountManager: h.accountManager, warehouseCode: h.warehouseCode,
          archive: salesArchive(h.status),
        };
      })));
    }
    return counts;
  },
};

function lineOf(r: ExactSalesOrderLine): PlanCardLine {
  return {
    exactId: lower(r.ID)!, lineNumber: num(r.LineNumber), itemCode: str(r.ItemCode), description: str(r.ItemDescription) ?? str(r.Description),
    quantity: num(r.Quantity), unit: str(r.UnitCode), deliveryDate: day(r.DeliveryDate), doneQuantity: num(r.QuantityDelivered),
  };
}

const salesOrderLines: Feed = {
  name: 'sales-order-lines',
  on: salesOn,
  topic: 'SalesOrders',
  everyMinutes: SAFETY_NET_MINUTES,
  sync: {
    name: 'salesOrderLines',
    select: ['ID', 'OrderID', 'OrderNumber', 'LineNumber', 'Item', 'ItemCode', 'ItemDescription', 'Description', 'Quantity', 'QuantityDelivered', 'UnitCode', 'DeliveryDate', 'ShopOrder', 'Timestamp'],
  },
  deleted: {
    33: async (fc, keys) =>
      (await removeLines(fc.em, fc.division, 'sales_order', keys)) + (await archiveCards(fc.em, fc.division, { kind: 'sales_order_line', exactIds: keys }, 'deleted')) +
      (fc.options.ActivityViaItem ? await archiveActivities(fc.em, fc.division, 'item', keys) : 0),
  },
  async apply(fc, raw) {
    const rows = raw as ExactSalesOrderLine[];
    let counts = ZERO;
    // the orders' headers and customers only for what shows them (a line card, a shop order made for a line)
    const made = fc.options.ProductionOrder ? rows.filter((r) => r.ShopOrder) : [];
    const needHeaders = fc.options.SalesOrderRow || made.length > 0;
    const orders = needHeaders ? await masterRows(fc.em, fc.division, 'order', rows.map((r) => lower(r.OrderID)!)) : new Map<string, { data: Record<string, unknown> | null }>();
    const headerOf = (id: string) => (orders.get(id)?.data ?? null) as OrderHeader | null;
    const customers = needHeaders ? await fc.customers([...orders.values()].map((o) => String((o.data as OrderHeader | null)?.relationExactId ?? '')).filter(Boolean)) : new Map<string, number>();
    if (fc.options.SalesOrder) {
      const byOrder = new Map<string, ExactSalesOrderLine[]>();
      for (const r of rows) byOrder.set(lower(r.OrderID)!, [...(byOrder.get(lower(r.OrderID)!) ?? []), r]);
      const c = await cards(fc, [...byOrder].map(([order, lines]): CardInput => ({
        kind: 'sales_order', exactId: order, number: str(lines[0].OrderNumber), linesMerge: lines.map(lineOf),
      })));
      // lines of an order do not make a card "new": count them as updates
      counts = sum(counts, { created: 0, updated: c.created + c.updated, archived: c.archived });
    }
    if (fc.options.SalesOrderRow) {
      counts = sum(counts, await cards(fc, rows.map((r): CardInput => {
        const h = headerOf(lower(r.OrderID)!);
        const line = lineOf(r);
        return {
          kind: 'sales_order_line', exactId: line.exactId, parentExactId: lower(r.OrderID), number: str(r.OrderNumber), description: line.description ?? null,
          quantity: line.quantity ?? null, unit: line.unit ?? null, dueDate: line.deliveryDate ?? h?.deliveryDate ?? null,
          relationExactId: h?.relationExactId ?? null, relationName: h?.relationName ?? null, customerId: customers.get(h?.relationExactId ?? '') ?? null,
          accountManager: h?.accountManager ?? null, warehouseCode: h?.warehouseCode ?? null, linesMerge: [line],
          extra: { lineNumber: line.lineNumber, itemCode: line.itemCode }, archive: salesArchive(h?.status), exactTimestamp: ts(r.Timestamp),
        };
      })));
    }
    if (fc.options.ActivityViaItem) counts = sum(counts, await itemActivities(fc, rows));
    if (fc.options.ProductionOrder) {
      // a shop order made for an order line shows the order and its customer
      if (made.length) {
        await cards(fc, made.map((r): CardInput => {
          const h = headerOf(lower(r.OrderID)!);
          return {
            kind: 'shop_order', exactId: lower(r.ShopOrder)!, related: [{ kind: 'sales_order', exactId: lower(r.OrderID)!, number: str(r.OrderNumber) }],
            relationExactId: h?.relationExactId ?? null, relationName: h?.relationName ?? null, customerId: customers.get(h?.relationExactId ?? '') ?? null,
          };
        }));
      }
    }
    return counts;
  },
};

// ---- purchase orders ---------------------------------------------------------------------------

/** Purchase order status 10 open, 20 partial, 30 complete, 40 cancelled (API.md §7.8). */
function purchaseArchive(status: number | null | undefined): ArchivedReason | null {
  return status === 30 ? 'completed' : status === 40 ? 'cancelled' : null;
}

function purchaseLineOf(r: ExactPurchaseOrderLine): PlanCardLine {
  return {
    exactId: lower(r.ID)!, lineNumber: num(r.LineNumber), itemCode: str(r.ItemCode), description: str(r.Description) ?? str(r.ItemDescription),
    quantity: num(r.QuantityInPurchaseUnits) ?? num(r.Quantity), unit: str(r.Unit), deliveryDate: day(r.ReceiptDate), doneQuantity: num(r.ReceivedQuantity),
  };
}

/**
 * PurchaseOrder (a card per order: number, supplier, receipt date, lines) and PurchaseOrderRow (a card per line, to
 * follow partial receipts). The sync endpoint has one row per order; a change of a line moves the order's Timestamp,
 * so the order is read again and its lines with it (purchaseorder/PurchaseOrderLines, a few orders per call).
 */
const purchaseOrders: Feed = {
  name: 'purchase-orders',
  on: (o) => o.PurchaseOrder || o.PurchaseOrderRow,
  topic: 'PurchaseOrders',
  everyMinutes: SAFETY_NET_MINUTES,
  sync: {
    name: 'purchaseOrders',
    select: ['PurchaseOrderID', 'OrderNumber', 'Description', 'Supplier', 'SupplierCode', 'SupplierName', 'SupplierContactPersonFullName', 'PurchaseAgentFullName',
      'OrderDate', 'ReceiptDate', 'OrderStatus', 'ReceiptStatus', 'WarehouseCode', 'YourRef', 'Remarks', 'Timestamp'],
  },
  async enrich(api, raw, opts, budget) {
    const rows = raw as ExactPurchaseOrder[];
    const { lines, calls } = await api.purchaseOrderLines(rows.map((r) => r.PurchaseOrderID), opts, budget);
    const byOrder = new Map<string, ExactPurchaseOrderLine[]>();
    for (const l of lines) byOrder.set(lower(l.PurchaseOrderID)!, [...(byOrder.get(lower(l.PurchaseOrderID)!) ?? []), l]);
    return { rows: rows.map((r) => ({ ...r, PurchaseOrderLines: byOrder.get(lower(r.PurchaseOrderID)!) ?? [] })), calls };
  },
  deleted: {
    22: async (fc, keys) =>
      (await archiveCards(fc.em, fc.division, { kind: 'purchase_order', exactIds: keys }, 'deleted')) +
      (await archiveCards(fc.em, fc.division, { kind: 'purchase_order_line', parentExactIds: keys }, 'deleted')),
  },
  async apply(fc, raw) {
    const rows = raw as ExactPurchaseOrder[];
    const customers = await fc.customers(rows.map((r) => r.Supplier ?? '').filter(Boolean));
    const header = (r: ExactPurchaseOrder) => ({
      number: str(r.OrderNumber), relationExactId: lower(r.Supplier), relationName: str(r.SupplierName), customerId: customers.get(lower(r.Supplier) ?? '') ?? null,
      accountManager: str(r.PurchaseAgentFullName), warehouseCode: str(r.WarehouseCode), exactStatus: num(r.OrderStatus),
      archive: purchaseArchive(num(r.OrderStatus)), exactTimestamp: ts(r.Timestamp),
    });
    const extra = (r: ExactPurchaseOrder) => ({
      supplierCode: str(r.SupplierCode), supplierContact: str(r.SupplierContactPersonFullName), yourRef: str(r.YourRef), orderDate: day(r.OrderDate), remarks: str(r.Remarks),
    });
    let counts = ZERO;
    if (fc.options.PurchaseOrder) {
      counts = sum(counts, await cards(fc, rows.map((r): CardInput => ({
        kind: 'purchase_order', exactId: lower(r.PurchaseOrderID)!, ...header(r), description: str(r.Description) ?? str(r.YourRef), dueDate: day(r.ReceiptDate),
        extra: extra(r), linesMerge: (r.PurchaseOrderLines ?? []).map(purchaseLineOf), linesReplace: true,
      }))));
    }
    if (fc.options.PurchaseOrderRow) {
      const inputs: CardInput[] = [];
      for (const r of rows) {
        for (const l of r.PurchaseOrderLines ?? []) {
          const line = purchaseLineOf(l);
          inputs.push({
            kind: 'purchase_order_line', exactId: line.exactId, parentExactId: lower(r.PurchaseOrderID), ...header(r), description: line.description ?? null,
            quantity: line.quantity ?? null, unit: line.unit ?? null, dueDate: line.deliveryDate ?? day(r.ReceiptDate), linesMerge: [line], linesReplace: true,
            extra: { ...extra(r), lineNumber: line.lineNumber, itemCode: line.itemCode },
          });
        }
      }
      counts = sum(counts, await cards(fc, inputs));
      // lines no longer on an order read here were deleted in Exact
      const present = new Set(inputs.map((i) => i.exactId));
      const open = await fc.em.execute<{ exact_id: string }[]>(
        `select exact_id from plan_card where division = ? and kind = 'purchase_order_line' and status = 'open' and parent_exact_id in (select jsonb_array_elements_text(?::jsonb))`,
        [fc.division, JSON.stringify(rows.map((r) => lower(r.PurchaseOrderID)))],
      );
      const gone = open.map((o) => o.exact_id).filter((id) => !present.has(id));
      if (gone.length) counts = sum(counts, { created: 0, updated: 0, archived: await archiveCards(fc.em, fc.division, { kind: 'purchase_order_line', exactIds: gone }, 'deleted') });
    }
    return counts;
  },
};

// ---- quotations ------------------------------------------------------------------------------------

/**
 * Quotation status (API.md, crm/Quotations): 50 accepted and 70 accepted-with-processing-error → accepted; 5 rejected; 6
 * "reviewed & closed" (a newer version replaced it: that version is its own card) → cancelled; the rest is open.
 */
function quotationArchive(status: number | null): ArchivedReason | null {
  return status === 50 || status === 70 ? 'accepted' : status === 5 ? 'rejected' : status === 6 ? 'cancelled' : null;
}

const quotations: Feed = {
  name: 'quotations',
  on: (o) => o.Quotation,
  topic: 'Quotations',
  everyMinutes: SAFETY_NET_MINUTES,
  sync: {
    name: 'quotationHeaders',
    select: ['QuotationID', 'QuotationNumber', 'VersionNumber', 'Description', 'OrderAccount', 'OrderAccountName', 'SalesPersonFullName', 'ClosingDate', 'DueDate',
      'DeliveryDate', 'Status', 'YourRef', 'WarehouseCode', 'Timestamp'],
  },
  deleted: { 34: (fc, keys) => archiveCards(fc.em, fc.division, { kind: 'quotation', exactIds: keys }, 'deleted') },
  async apply(fc, raw) {
    const rows = raw as ExactQuotation[];
    const customers = await fc.customers(rows.map((r) => r.OrderAccount ?? '').filter(Boolean));
    return cards(fc, rows.map((r): CardInput => ({
      kind: 'quotation', exactId: lower(r.QuotationID)!, number: str(r.QuotationNumber), description: str(r.Description) ?? str(r.YourRef),
      relationExactId: lower(r.OrderAccount), relationName: str(r.OrderAccountName), customerId: customers.get(lower(r.OrderAccount) ?? '') ?? null,
      accountManager: str(r.SalesPersonFullName), warehouseCode: str(r.WarehouseCode), dueDate: day(r.ClosingDate), exactStatus: num(r.Status),
      extra: { version: num(r.VersionNumber), yourRef: str(r.YourRef), validUntil: day(r.DueDate), deliveryDate: day(r.DeliveryDate) },
      archive: quotationArchive(num(r.Status)), exactTimestamp: ts(r.Timestamp),
    })));
  },
};

const quotationLines: Feed = {
  name: 'quotation-lines',
  on: (o) => o.Quotation,
  topic: 'Quotations',
  everyMinutes: SAFETY_NET_MINUTES,
  sync: { name: 'quotationLines', select: ['ID', 'QuotationID', 'QuotationNumber', 'LineNumber', 'ItemDescription', 'Description', 'Quantity', 'UnitCode', 'Timestamp'] },
  deleted: { 35: (fc, keys) => removeLines(fc.em, fc.division, 'quotation', keys) },
  async apply(fc, raw) {
    const rows = raw as ExactQuotationLine[];
    const byQuotation = new Map<string, ExactQuotationLine[]>();
    for (const r of rows) byQuotation.set(lower(r.QuotationID)!, [...(byQuotation.get(lower(r.QuotationID)!) ?? []), r]);
    const c = await cards(fc, [...byQuotation].map(([id, lines]): CardInput => ({
      kind: 'quotation', exactId: id, number: str(lines[0].QuotationNumber),
      linesMerge: lines.map((r) => ({ exactId: lower(r.ID)!, lineNumber: num(r.LineNumber), description: str(r.Description) ?? str(r.ItemDescription), quantity: num(r.Quantity), unit: str(r.UnitCode) })),
    })));
    // lines do not make a card "new": count them as updates
    return { created: 0, updated: c.created + c.updated, archived: c.archived };
  },
};

// ---- manufacturing ----------------------------------------------------------------------------

const shopOrders: Feed = {
  name: 'shop-orders',
  on: (o) => o.ProductionOrder,
  topic: 'ShopOrders',
  everyMinutes: SAFETY_NET_MINUTES,
  sync: {
    name: 'shopOrders',
    select: ['ID', 'ShopOrderNumber', 'Description', 'ItemCode', 'ItemDescription', 'PlannedQuantity', 'Unit', 'PlannedStartDate', 'PlannedDate', 'Status', 'Notes', 'WarehouseCode', 'IsReleased', 'IsOnHold', 'YourRef', 'Timestamp'],
  },
  deleted: { 36: (fc, keys) => archiveCards(fc.em, fc.division, { kind: 'shop_order', exactIds: keys }, 'deleted') },
  async apply(fc, raw) {
    const rows = raw as ExactShopOrder[];
    return cards(fc, rows.map((r): CardInput => ({
      kind: 'shop_order', exactId: lower(r.ID)!, number: str(r.ShopOrderNumber), description: str(r.Description) ?? str(r.ItemDescription),
      quantity: num(r.PlannedQuantity), unit: str(r.Unit), dueDate: day(r.PlannedDate), exactStartDate: day(r.PlannedStartDate),
      warehouseCode: str(r.WarehouseCode), exactStatus: num(r.Status),
      extra: { itemCode: str(r.ItemCode), itemDescription: str(r.ItemDescription), notes: str(r.Notes), released: num(r.IsReleased) === 1, onHold: num(r.IsOnHold) === 1, yourRef: str(r.YourRef) },
      archive: num(r.Status) === 40 ? 'completed' : null, exactTimestamp: ts(r.Timestamp),
    })));
  },
};

const STEP_STATUS: Record<number, PlanActivityStatus> = { 10: 'open', 20: 'started', 30: 'finished' };

const routingSteps: Feed = {
  name: 'operations',
  on: (o) => o.Activity && o.ProductionOrder,
  everyMinutes: 120,
  sync: {
    name: 'routingSteps',
    select: ['ID', 'ShopOrder', 'LineNumber', 'OperationCode', 'OperationDescription', 'Description', 'WorkcenterCode', 'PlannedStartDate', 'PlannedEndDate', 'PlannedSetupHours', 'PlannedRunHours', 'PlannedTotalHours', 'Status', 'Timestamp'],
  },
  deleted: { 38: (fc, keys) => archiveActivities(fc.em, fc.division, 'operation', keys) },
  async apply(fc, raw) {
    const rows = raw as ExactRoutingStep[];
    return upsertActivities(fc.em, fc.division, rows.map((r) => ({
      kind: 'operation' as const, exactId: lower(r.ID)!, cardKind: 'shop_order' as const, cardExactId: lower(r.ShopOrder)!, sequence: num(r.LineNumber) ?? 0,
      code: str(r.OperationCode), description: str(r.Description) ?? str(r.OperationDescription), workcenterCode: str(r.WorkcenterCode),
      estimatedHours: num(r.PlannedTotalHours) ?? (num(r.PlannedSetupHours) ?? 0) + (num(r.PlannedRunHours) ?? 0),
      setupHours: num(r.PlannedSetupHours), runHours: num(r.PlannedRunHours), exactStartDate: day(r.PlannedStartDate), exactEndDate: day(r.PlannedEndDate),
      status: STEP_STATUS[num(r.Status) ?? 10] ?? 'open', exactTimestamp: ts(r.Timestamp),
    })));
  },
};

// ---- resources --------------------------------------------------------------------------------

const employees: Feed = {
  name: 'employees',
  on: (o) => o.ResourceViaEmployee,
  everyMinutes: 12 * 60,
  sync: { name: 'employees', select: ['ID', 'Code', 'HID', 'FullName', 'IsActive', 'EndDate', 'LocationDescription', 'Timestamp'] },
  deleted: { 42: (fc, keys) => deactivateResources(fc.em, fc.division, 'employee', { exactIds: keys }) },
  async apply(fc, raw) {
    const rows = raw as ExactEmployee[];
    return upsertResources(fc.em, fc.division, rows.map((r) => {
      const end = day(r.EndDate);
      return {
        kind: 'employee' as const, exactId: lower(r.ID)!, code: str(r.Code) ?? str(r.HID), name: str(r.FullName) ?? str(r.Code) ?? '?', group: str(r.LocationDescription),
        active: r.IsActive !== false && (!end || end >= fc.today), exactSchedule: fc.options.Schedule, exactTimestamp: ts(r.Timestamp),
      };
    }));
  },
};

const workcenters: Feed = {
  name: 'workcenters',
  on: (o) => o.ResourceViaProduction,
  everyMinutes: 24 * 60,
  deleted: {},
  async list(api, opts) {
    let calls = 0;
    const rows: ExactWorkcenter[] = [];
    for await (const page of api.workcenters.pages(api.workcentersFirstPage(), opts)) {
      calls++;
      rows.push(...page.rows);
    }
    return { rows, calls: Math.max(1, calls) };
  },
  async apply(fc, raw) {
    const rows = raw as ExactWorkcenter[];
    return upsertResources(fc.em, fc.division, rows.map((r) => ({
      kind: 'machine' as const, exactId: lower(r.ID)!, code: str(r.Code), name: str(r.Description) ?? str(r.Code) ?? '?', group: null,
      active: num(r.Status) !== 2, exactSchedule: false,
    })));
  },
  afterList: (fc, raw) => deactivateResources(fc.em, fc.division, 'machine', { notIn: (raw as ExactWorkcenter[]).map((r) => lower(r.ID)!) }),
};

// ---- schedules, leave and absence (Schedule; needs the employees) ----------------------------------------

const scheduleOn = (o: PlanningOptions) => o.Schedule && o.ResourceViaEmployee;

const schedules: Feed = {
  name: 'schedules',
  on: scheduleOn,
  everyMinutes: 12 * 60,
  sync: { name: 'schedules', select: ['ID', 'Employee', 'StartDate', 'EndDate', 'Hours', 'Days', 'AverageHours', 'ScheduleType', 'Main', 'Timestamp'] },
  deleted: { 39: (fc, keys) => deleteSchedules(fc.em, fc.division, keys) },
  apply: (fc, raw) => applySchedules(fc.em, fc.division, raw as ExactSchedule[]),
};

const scheduleEntries: Feed = {
  name: 'schedule-entries',
  on: scheduleOn,
  everyMinutes: 12 * 60,
  sync: { name: 'scheduleEntries', select: ['ID', 'Schedule', 'Day', 'DayIsSelected', 'Hours', 'StartTime', 'EndTime', 'Break', 'BreakStartTime', 'BreakEndTime', 'WeekNumber', 'Timestamp'] },
  deleted: { 40: (fc, keys) => deleteScheduleEntries(fc.em, fc.division, keys) },
  apply: (fc, raw) => applyScheduleEntries(fc.em, fc.division, raw as ExactScheduleEntry[]),
};

const leave: Feed = {
  name: 'leave',
  on: scheduleOn,
  everyMinutes: 4 * 60,
  sync: { name: 'leaveByDay', select: ['ID', 'Employee', 'Date', 'Hours', 'Type', 'Status', 'Timestamp'] },
  deleted: { 27: (fc, keys) => deleteLeave(fc.em, fc.division, keys) },
  apply: (fc, raw) => applyLeave(fc.em, fc.division, raw as ExactLeaveDay[]),
};

/**
 * In the order a run takes them: relations before the orders that name them, items before the order lines that find
 * their hour types in them (ActivityViaItem), headers before lines, shop orders before their operations and materials,
 * projects before their WBS and hours.
 */
export const FEEDS: readonly Feed[] = [
  relations, warehouses, itemsFeed, salesOrderHeaders, salesOrderLines, purchaseOrders, quotations, quotationLines, shopOrders, routingSteps, materials,
  projectsFeed, projectWbsFeed, hourBudgetsFeed, employees, workcenters, schedules, scheduleEntries, leave,
];

export function feedsOn(o: PlanningOptions): Feed[] {
  return FEEDS.filter((f) => f.on(o));
}
