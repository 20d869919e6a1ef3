import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DIV1, DIV2, errorText, json, startTestSandbox, type TestSandbox } from './sandbox.helper.js';
import { receiver, rows, waitFor } from './planning.helper.js';

// Issue #14 control API: "the order changed in Exact while it was being planned" — change, complete, cancel, delete
// as a user in Exact would; the change fires its webhook and shows in the sync endpoints and sync/Deleted.
describe('sandbox planning: control API changes', () => {
  let t: TestSandbox;
  let tok: string;
  let rx: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    t = await startTestSandbox();
    tok = (await t.connect()).access_token;
    rx = await receiver();
    await t.control('POST', 'webhooks', { delayMs: 0, jitterMs: 0, validationDelayMs: 0 });
    for (const [div, topic] of [[DIV1, 'SalesOrders'], [DIV1, 'ShopOrders'], [DIV1, 'PurchaseOrders'], [DIV1, 'Quotations'], [DIV2, 'ProjectPlanning'], [DIV2, 'TimeTransactions'], [DIV2, 'Projects']] as const) {
      const r = await t.api(`${div}/webhooks/WebhookSubscriptions`, tok, { method: 'POST', json: { CallbackURL: rx.url, Topic: topic } });
      expect(r.status).toBe(201);
    }
  });
  afterAll(async () => { await t.close(); await rx.close(); });
  async function get(p: string) { return json(await t.api(p, tok)); }
  const maxTs = async (div: number, sync: string) => rows(await get(`${div}/sync/${sync}?$filter=Timestamp gt 1L&$select=Timestamp`))
    .map((r) => BigInt(r.Timestamp)).reduce((a, b) => (b > a ? b : a), 0n);
  const hook = (topic: string, key: string, action = 'Update') => waitFor(() => rx.contents().find((c) => c.Topic === topic && c.Key === key && c.Action === action));

  it('a sales order changed, completed and deleted in Exact: webhook, sync headers/lines, sync/Deleted 32/33', async () => {
    const so = rows(await get(`${DIV1}/salesorder/SalesOrders?$filter=Status eq 12&$select=OrderID,OrderNumber`))[0];
    const max = await maxTs(DIV1, 'SalesOrder/SalesOrderHeaders');
    const changed = await t.control<Record<string, unknown>>('POST', 'planning/SalesOrders', { division: DIV1, ID: so.OrderID, action: 'update', fields: { DeliveryDate: '2031-01-15' } });
    expect(changed.DeliveryDate).toBe(Date.UTC(2031, 0, 15));
    const h = await hook('SalesOrders', so.OrderID);
    expect(h.ExactOnlineEndpoint).toBe(`${t.url}/api/v1/${DIV1}/salesorder/SalesOrders(guid'${so.OrderID}')`);
    const inc = rows(await get(`${DIV1}/sync/SalesOrder/SalesOrderHeaders?$filter=Timestamp gt ${max}L`));
    expect(inc.map((r) => [r.OrderID, r.DeliveryDate])).toEqual([[so.OrderID, `/Date(${Date.UTC(2031, 0, 15)})/`]]);
    const lineMax = await maxTs(DIV1, 'SalesOrder/SalesOrderLines');
    await t.control('POST', 'planning/SalesOrders', { division: DIV1, ID: so.OrderID, action: 'complete' });
    const after = (await get(`${DIV1}/salesorder/SalesOrders(guid'${so.OrderID}')`)).d;
    expect(after.Status).toBe(21);
    const lines = rows(await get(`${DIV1}/sync/SalesOrder/SalesOrderLines?$filter=Timestamp gt ${lineMax}L`));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.OrderID === so.OrderID && l.QuantityDelivered === l.Quantity)).toBe(true);
    const put = await t.api(`${DIV1}/salesorder/SalesOrders(guid'${so.OrderID}')`, tok, { method: 'PUT', json: { DeliveryDate: '2031-02-01' } });
    expect(put.status).toBe(400);
    expect(errorText(await json(put))).toMatch(/afgehandeld/);
    const delMax = await maxTs(DIV1, 'SalesOrder/SalesOrderHeaders');
    await t.control('POST', 'planning/SalesOrders', { division: DIV1, ID: so.OrderID, action: 'delete' });
    await hook('SalesOrders', so.OrderID, 'Delete');
    const del = rows(await get(`${DIV1}/sync/Deleted?$filter=Timestamp gt ${delMax}L`));
    expect(del.find((d) => d.EntityKey === so.OrderID)?.EntityType).toBe(32);
    expect(del.filter((d) => d.EntityType === 33).length).toBe(lines.length);
    expect((await t.api(`${DIV1}/salesorder/SalesOrders(guid'${so.OrderID}')`, tok)).status).toBe(404);
  });

  it('shop orders: release, hold, complete; cancel a purchase order; accept a quotation — each fires its topic', async () => {
    const so = rows(await get(`${DIV1}/manufacturing/ShopOrders?$filter=Status eq 10 and IsReleased eq 0&$select=ID`))[0];
    await t.control('POST', 'planning/ShopOrders', { division: DIV1, ID: so.ID, action: 'release' });
    expect((await get(`${DIV1}/manufacturing/ShopOrders(guid'${so.ID}')`)).d.IsReleased).toBe(1);
    await t.control('POST', `planning/${encodeURIComponent('manufacturing/ShopOrders')}`, { division: DIV1, ID: so.ID, action: 'complete' });
    const done = (await get(`${DIV1}/manufacturing/ShopOrders(guid'${so.ID}')?$expand=ShopOrderRoutingStepPlans`)).d;
    expect(done.Status).toBe(40);
    expect(done.ShopOrderRoutingStepPlans.results.every((s: { Status: number }) => s.Status === 30)).toBe(true);
    await hook('ShopOrders', so.ID);
    const po = rows(await get(`${DIV1}/purchaseorder/PurchaseOrders?$filter=OrderStatus eq 10&$select=PurchaseOrderID`))[0];
    const c = await t.control<Record<string, unknown>>('POST', 'planning/PurchaseOrders', { division: DIV1, ID: po.PurchaseOrderID, action: 'cancel' });
    expect(c.OrderStatus).toBe(40);
    await hook('PurchaseOrders', po.PurchaseOrderID);
    const q = rows(await get(`${DIV1}/crm/Quotations?$filter=Status eq 25&$select=QuotationID`))[0];
    expect((await t.control<Record<string, unknown>>('POST', 'planning/Quotations', { division: DIV1, ID: q.QuotationID, action: 'accept' })).Status).toBe(50);
    await hook('Quotations', q.QuotationID);
    const bad = await fetch(`${t.url}/_sandbox/planning/ShopOrders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ division: DIV1, ID: so.ID, action: 'explode' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/known: create, update, delete, release/);
  });

  it('project side: block a project, approve hours, delete a planning row (sync/Deleted 26)', async () => {
    const p = rows(await get(`${DIV2}/project/Projects?$filter=BlockEntry eq false&$select=ID,Code`))[0];
    await t.control('POST', 'planning/Projects', { division: DIV2, ID: p.ID, action: 'block' });
    await hook('Projects', p.ID);
    expect((await get(`${DIV2}/project/Projects(guid'${p.ID}')`)).d.BlockEntry).toBe(true);
    const tt = rows(await get(`${DIV2}/project/TimeTransactions?$filter=HourStatus eq 10&$select=ID`))[0];
    await t.control('POST', 'planning/ProjectTimeTransactions', { division: DIV2, ID: tt.ID, action: 'approve' });
    await hook('TimeTransactions', tt.ID);
    expect((await t.api(`${DIV2}/project/TimeTransactions(guid'${tt.ID}')`, tok, { method: 'DELETE' })).status).toBe(400);
    const plan = rows(await get(`${DIV2}/project/ProjectPlanning?$filter=Hours gt 0&$select=ID`))[0];
    const max = await maxTs(DIV2, 'Project/ProjectPlanning');
    await t.control('POST', 'planning/ProjectPlanning', { division: DIV2, ID: plan.ID, action: 'delete' });
    await hook('ProjectPlanning', plan.ID, 'Delete');
    const del = rows(await get(`${DIV2}/sync/Deleted?$filter=Timestamp gt ${max}L`));
    expect(del.map((d) => [d.EntityKey, d.EntityType])).toEqual([[plan.ID, 26]]);
  });

  it('the volume generator adds sales order lines and shop-order operations to one division', async () => {
    const before = Number(await (await t.api(`${DIV1}/salesorder/SalesOrderLines/$count?$filter=Quantity gt 0`, tok)).text());
    const out = await t.control<Record<string, number>>('POST', 'planning/volume', { division: DIV1, salesOrderLines: 2500, routingSteps: 600 });
    expect(out).toMatchObject({ salesOrderLines: 2500, routingSteps: 600, salesOrders: 250, shopOrders: 120 });
    const after = Number(await (await t.api(`${DIV1}/salesorder/SalesOrderLines/$count?$filter=Quantity gt 0`, tok)).text());
    expect(after - before).toBe(2500);
    let url: string | undefined = `${DIV1}/sync/SalesOrder/SalesOrderLines?$filter=Timestamp gt 1L&$select=ID,Timestamp`;
    let seen = 0;
    while (url) {
      const page = await get(url);
      const r = rows(page);
      if (page.d.__next) expect(r).toHaveLength(1000);
      seen += r.length;
      url = page.d.__next;
    }
    expect(seen).toBe(after);
  });
});
