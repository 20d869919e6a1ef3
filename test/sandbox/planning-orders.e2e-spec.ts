import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DIV1, json, startTestSandbox, type TestSandbox, expectError, edmDate } from './sandbox.helper.js';
import { rows } from './planning.helper.js';

const d = edmDate;

// API.md §7.1 quotations, §7.8 sales and purchase orders, §7.11 warehouses, selection codes
describe('sandbox planning: quotations, orders, warehouses', () => {
  let t: TestSandbox;
  let tok: string;
  let customer: string;
  let supplier: string;
  let notSupplier: string;
  let item: string;
  let timeItem: string;
  beforeAll(async () => {
    t = await startTestSandbox();
    tok = (await t.connect()).access_token;
    customer = rows(await get(`${DIV1}/crm/Accounts?$filter=Blocked eq false and IsSupplier eq false&$select=ID`))[0].ID;
    notSupplier = customer;
    supplier = rows(await get(`${DIV1}/crm/Accounts?$filter=IsSupplier eq true and Blocked eq false&$select=ID`))[0].ID;
    item = rows(await get(`${DIV1}/logistics/Items?$filter=Code eq 'FRAME-ST'&$select=ID`))[0].ID;
    timeItem = rows(await get(`${DIV1}/logistics/Items?$filter=Code eq 'ARBEID'&$select=ID`))[0].ID;
  });
  afterAll(async () => { await t.close(); });
  async function get(p: string) { return json(await t.api(p, tok)); }
  const post = (p: string, body: unknown) => t.api(`${DIV1}/${p}`, tok, { method: 'POST', json: body, headers: { Prefer: 'return=representation' } });
  const put = (p: string, body: unknown) => t.api(`${DIV1}/${p}`, tok, { method: 'PUT', json: body });

  it('creates a sales order with lines (Status 12, totals, next number, Location) and refuses what Exact refuses', async () => {
    await expectError(await post('salesorder/SalesOrders', { SalesOrderLines: [{ Item: item, Quantity: 1 }] }), 400, 'Verplicht: Besteld door');
    await expectError(await post('salesorder/SalesOrders', { OrderedBy: customer }), 400, 'Verplicht: Orderregels');
    await expectError(await post('salesorder/SalesOrders', { OrderedBy: customer, SalesOrderLines: [{ Quantity: 1 }] }), 400, 'Verplicht: Artikel');
    await expectError(await post('salesorder/SalesOrders', { OrderedBy: '00000000-0000-0000-0000-000000000001', SalesOrderLines: [{ Item: item }] }), 400, 'Ongeldige referentie: Besteld door');
    const r = await post('salesorder/SalesOrders', {
      OrderedBy: customer, DeliveryDate: '2030-03-01', Description: 'Testorder',
      SalesOrderLines: [{ Item: item, Quantity: 2, UnitPrice: 100 }, { Item: item, Quantity: 1, UnitPrice: 100, Discount: 0.1 }],
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toMatch(/salesorder\/SalesOrders\(guid'[0-9a-f-]{36}'\)$/);
    const so = (await json(r)).d;
    expect(so.Status).toBe(12);
    expect(so.OrderNumber).toBeGreaterThan(1000);
    expect(so.InvoiceTo).toBe(customer);
    expect(so.AmountFCExclVat).toBe(290);
    const lines = rows(await get(`${DIV1}/salesorder/SalesOrderLines?$filter=OrderID eq guid'${so.OrderID}'&$orderby=LineNumber`));
    expect(lines.map((l) => [l.LineNumber, l.NetPrice, l.AmountFC, l.DeliveryDate])).toEqual([[1, 100, 200, d('2030-03-01')], [2, 90, 90, d('2030-03-01')]]);
    // DeliveryDate and SelectionCode are changeable; parties are not
    const sel = rows(await get(`${DIV1}/logistics/SelectionCodes?$filter=Code eq 'SPOED'&$select=ID`))[0].ID;
    expect((await put(`salesorder/SalesOrders(guid'${so.OrderID}')`, { DeliveryDate: '2030-04-01', SelectionCode: sel, OrderedBy: supplier })).status).toBe(204);
    const after = (await get(`${DIV1}/salesorder/SalesOrders(guid'${so.OrderID}')`)).d;
    expect(after.DeliveryDate).toBe(d('2030-04-01'));
    expect(after.SelectionCodeCode).toBe('SPOED');
    expect(after.OrderedBy).toBe(customer);
    await expectError(await put(`salesorder/SalesOrders(guid'${so.OrderID}')`, { SelectionCode: '00000000-0000-0000-0000-000000000002' }), 400, 'Ongeldige referentie: Selectiecode');
    // a line added through the line endpoint updates the header totals
    const l3 = await post('salesorder/SalesOrderLines', { OrderID: so.OrderID, Item: item, Quantity: 1, UnitPrice: 10 });
    expect(l3.status).toBe(201);
    expect((await json(l3)).d.LineNumber).toBe(3);
    expect((await get(`${DIV1}/salesorder/SalesOrders(guid'${so.OrderID}')`)).d.AmountFCExclVat).toBe(300);
  });

  it('a completed or cancelled sales order refuses changes, also on its lines; delete only while open', async () => {
    const done = rows(await get(`${DIV1}/salesorder/SalesOrders?$filter=Status eq 21&$select=OrderID,OrderNumber`))[0];
    await expectError(await put(`salesorder/SalesOrders(guid'${done.OrderID}')`, { Description: 'x' }), 400, `Verkooporder ${done.OrderNumber} is afgehandeld en kan niet meer worden gewijzigd`);
    const line = rows(await get(`${DIV1}/salesorder/SalesOrderLines?$filter=OrderID eq guid'${done.OrderID}'&$select=ID`))[0];
    await expectError(await put(`salesorder/SalesOrderLines(guid'${line.ID}')`, { Quantity: 9 }), 400, /afgehandeld/);
    expect((await t.api(`${DIV1}/salesorder/SalesOrders(guid'${done.OrderID}')`, tok, { method: 'DELETE' })).status).toBe(400);
    const cancelled = rows(await get(`${DIV1}/salesorder/SalesOrders?$filter=Status eq 45&$select=OrderID,OrderNumber`))[0];
    await expectError(await put(`salesorder/SalesOrders(guid'${cancelled.OrderID}')`, { DeliveryDate: '2030-01-01' }), 400, /geannuleerd/);
    // every status of the issue is present in the seed
    for (const s of [12, 20, 21, 45]) expect(rows(await get(`${DIV1}/salesorder/SalesOrders?$filter=Status eq ${s}&$select=OrderID`)).length).toBeGreaterThan(0);
    // some lines made shop orders
    const linked = rows(await get(`${DIV1}/salesorder/SalesOrderLines?$filter=ShopOrder ne null&$select=ShopOrder`));
    expect(linked.length).toBeGreaterThan(5);
  });

  it('purchase orders need QuantityInPurchaseUnits and a supplier; receipt dates default from the header', async () => {
    await expectError(await post('purchaseorder/PurchaseOrders', { Supplier: supplier, PurchaseOrderLines: [{ Item: item, Quantity: 5 }] }), 400, 'Verplicht: QuantityInPurchaseUnits');
    await expectError(await post('purchaseorder/PurchaseOrders', { Supplier: notSupplier, PurchaseOrderLines: [{ Item: item, QuantityInPurchaseUnits: 5 }] }), 400, /is geen leverancier/);
    const r = await post('purchaseorder/PurchaseOrders', { Supplier: supplier, ReceiptDate: '2030-02-01', PurchaseOrderLines: [{ Item: item, QuantityInPurchaseUnits: 5, UnitPrice: 10 }] });
    expect(r.status).toBe(201);
    const po = (await json(r)).d;
    expect([po.OrderStatus, po.ReceiptStatus, po.Source, po.AmountFC]).toEqual([10, 10, 11, 50]);
    const l = rows(await get(`${DIV1}/purchaseorder/PurchaseOrderLines?$filter=PurchaseOrderID eq guid'${po.PurchaseOrderID}'`))[0];
    expect([l.Quantity, l.QuantityInPurchaseUnits, l.ReceiptDate]).toEqual([5, 5, d('2030-02-01')]);
    await expectError(await post('purchaseorder/PurchaseOrders', { Supplier: supplier, OrderDate: '2030-02-10', ReceiptDate: '2030-02-01', PurchaseOrderLines: [{ Item: item, QuantityInPurchaseUnits: 1 }] }), 400, /Ontvangstdatum/);
    const done = rows(await get(`${DIV1}/purchaseorder/PurchaseOrders?$filter=OrderStatus eq 30&$select=PurchaseOrderID`))[0];
    await expectError(await put(`purchaseorder/PurchaseOrders(guid'${done.PurchaseOrderID}')`, { Description: 'x' }), 400, /afgehandeld/);
  });

  it('quotations: lines required, status read-only, accepted ones refuse changes', async () => {
    await expectError(await post('crm/Quotations', { OrderAccount: customer }), 400, 'Verplicht: Offerteregels');
    const r = await post('crm/Quotations', { OrderAccount: customer, Status: 50, QuotationLines: [{ Item: item, Quantity: 3, UnitPrice: 20 }] });
    expect(r.status).toBe(201);
    const q = (await json(r)).d;
    expect([q.Status, q.VersionNumber, q.AmountFC, q.VATAmountFC]).toEqual([20, 1, 60, 12.6]);
    const accepted = rows(await get(`${DIV1}/crm/Quotations?$filter=Status eq 50&$select=QuotationID`))[0];
    await expectError(await put(`crm/Quotations(guid'${accepted.QuotationID}')`, { Description: 'x' }), 400, /Geaccepteerd/);
    expect((await t.api(`${DIV1}/crm/Quotations(guid'${accepted.QuotationID}')`, tok, { method: 'DELETE' })).status).toBe(400);
    expect((await t.api(`${DIV1}/crm/Quotations(guid'${q.QuotationID}')`, tok, { method: 'DELETE' })).status).toBe(204);
    void timeItem;
  });

  it('warehouses: exactly one main warehouse per division', async () => {
    const all = rows(await get(`${DIV1}/inventory/Warehouses?$filter=Main eq 1&$select=ID,Code`));
    expect(all.map((w) => w.Code)).toEqual(['HM']);
    await expectError(await put(`inventory/Warehouses(guid'${all[0].ID}')`, { Main: 0 }), 400, /precies één hoofdmagazijn/);
    expect((await t.api(`${DIV1}/inventory/Warehouses(guid'${all[0].ID}')`, tok, { method: 'DELETE' })).status).toBe(400);
    const r = await post('inventory/Warehouses', { Code: 'NW', Description: 'Nieuw magazijn', Main: 1 });
    expect(r.status).toBe(201);
    const mains = rows(await get(`${DIV1}/inventory/Warehouses?$filter=Main eq 1&$select=Code`));
    expect(mains.map((w) => w.Code)).toEqual(['NW']);
    await expectError(await post('inventory/Warehouses', { Code: 'NW', Description: 'dubbel' }), 400, 'Code bestaat al: NW');
  });
});
