import type { EntityContext } from '../entity.context.js';
import { badRequest } from '../entity.engine.js';
import type { EntityDef } from '../entity.types.js';
import type { Row } from '../sandbox.types.js';
import {
  GPUD, accountName, createWithLines, dateOrder, itemCompanions, linesOf, need, nextLineNumber, numberFor, priceLine, readOnly, ref, spec,
  sumAmounts, uniqueCode,
} from './planning.common.js';
import {
  PURCHASEORDERLINE_FIELDS, PURCHASEORDER_FIELDS, QUOTATIONLINE_FIELDS, QUOTATION_FIELDS, SALESORDERLINE_FIELDS, SALESORDER_FIELDS,
  SELECTIONCODE_FIELDS, WAREHOUSE_FIELDS,
} from './planning.fields.js';

/** Quotations, sales orders, purchase orders, selection codes and warehouses (API.md §7.1, §7.8, §7.11). */

export const SO_STATUS: Record<number, string> = { 12: 'Open', 20: 'Gedeeltelijk', 21: 'Afgehandeld', 45: 'Geannuleerd' };
export const PO_STATUS: Record<number, string> = { 10: 'Open', 20: 'Gedeeltelijk', 30: 'Afgehandeld', 40: 'Geannuleerd' };
export const QUOTATION_STATUS: Record<number, string> = {
  5: 'Afgewezen', 6: 'Herzien en gesloten', 10: 'Herstel', 20: 'Concept', 25: 'Open', 35: 'Verwerken', 40: 'Afgedrukt', 50: 'Geaccepteerd',
  60: 'Wacht op online acceptatie', 70: 'Geaccepteerd met verwerkingsfout',
};

// ---- selection codes / warehouses ------------------------------------------------------------

const selectionCodeFields = spec(SELECTIONCODE_FIELDS);
const selectionCodes: EntityDef = {
  name: 'SelectionCodes', paths: ['logistics/SelectionCodes'], type: 'SelectionCode', key: 'ID', keyType: 'guid', verbs: [...GPUD],
  fields: selectionCodeFields, readOnly: readOnly(selectionCodeFields), required: ['Code', 'Description'],
  labels: { Code: 'Code', Description: 'Omschrijving' },
  validate(ctx, row, mode, before) {
    uniqueCode(ctx, 'SelectionCodes', row, before);
    if (mode === 'create') row.Active ??= 1;
  },
  beforeDelete(ctx, row) {
    const used = (e: string) => ctx.find(e, (r) => r.SelectionCode === row.ID);
    if (used('SalesOrders') || used('PurchaseOrders') || used('ShopOrders') || used('Quotations')) throw badRequest('Selectiecode is in gebruik en kan niet worden verwijderd');
  },
};

const warehouseFields = spec(WAREHOUSE_FIELDS);
const warehouses: EntityDef = {
  name: 'Warehouses', paths: ['inventory/Warehouses'], type: 'Warehouse', key: 'ID', keyType: 'guid', verbs: [...GPUD],
  fields: warehouseFields, readOnly: readOnly(warehouseFields, ['DefaultStorageLocation']), required: ['Code', 'Description'],
  labels: { Code: 'Code', Description: 'Omschrijving' }, module: 'Inventory',
  validate(ctx, row, mode, before) {
    uniqueCode(ctx, 'Warehouses', row, before);
    if (mode === 'create') { row.Main ??= ctx.find('Warehouses', () => true) ? 0 : 1; row.UseStorageLocations ??= 0; }
    if (![0, 1].includes(Number(row.Main))) throw badRequest('Ongeldig: Main');
    // exactly one main warehouse per division (API.md §7.11): it cannot be switched off, only moved to another one
    if (before && before.Main === 1 && row.Main === 0) throw badRequest('Er moet precies één hoofdmagazijn zijn: maak eerst een ander magazijn hoofdmagazijn');
  },
  afterWrite(ctx, row, action) {
    if (action === 'delete' || row.Main !== 1) return;
    for (const w of ctx.filter('Warehouses', (x) => x.Main === 1 && x.ID !== row.ID)) { w.Main = 0; ctx.touch('Warehouses', w, false); }
  },
  beforeDelete(ctx, row) {
    if (row.Main === 1) throw badRequest('Het hoofdmagazijn kan niet worden verwijderd');
    if (ctx.find('SalesOrders', (o) => o.WarehouseID === row.ID) || ctx.find('PurchaseOrders', (o) => o.Warehouse === row.ID)) throw badRequest('Magazijn is in gebruik en kan niet worden verwijderd');
  },
};

function selection(ctx: EntityContext, row: Row): void {
  const s = ref(ctx, 'SelectionCodes', row.SelectionCode, 'Selectiecode');
  row.SelectionCodeCode = s?.Code ?? null;
  row.SelectionCodeDescription = s?.Description ?? null;
}

function warehouse(ctx: EntityContext, row: Row, field: string): Row | undefined {
  if (!row[field]) row[field] = ctx.find('Warehouses', (w) => w.Main === 1)?.ID ?? null;
  const w = ref(ctx, 'Warehouses', row[field], 'Magazijn');
  row.WarehouseCode = w?.Code ?? null;
  row.WarehouseDescription = w?.Description ?? null;
  return w;
}

// ---- quotations ------------------------------------------------------------------------------

const QUOTATION_OPEN = new Set([10, 20, 25, 35, 40, 60]);

function quotationLine(ctx: EntityContext, line: Row, header: Row): void {
  const item = itemCompanions(ctx, line);
  priceLine(ctx, line, item);
  line.VATAmountFC = Math.round(Number(line.AmountFC) * Number(line.VATPercentage) * 100) / 100;
  line.QuotationNumber = header.QuotationNumber;
  line.VersionNumber = header.VersionNumber;
  line.UnitCode = item.Unit;
  line.UnitDescription = item.UnitDescription ?? item.Unit;
}

function quotationTotals(ctx: EntityContext, header: Row, lines: Row[]): void {
  const t = sumAmounts(lines);
  Object.assign(header, { AmountFC: t.amount, AmountDC: t.amount, VATAmountFC: t.vat, AmountDiscount: 0, AmountDiscountExclVat: 0 });
}

function quotationEditable(header: Row): void {
  if (!QUOTATION_OPEN.has(Number(header.Status))) {
    throw badRequest(`Offerte ${String(header.QuotationNumber)} heeft status ${QUOTATION_STATUS[Number(header.Status)] ?? header.Status} en kan niet meer worden gewijzigd`);
  }
}

const quotationFields = spec(QUOTATION_FIELDS);
const quotations: EntityDef = {
  name: 'Quotations', paths: ['crm/Quotations'], type: 'Quotation', key: 'QuotationID', keyType: 'guid', verbs: [...GPUD],
  fields: quotationFields,
  readOnly: readOnly(quotationFields, ['VersionNumber', 'Status', 'StatusDescription', 'AmountDC', 'AmountFC', 'VATAmountFC', 'AmountDiscount', 'AmountDiscountExclVat', 'CloseDate'], 'QuotationLines'),
  required: ['OrderAccount', 'QuotationLines'], labels: { OrderAccount: 'Klant', QuotationLines: 'Offerteregels' },
  lines: { field: 'QuotationLines', entity: 'QuotationLines', fk: 'QuotationID' },
  sync: 'CRM/QuotationHeaders', bulk: 'CRM/Quotations', deletedType: 34, topics: ['Quotations'], module: 'Quotations',
  create: createWithLines('Quotations', { prepLine: (ctx, l, h) => quotationLine(ctx, l, h), totals: quotationTotals }),
  validate(ctx, row, mode, before) {
    if (before) quotationEditable(before);
    accountName(ctx, row, 'OrderAccount', 'Klant', 'OrderAccountName', 'OrderAccountCode');
    row.InvoiceAccount ??= row.OrderAccount;
    row.DeliveryAccount ??= row.OrderAccount;
    accountName(ctx, row, 'InvoiceAccount', 'Factuurdebiteur', 'InvoiceAccountName', 'InvoiceAccountCode');
    accountName(ctx, row, 'DeliveryAccount', 'Afleveradres', 'DeliveryAccountName', 'DeliveryAccountCode');
    selection(ctx, row);
    numberFor(ctx, 'Quotations', 'QuotationNumber', row, before, 1, 'Offertenummer');
    if (mode === 'create') {
      row.VersionNumber = 1; row.Status = 20; row.Currency ??= 'EUR'; row.QuotationDate ??= ctx.today();
      row.DueDate ??= (row.QuotationDate as number) + 30 * 86_400_000;
    }
    row.StatusDescription = QUOTATION_STATUS[Number(row.Status)] ?? null;
    dateOrder(row.QuotationDate, row.DueDate, 'Ongeldig: Geldig tot ligt voor de offertedatum');
  },
  beforeDelete(_ctx, row) {
    if (Number(row.Status) === 50) throw badRequest(`Offerte ${String(row.QuotationNumber)} is geaccepteerd en kan niet worden verwijderd`);
  },
};

const quotationLineFields = spec(QUOTATIONLINE_FIELDS);
const quotationLines: EntityDef = {
  name: 'QuotationLines', paths: ['crm/QuotationLines'], type: 'QuotationLine', key: 'ID', keyType: 'guid', verbs: [...GPUD],
  fields: quotationLineFields,
  readOnly: readOnly(quotationLineFields, ['LineNumber', 'AmountDC', 'AmountFC', 'VATAmountFC', 'VATPercentage', 'QuotationNumber', 'VersionNumber']),
  required: ['QuotationID', 'Item'], labels: { QuotationID: 'Offerte', Item: 'Artikel' },
  sync: 'CRM/QuotationLines', bulk: 'CRM/QuotationLines', deletedType: 35, module: 'Quotations',
  validate(ctx, row, mode, before) {
    const header = need(ctx, 'Quotations', row.QuotationID, 'Offerte');
    if (before && before.QuotationID !== row.QuotationID) throw badRequest('Ongeldig: QuotationID kan niet worden gewijzigd');
    quotationEditable(header);
    if (mode === 'create') row.LineNumber = nextLineNumber(ctx, 'QuotationLines', 'QuotationID', header.QuotationID);
    quotationLine(ctx, row, header);
  },
  beforeDelete(ctx, row) { quotationEditable(need(ctx, 'Quotations', row.QuotationID, 'Offerte')); },
  afterWrite(ctx, row) { lineChanged(ctx, 'Quotations', row.QuotationID, quotationTotals); },
};

function lineChanged(ctx: EntityContext, header: string, key: unknown, totals: (ctx: EntityContext, h: Row, lines: Row[]) => void): void {
  const h = ctx.get(header, key as string);
  if (!h) return;
  totals(ctx, h, linesOf(ctx, ctx.registry.def(header), h));
  ctx.touch(header, h, true);
}

// ---- sales orders ----------------------------------------------------------------------------

function salesOrderEditable(h: Row): void {
  const s = Number(h.Status);
  if (s === 21) throw badRequest(`Verkooporder ${String(h.OrderNumber)} is afgehandeld en kan niet meer worden gewijzigd`);
  if (s === 45) throw badRequest(`Verkooporder ${String(h.OrderNumber)} is geannuleerd en kan niet meer worden gewijzigd`);
}

function salesOrderLine(ctx: EntityContext, line: Row, header: Row): void {
  const item = itemCompanions(ctx, line);
  priceLine(ctx, line, item);
  line.VATAmount = Math.round(Number(line.AmountFC) * Number(line.VATPercentage) * 100) / 100;
  line.DeliveryDate ??= header.DeliveryDate;
  line.OrderNumber = header.OrderNumber;
  line.OrderStatus ??= 12; line.DeliveryStatus ??= 12; line.InvoiceStatus ??= 12;
  line.QuantityDelivered ??= 0; line.QuantityInvoiced ??= 0;
  line.UnitCode ??= item.Unit; line.UnitDescription = item.UnitDescription ?? item.Unit;
  line.CostPriceFC = item.CostPriceStandard ?? 0;
  line.Margin = Math.round((Number(line.NetPrice) - Number(line.CostPriceFC)) * 100) / 100;
  ref(ctx, 'ShopOrders', line.ShopOrder, 'Productieorder');
  ref(ctx, 'Projects', line.Project, 'Project');
}

function salesOrderTotals(_ctx: EntityContext, header: Row, lines: Row[]): void {
  const t = sumAmounts(lines);
  Object.assign(header, { AmountFCExclVat: t.amount, AmountFC: t.amount + t.vat, AmountDC: t.amount + t.vat, AmountDiscount: 0, AmountDiscountExclVat: 0 });
}

const salesOrderFields = spec(SALESORDER_FIELDS);
const salesOrders: EntityDef = {
  name: 'SalesOrders', paths: ['salesorder/SalesOrders'], type: 'SalesOrder', key: 'OrderID', keyType: 'guid', verbs: [...GPUD],
  fields: salesOrderFields,
  readOnly: readOnly(salesOrderFields, ['Status', 'StatusDescription', 'DeliveryStatus', 'DeliveryStatusDescription', 'InvoiceStatus', 'InvoiceStatusDescription',
    'AmountDC', 'AmountFC', 'AmountFCExclVat', 'AmountDiscount', 'AmountDiscountExclVat', 'Approved', 'Approver', 'ApproverFullName', 'ApprovalStatusDescription'],
    'SalesOrderLines'),
  // parties and the number cannot change after creation (API.md §7.8)
  updatable: Object.keys(salesOrderFields).filter((f) => !['OrderedBy', 'InvoiceTo', 'DeliverTo', 'OrderNumber', 'OrderID'].includes(f)),
  required: ['OrderedBy', 'SalesOrderLines'], labels: { OrderedBy: 'Besteld door', SalesOrderLines: 'Orderregels' },
  lines: { field: 'SalesOrderLines', entity: 'SalesOrderLines', fk: 'OrderID' },
  sync: 'SalesOrder/SalesOrderHeaders', bulk: 'SalesOrder/SalesOrders', deletedType: 32, topics: ['SalesOrders'], module: 'Orders',
  create: createWithLines('SalesOrders', { prepLine: (ctx, l, h) => salesOrderLine(ctx, l, h), totals: salesOrderTotals }),
  validate(ctx, row, mode, before) {
    if (before) salesOrderEditable(before);
    accountName(ctx, row, 'OrderedBy', 'Besteld door', 'OrderedByName');
    row.InvoiceTo ??= row.OrderedBy;
    row.DeliverTo ??= row.OrderedBy;
    accountName(ctx, row, 'InvoiceTo', 'Factuur aan', 'InvoiceToName');
    accountName(ctx, row, 'DeliverTo', 'Afleveren aan', 'DeliverToName');
    selection(ctx, row);
    warehouse(ctx, row, 'WarehouseID');
    numberFor(ctx, 'SalesOrders', 'OrderNumber', row, before, 1, 'Ordernummer');
    if (mode === 'create') {
      row.Status = 12; row.DeliveryStatus = 12; row.InvoiceStatus = 12; row.Currency ??= 'EUR'; row.OrderDate ??= ctx.today();
      row.DeliveryDate ??= row.OrderDate; row.ApprovalStatus ??= 1;
    }
    if (![0, 1, 2].includes(Number(row.ApprovalStatus))) throw badRequest('Ongeldig: ApprovalStatus');
    row.StatusDescription = SO_STATUS[Number(row.Status)] ?? null;
    row.DeliveryStatusDescription = SO_STATUS[Number(row.DeliveryStatus)] ?? null;
    row.InvoiceStatusDescription = SO_STATUS[Number(row.InvoiceStatus)] ?? null;
  },
  beforeDelete(ctx, row) {
    if (Number(row.Status) !== 12 || ctx.find('SalesOrderLines', (l) => l.OrderID === row.OrderID && Number(l.QuantityDelivered) > 0)) {
      throw badRequest(`Verkooporder ${String(row.OrderNumber)} is (gedeeltelijk) geleverd of afgehandeld en kan niet worden verwijderd`);
    }
  },
};

const salesOrderLineFields = spec(SALESORDERLINE_FIELDS);
const salesOrderLines: EntityDef = {
  name: 'SalesOrderLines', paths: ['salesorder/SalesOrderLines'], type: 'SalesOrderLine', key: 'ID', keyType: 'guid', verbs: [...GPUD],
  fields: salesOrderLineFields,
  readOnly: readOnly(salesOrderLineFields, ['LineNumber', 'AmountDC', 'AmountFC', 'VATAmount', 'VATPercentage', 'QuantityDelivered', 'QuantityInvoiced',
    'DeliveryStatus', 'InvoiceStatus', 'OrderStatus', 'OrderNumber', 'Margin', 'CostPriceFC', 'PurchaseOrderNumber', 'PurchaseOrderLineNumber']),
  required: ['OrderID', 'Item'], labels: { OrderID: 'Verkooporder', Item: 'Artikel' },
  sync: 'SalesOrder/SalesOrderLines', bulk: 'SalesOrder/SalesOrderLines', deletedType: 33, module: 'Orders',
  validate(ctx, row, mode, before) {
    const header = need(ctx, 'SalesOrders', row.OrderID, 'Verkooporder');
    if (before && before.OrderID !== row.OrderID) throw badRequest('Ongeldig: OrderID kan niet worden gewijzigd');
    salesOrderEditable(header);
    if (before && Number(before.QuantityDelivered) > 0 && row.Item !== before.Item) throw badRequest('Artikel van een (gedeeltelijk) geleverde orderregel kan niet worden gewijzigd');
    if (mode === 'create') row.LineNumber = nextLineNumber(ctx, 'SalesOrderLines', 'OrderID', header.OrderID);
    salesOrderLine(ctx, row, header);
  },
  beforeDelete(ctx, row) {
    salesOrderEditable(need(ctx, 'SalesOrders', row.OrderID, 'Verkooporder'));
    if (Number(row.QuantityDelivered) > 0) throw badRequest('Een (gedeeltelijk) geleverde orderregel kan niet worden verwijderd');
  },
  afterWrite(ctx, row) { lineChanged(ctx, 'SalesOrders', row.OrderID, salesOrderTotals); },
};

// ---- purchase orders -------------------------------------------------------------------------

function purchaseOrderEditable(h: Row): void {
  const s = Number(h.OrderStatus);
  if (s === 30 || s === 40) throw badRequest(`Inkooporder ${String(h.OrderNumber)} is ${s === 30 ? 'afgehandeld' : 'geannuleerd'} en kan niet meer worden gewijzigd`);
}

function purchaseOrderLine(ctx: EntityContext, line: Row, header: Row): void {
  if (line.QuantityInPurchaseUnits === null || line.QuantityInPurchaseUnits === undefined) throw badRequest('Verplicht: QuantityInPurchaseUnits');
  const item = itemCompanions(ctx, line);
  priceLine(ctx, line, item, 'QuantityInPurchaseUnits', Number(item.CostPriceStandard ?? 0));
  line.Quantity = line.QuantityInPurchaseUnits; // purchase unit factor 1 in the sandbox
  line.VATAmount = Math.round(Number(line.AmountFC) * Number(line.VATPercentage) * 100) / 100;
  line.ReceiptDate ??= header.ReceiptDate;
  line.ReceivedQuantity ??= 0; line.InvoicedQuantity ??= 0;
  line.Unit ??= item.Unit; line.UnitDescription = item.UnitDescription ?? item.Unit;
  ref(ctx, 'Projects', line.Project, 'Project');
}

function purchaseOrderTotals(_ctx: EntityContext, header: Row, lines: Row[]): void {
  const t = sumAmounts(lines);
  Object.assign(header, { AmountFC: t.amount, AmountDC: t.amount, VATAmount: t.vat, PurchaseOrderLineCount: lines.length });
}

const purchaseOrderFields = spec(PURCHASEORDER_FIELDS);
const purchaseOrders: EntityDef = {
  name: 'PurchaseOrders', paths: ['purchaseorder/PurchaseOrders'], type: 'PurchaseOrder', key: 'PurchaseOrderID', keyType: 'guid', verbs: [...GPUD],
  fields: purchaseOrderFields,
  readOnly: readOnly(purchaseOrderFields, ['OrderStatus', 'ReceiptStatus', 'InvoiceStatus', 'AmountDC', 'AmountFC', 'VATAmount', 'DropShipment', 'PurchaseOrderLineCount',
    'Approved', 'Approver', 'ApproverFullName', 'ApprovalStatusDescription', 'Source'], 'PurchaseOrderLines'),
  updatable: Object.keys(purchaseOrderFields).filter((f) => !['Supplier', 'OrderNumber', 'PurchaseOrderID'].includes(f)),
  required: ['Supplier', 'PurchaseOrderLines'], labels: { Supplier: 'Leverancier', PurchaseOrderLines: 'Orderregels' },
  lines: { field: 'PurchaseOrderLines', entity: 'PurchaseOrderLines', fk: 'PurchaseOrderID' },
  sync: 'PurchaseOrder/PurchaseOrders', deletedType: 22, topics: ['PurchaseOrders'], module: 'Orders',
  create: createWithLines('PurchaseOrders', { prepLine: (ctx, l, h) => purchaseOrderLine(ctx, l, h), totals: purchaseOrderTotals }),
  validate(ctx, row, mode, before) {
    if (before) purchaseOrderEditable(before);
    const s = accountName(ctx, row, 'Supplier', 'Leverancier', 'SupplierName', 'SupplierCode');
    if (mode === 'create' && s && !s.IsSupplier) throw badRequest(`Relatie ${String(s.Name)} is geen leverancier`);
    selection(ctx, row);
    warehouse(ctx, row, 'Warehouse');
    numberFor(ctx, 'PurchaseOrders', 'OrderNumber', row, before, 1, 'Ordernummer');
    if (mode === 'create') {
      row.OrderStatus = 10; row.ReceiptStatus = 10; row.InvoiceStatus = 10; row.Source = 11; row.Currency ??= 'EUR'; row.ExchangeRate ??= 1;
      row.OrderDate ??= ctx.today(); row.ReceiptDate ??= row.OrderDate; row.ApprovalStatus ??= 1; row.DropShipment = false;
    }
    dateOrder(row.OrderDate, row.ReceiptDate, 'Ongeldig: Ontvangstdatum ligt voor de orderdatum');
  },
  beforeDelete(ctx, row) {
    if (Number(row.ReceiptStatus) !== 10 || ctx.find('PurchaseOrderLines', (l) => l.PurchaseOrderID === row.PurchaseOrderID && Number(l.ReceivedQuantity) > 0)) {
      throw badRequest(`Inkooporder ${String(row.OrderNumber)} is (gedeeltelijk) ontvangen en kan niet worden verwijderd`);
    }
  },
};

const purchaseOrderLineFields = spec(PURCHASEORDERLINE_FIELDS);
const purchaseOrderLines: EntityDef = {
  name: 'PurchaseOrderLines', paths: ['purchaseorder/PurchaseOrderLines'], type: 'PurchaseOrderLine', key: 'ID', keyType: 'guid', verbs: [...GPUD],
  fields: purchaseOrderLineFields,
  readOnly: readOnly(purchaseOrderLineFields, ['LineNumber', 'AmountDC', 'AmountFC', 'VATAmount', 'VATPercentage', 'Quantity', 'ReceivedQuantity', 'InvoicedQuantity',
    'InStock', 'ProjectedStock', 'SalesOrderNumber', 'SalesOrderLineNumber']),
  required: ['PurchaseOrderID', 'Item'], labels: { PurchaseOrderID: 'Inkooporder', Item: 'Artikel' }, module: 'Orders',
  validate(ctx, row, mode, before) {
    const header = need(ctx, 'PurchaseOrders', row.PurchaseOrderID, 'Inkooporder');
    if (before && before.PurchaseOrderID !== row.PurchaseOrderID) throw badRequest('Ongeldig: PurchaseOrderID kan niet worden gewijzigd');
    purchaseOrderEditable(header);
    if (mode === 'create') row.LineNumber = nextLineNumber(ctx, 'PurchaseOrderLines', 'PurchaseOrderID', header.PurchaseOrderID);
    purchaseOrderLine(ctx, row, header);
  },
  beforeDelete(ctx, row) {
    purchaseOrderEditable(need(ctx, 'PurchaseOrders', row.PurchaseOrderID, 'Inkooporder'));
    if (Number(row.ReceivedQuantity) > 0) throw badRequest('Een (gedeeltelijk) ontvangen orderregel kan niet worden verwijderd');
  },
  afterWrite(ctx, row) { lineChanged(ctx, 'PurchaseOrders', row.PurchaseOrderID, purchaseOrderTotals); },
};

export const ORDER_ENTITIES: EntityDef[] = [
  selectionCodes, warehouses, quotations, quotationLines, salesOrders, salesOrderLines, purchaseOrders, purchaseOrderLines,
];

export { salesOrderTotals, quotationTotals, purchaseOrderTotals };
