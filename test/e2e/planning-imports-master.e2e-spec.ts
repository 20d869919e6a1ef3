import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { csrf, type Agent, type TestApp } from '../support/app.js';
import type { ExactTestEnv } from '../support/exact.js';
import { planningDriver, startPlanningApp } from '../support/planning.js';
import { waitFor } from '../support/sync.js';
import { LedgerSettingsService } from '../../src/modules/ledgers/ledger-settings.service.js';
import { ExactClient } from '../../src/exact/exact.client.js';
import { SyncService } from '../../src/modules/sync/sync.service.js';
import { COST_UNITS_TASK } from '../../src/modules/planning/planning-cost-units.js';

// Issue #20, master data: SalesRelation / PurchaseRelation (linked to Koppel's customers, never copied), Warehouse
// (codes, the Cards filter), shop-order materials, cost units from resources (ledger setting) and the Sync page's
// planning panel — against the sandbox's planning side, real PostgreSQL, webhooks coming back over HTTP.
const MFG = 1234567;

let x: ExactTestEnv;
let t: TestApp;
let admin: Agent;
let planner: Agent;

const { db, saveAndActivate, idle, runNow } = planningDriver(() => ({ x, t, admin })).forDivision(MFG);
type Row = Record<string, unknown>;
const exactRows = async (entity: string, q = '') => (await x.control<{ rows: Row[] }>(`data/${MFG}/${entity}?limit=1000${q ? `&q=${encodeURIComponent(q)}` : ''}`)).rows;

/** No cost centre / unit task queued or running (a planning cycle queues it before the cycle ends). */
const costTaskSettled = () => waitFor(async () => (await t.app.get(SyncService).openTaskKeys(COST_UNITS_TASK)).length === 0, 'the cost task settled', 120_000);

let location = 0;

beforeAll(async () => {
  ({ x, t, admin, planner } = await startPlanningApp([MFG]));
  await x.control('limits', { minutely: 100000, daily: 1000000 });
  [{ id: location }] = await db<{ id: number }>(
    `insert into locations (name, code, street, house_number, postcode, city, country, exact_division, customer_send_moment)
     values ('Vestiging Utrecht', 'UTR', 'Stationsweg', '1', '3511 AA', 'Utrecht', 'NL', $1, 'first_invoice') returning id`,
    [MFG],
  );
}, 120_000);

afterAll(async () => {
  await t?.close();
  await x?.close();
});

describe('relations, warehouses and materials', () => {
  it('SalesRelation + PurchaseRelation: relations as master data, linked to the Koppel customer with the same number and company, never a new customer', async () => {
    // a Koppel customer that is the Exact account of a purchase order's supplier (same number, same name), not linked yet
    const orders = await exactRows('PurchaseOrders');
    const supplierId = String(orders[0].Supplier).toLowerCase();
    const [account] = (await exactRows('Accounts')).filter((r) => String(r.ID).toLowerCase() === supplierId);
    const code = String(account.Code).trim();
    const made = await admin.post('/customers').type('form').send({
      _csrf: await csrf(admin, '/customers/new'), type: 'business', number: code, name: String(account.Name), street: 'Kerkstraat', houseNumber: '1', postcode: '1234 AB',
      city: 'Amersfoort', country: 'NL', locationId: String(location),
    });
    expect(made.status).toBe(303);
    const [customer] = await db<{ id: number }>('select id from customers where number = $1', [code]);
    const [{ n: customersBefore }] = await db<{ n: string }>('select count(*) as n from customers');

    await saveAndActivate(['SalesRelation', 'PurchaseRelation', 'PurchaseOrder']);
    await idle();
    const accounts = await exactRows('Accounts');
    const relations = await db<{ exact_id: string; code: string; data: { isCustomer: boolean; isSupplier: boolean; customerId: number | null; address: { city: string | null } } }>(
      `select exact_id, code, data from plan_master where division = $1 and kind = 'relation'`, [MFG],
    );
    expect(relations.length).toBe(accounts.length);
    expect(relations.filter((r) => r.data.isSupplier).length).toBe(accounts.filter((r) => r.IsSupplier === true).length);
    const mine = relations.find((r) => r.exact_id === supplierId)!;
    expect(mine.data.customerId).toBe(customer.id);
    // linked through the customers module (the stored Exact ID from now on); no customer was made for any relation
    const links = await db<{ customer_id: number; exact_id: string }>('select customer_id, exact_id from customer_exact_links where division = $1', [MFG]);
    expect(links.map((l) => [l.customer_id, l.exact_id.toLowerCase()])).toEqual([[customer.id, supplierId]]);
    expect((await db<{ n: string }>('select count(*) as n from customers'))[0].n).toBe(customersBefore);
    // the supplier's cards point at the customer; the purchase order card shows the supplier's address
    const [po] = await db<{ id: number; customer_id: number | null }>(
      `select id, customer_id from plan_card where division = $1 and kind = 'purchase_order' and relation_exact_id = $2 limit 1`, [MFG, supplierId],
    );
    expect(po.customer_id).toBe(customer.id);
    const page = await planner.get(`/planning/cards/${po.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Adres leverancier');
    expect(page.text).toContain(String(account.City).trim());

    // an address changed in Exact (Accounts webhook) reaches the master data and the card page
    await x.control('accounts', { division: MFG, ID: account.ID, City: 'Zwolle', Postcode: '8011 AA' });
    await waitFor(async () => ((await db<{ city: string }>(`select data->'address'->>'city' as city from plan_master where division = $1 and kind = 'relation' and exact_id = $2`, [MFG, supplierId]))[0]?.city === 'Zwolle' ? true : undefined), 'the new city', 60_000);
    expect((await planner.get(`/planning/cards/${po.id}`)).text).toContain('Zwolle');
    await idle();
    // a second run changes nothing and links nothing twice
    await runNow();
    expect((await db<{ n: string }>('select count(*) as n from customer_exact_links where division = $1', [MFG]))[0].n).toBe('1');
    expect((await db<{ n: string }>('select count(*) as n from customers'))[0].n).toBe(customersBefore);
  }, 240_000);

  it('Warehouse: codes as master data (not on cards), a filter choice with their names; the Cards filter by warehouse shows that warehouse only', async () => {
    await idle();
    await saveAndActivate(['SalesOrder', 'Warehouse']);
    await idle();
    const warehouses = await db<{ code: string; name: string }>(`select code, name from plan_master where division = $1 and kind = 'warehouse' order by code`, [MFG]);
    expect(warehouses).toEqual([{ code: 'HM', name: 'Hoofdmagazijn Utrecht' }, { code: 'WP', name: 'Werkplaats Nieuwegein' }]);
    const list = await planner.get('/planning/cards?kind=sales_order');
    expect(list.text).toMatch(/<option value="WP"[^>]*>WP · Werkplaats Nieuwegein<\/option>/);
    // every select of the filter form submits it (htmx: a change bubbles to the form; 'from:find select' heard only the first)
    expect(list.text).not.toContain('from:find select');
    // an order moved to the workshop's warehouse in Exact
    const [order] = await db<{ exact_id: string; number: string }>(`select exact_id, number from plan_card where division = $1 and kind = 'sales_order' and status = 'open' order by number limit 1`, [MFG]);
    const wp = (await exactRows('Warehouses')).find((w) => w.Code === 'WP')!;
    await x.control('planning/SalesOrders', { division: MFG, ID: order.exact_id, action: 'update', fields: { WarehouseID: wp.ID, WarehouseCode: 'WP', WarehouseDescription: wp.Description } });
    await waitFor(async () => ((await db<{ w: string }>(`select warehouse_code as w from plan_card where division = $1 and kind = 'sales_order' and exact_id = $2`, [MFG, order.exact_id]))[0].w === 'WP' ? true : undefined), 'the order in WP', 60_000);
    const filtered = await planner.get('/planning/cards?kind=sales_order&warehouse=WP').set('HX-Request', 'true');
    expect(filtered.status).toBe(200);
    expect(filtered.text).toContain(`<code>${order.number}</code>`);
    expect((filtered.text.match(/href="\/planning\/cards\/\d+"/g) ?? []).length).toBe(1);
    const hm = await planner.get('/planning/cards?kind=sales_order&warehouse=HM').set('HX-Request', 'true');
    expect(hm.text).not.toContain(`<code>${order.number}</code>`);
    await idle();
    // switched off: the codes are not read any more (the options screen's next Activate); the filter still lists codes on cards
    await saveAndActivate(['SalesOrder']);
    await idle();
  }, 240_000);

  it('ProductionOrder: the shop order card shows its materials; a material added or deleted in Exact follows', async () => {
    await saveAndActivate(['ProductionOrder']);
    await idle();
    const plans = await exactRows('ShopOrderMaterialPlans');
    expect(plans.length).toBeGreaterThan(0);
    const so = String(plans[0].ShopOrder).toLowerCase();
    const [c] = await db<{ id: number; materials: { exactId: string; itemCode: string; quantity: number }[] }>(
      `select id, materials from plan_card where division = $1 and kind = 'shop_order' and exact_id = $2`, [MFG, so],
    );
    const mine = plans.filter((p) => String(p.ShopOrder).toLowerCase() === so);
    expect(c.materials.map((m) => m.exactId).sort()).toEqual(mine.map((p) => String(p.ID).toLowerCase()).sort());
    expect(c.materials.map((m) => m.itemCode)).toContain(String(mine[0].ItemCode));
    const page = await planner.get(`/planning/cards/${c.id}`);
    expect(page.text).toContain('id="card-materials"');
    expect(page.text).toContain(String(mine[0].ItemCode));
    // materials are polled (no webhook topic, every 2 hours): "Run now" brings a new one, and sync/Deleted takes one away
    const [open] = await db<{ exact_id: string; id: number }>(`select exact_id, id from plan_card where division = $1 and kind = 'shop_order' and status = 'open' and exact_status = 10 order by number limit 1`, [MFG]);
    const item = await x.control<{ ID: string; Code: string }>('planning/Items', { division: MFG, action: 'create', fields: { Code: `MAT-${Date.now()}`, Description: 'Plaatstaal 2 mm', IsStockItem: true } });
    const added = await x.control<{ ID: string }>('planning/ShopOrderMaterialPlans', { division: MFG, action: 'create', fields: { ShopOrder: open.exact_id, Item: item.ID, PlannedQuantity: 7 } });
    await idle();
    await runNow('manual');
    const withNew = (await db<{ materials: { exactId: string; quantity: number }[] }>('select materials from plan_card where id = $1', [open.id]))[0].materials;
    expect(withNew.find((m) => m.exactId === added.ID.toLowerCase())?.quantity).toBe(7);
    expect((await planner.get(`/planning/cards/${open.id}`)).text).toContain(item.Code);
    await x.control('planning/ShopOrderMaterialPlans', { division: MFG, ID: added.ID, action: 'delete' });
    await runNow('manual');
    const after = (await db<{ materials: { exactId: string }[] }>('select materials from plan_card where id = $1', [open.id]))[0].materials;
    expect(after.some((m) => m.exactId === added.ID.toLowerCase())).toBe(false);
    expect(after.length).toBe(withNew.length - 1);
  }, 240_000);
});

describe('cost units from resources (ledger setting) and the Sync page', () => {
  it('each imported work centre gets its cost unit in Koppel and in Exact: looked up first, never twice', async () => {
    await idle();
    await t.app.get(LedgerSettingsService).set({ costDimensionsEnabled: true, costUnitsFromResources: true });
    const centres = await exactRows('Workcenters');
    const codes = centres.map((w) => String(w.Code));
    // Exact already has a cost unit with the first work centre's code: it is linked, not made again
    await t.app.get(ExactClient).division(MFG).costUnits.create({ Code: codes[0], Description: 'Al in Exact' });
    const postsBefore = await x.requests({ division: MFG, method: 'POST', endpoint: 'hrm/costunits' });
    await saveAndActivate(['ResourceViaProduction']);
    await idle();
    await waitFor(async () => {
      const [{ n }] = await db<{ n: string }>(`select count(*) as n from plan_resource where division = $1 and kind = 'machine' and active and cost_code is null`, [MFG]);
      return Number(n) === 0 ? true : undefined;
    }, 'every work centre has its cost unit', 120_000);
    const units = await db<{ code: string }>('select code from cost_unit where code = any($1) order by code', [codes]);
    expect(units.map((u) => u.code)).toEqual([...codes].sort());
    const linked = await db<{ code: string; status: string }>(`select code, status from cost_dimension_link where kind = 'unit' and division = $1 and code = any($2)`, [MFG, codes]);
    expect(linked.every((l) => l.status === 'linked')).toBe(true);
    expect(linked.length).toBe(codes.length);
    const inExact = await exactRows('Costunits');
    for (const code of codes) expect(inExact.filter((u) => String(u.Code).trim() === code).length).toBe(1);
    expect(await x.requests({ division: MFG, method: 'POST', endpoint: 'hrm/costunits' })).toBe(postsBefore + codes.length - 1);
    // another cycle (the work centres read again) posts nothing: a cost task it would have queued has finished
    await runNow();
    await costTaskSettled();
    expect(await x.requests({ division: MFG, method: 'POST', endpoint: 'hrm/costunits' })).toBe(postsBefore + codes.length - 1);
  }, 240_000);

  it('the setting chooses cost centres: the Cost centres & units page saves the choice, each work centre gets its cost centre in Koppel and in Exact (looked up first, never twice), its cost unit is kept', async () => {
    await idle();
    const page = await admin.get('/accounting/cost-centers');
    expect(page.text).toContain('name="resourceCostKind"');
    const saved = await admin.post('/accounting/cost-centers/settings').type('form').send({
      _csrf: await csrf(admin, '/accounting/cost-centers'), costDimensionsEnabled: 'on', costUnitsFromResources: 'on', resourceCostKind: 'center',
    });
    expect(saved.status).toBe(303);
    expect((await t.app.get(LedgerSettingsService).get()).resourceCostKind).toBe('center');
    expect((await admin.get('/accounting/cost-centers')).text).toMatch(/<option value="center" selected>/);
    const codes = (await exactRows('Workcenters')).map((w) => String(w.Code));
    // Exact already has a cost centre with the last work centre's code: it is linked, not made again
    await t.app.get(ExactClient).division(MFG).costCenters.create({ Code: codes[codes.length - 1], Description: 'Al in Exact' });
    const unitPosts = await x.requests({ division: MFG, method: 'POST', endpoint: 'hrm/costunits' });
    const centrePosts = await x.requests({ division: MFG, method: 'POST', endpoint: 'hrm/costcenters' });
    await runNow('manual');
    await waitFor(async () => {
      const [{ n }] = await db<{ n: string }>(
        `select count(*) as n from plan_resource where division = $1 and kind = 'machine' and active and cost_kind is distinct from 'center'`, [MFG]);
      return Number(n) === 0 ? true : undefined;
    }, 'every work centre has its cost centre', 120_000);
    const centres = await db<{ code: string }>('select code from cost_center where code = any($1) order by code', [codes]);
    expect(centres.map((c) => c.code)).toEqual([...codes].sort());
    const linked = await db<{ code: string; status: string }>(`select code, status from cost_dimension_link where kind = 'center' and division = $1 and code = any($2)`, [MFG, codes]);
    expect(linked.length).toBe(codes.length);
    expect(linked.every((l) => l.status === 'linked')).toBe(true);
    const inExact = await exactRows('Costcenters');
    for (const code of codes) expect(inExact.filter((c) => String(c.Code).trim() === code).length).toBe(1);
    expect(await x.requests({ division: MFG, method: 'POST', endpoint: 'hrm/costcenters' })).toBe(centrePosts + codes.length - 1);
    // the cost units made before are kept, and none is made now
    expect(await x.requests({ division: MFG, method: 'POST', endpoint: 'hrm/costunits' })).toBe(unitPosts);
    expect((await db<{ code: string }>('select code from cost_unit where code = any($1)', [codes])).length).toBe(codes.length);
    // another cycle posts nothing: a cost task it would have queued has finished
    await runNow();
    await costTaskSettled();
    expect(await x.requests({ division: MFG, method: 'POST', endpoint: 'hrm/costcenters' })).toBe(centrePosts + codes.length - 1);
  }, 240_000);

  it('the Sync page loads the planning panel: per entity last run, records and errors, and calls today, forecast and share of the daily budget', async () => {
    await idle();
    const sync = await planner.get('/sync');
    expect(sync.status).toBe(200);
    expect(sync.text).toContain('hx-get="/planning/sync-status"');
    const panel = await planner.get('/planning/sync-status').set('HX-Request', 'true');
    expect(panel.status).toBe(200);
    expect(panel.text).toContain(`data-division="${MFG}"`);
    for (const feed of ['relations', 'purchase-orders', 'warehouses', 'materials', 'workcenters', 'deleted']) expect(panel.text).toContain(`data-feed="${feed}"`);
    const forecast = Number(/data-forecast="(\d+)"/.exec(panel.text)?.[1]);
    const share = Number(/data-share="([\d.]+)"/.exec(panel.text)?.[1]);
    expect(forecast).toBeGreaterThan(0);
    expect(share).toBeCloseTo(Math.round((forecast / 1_000_000) * 1000) / 10, 5); // the limit the sandbox's headers give
    expect(panel.text).toContain('calls vandaag');
  }, 120_000);
});
