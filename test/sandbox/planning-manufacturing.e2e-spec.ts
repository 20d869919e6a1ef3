import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DIV1, json, startTestSandbox, type TestSandbox, expectError, edmDate } from './sandbox.helper.js';
import { rows } from './planning.helper.js';

const d = edmDate;

// API.md §7.9: shop orders, routing steps, materials, work centres, operations, hours on shop orders
describe('sandbox planning: manufacturing', () => {
  let t: TestSandbox;
  let tok: string;
  let make: string;
  let material: string;
  let wc: string;
  let op: string;
  beforeAll(async () => {
    t = await startTestSandbox();
    tok = (await t.connect()).access_token;
    make = rows(await get(`${DIV1}/logistics/Items?$filter=Code eq 'KAST-RVS'&$select=ID`))[0].ID;
    material = rows(await get(`${DIV1}/logistics/Items?$filter=Code eq 'RVS-PLAAT'&$select=ID`))[0].ID;
    wc = rows(await get(`${DIV1}/manufacturing/Workcenters?$filter=Code eq 'LAS'&$select=ID`))[0].ID;
    op = rows(await get(`${DIV1}/manufacturing/Operations?$filter=Code eq 'LASSEN'&$select=ID`))[0].ID;
  });
  afterAll(async () => { await t.close(); });
  async function get(p: string) { return json(await t.api(p, tok)); }
  const post = (p: string, body: unknown) => t.api(`${DIV1}/${p}`, tok, { method: 'POST', json: body, headers: { Prefer: 'return=representation' } });
  const put = (p: string, body: unknown) => t.api(`${DIV1}/${p}`, tok, { method: 'PUT', json: body });

  it('the seed has shop orders in every status, released and on hold, with operations and materials', async () => {
    for (const s of [10, 20, 30, 40]) expect(rows(await get(`${DIV1}/manufacturing/ShopOrders?$filter=Status eq ${s}&$select=ID`)).length).toBeGreaterThan(0);
    expect(rows(await get(`${DIV1}/manufacturing/ShopOrders?$filter=IsOnHold eq 1&$select=ID`)).length).toBeGreaterThan(0);
    expect(rows(await get(`${DIV1}/manufacturing/ShopOrders?$filter=IsReleased eq 0&$select=ID`)).length).toBeGreaterThan(0);
    const so = rows(await get(`${DIV1}/manufacturing/ShopOrders?$filter=Status eq 20&$select=ID,PlannedStartDate,PlannedDate,ShopOrderNumber,ShopOrderNumberString,Type`))[0];
    expect(so.ShopOrderNumberString).toBe(String(so.ShopOrderNumber));
    expect(so.Type).toBe(9040);
    const steps = rows(await get(`${DIV1}/manufacturing/ShopOrderRoutingStepPlans?$filter=ShopOrder eq guid'${so.ID}'`));
    expect(steps.length).toBeGreaterThan(1);
    for (const s of steps) {
      expect(s.WorkcenterCode).toBeTruthy();
      expect(s.PlannedTotalHours).toBeCloseTo(s.PlannedSetupHours + s.PlannedRunHours, 5);
    }
    expect(rows(await get(`${DIV1}/manufacturing/TimeTransactions?$filter=ShopOrder eq guid'${so.ID}'`)).length).toBeGreaterThan(0);
  });

  it('creates a shop order (Req Item + PlannedQuantity, make item, end after start) with routing steps and materials', async () => {
    await expectError(await post('manufacturing/ShopOrders', { PlannedQuantity: 2 }), 400, 'Verplicht: Artikel');
    await expectError(await post('manufacturing/ShopOrders', { Item: make }), 400, 'Verplicht: Gepland aantal');
    await expectError(await post('manufacturing/ShopOrders', { Item: material, PlannedQuantity: 2 }), 400, /geen maakartikel/);
    await expectError(await post('manufacturing/ShopOrders', { Item: make, PlannedQuantity: 2, PlannedStartDate: '2030-05-10', PlannedDate: '2030-05-01' }), 400, /einddatum/);
    const r = await post('manufacturing/ShopOrders', { Item: make, PlannedQuantity: 4, PlannedStartDate: '2030-05-01', PlannedDate: '2030-05-08', Status: 40, ShopOrderNumber: 1 });
    expect(r.status).toBe(201);
    const so = (await json(r)).d;
    expect([so.Status, so.IsReleased, so.ItemCode]).toEqual([10, 0, 'KAST-RVS']);
    expect(so.ShopOrderNumber).toBeGreaterThan(5000);
    await expectError(await post('manufacturing/ShopOrderRoutingStepPlans', { ShopOrder: so.ID }), 400, 'Verplicht: Werkplek');
    const s1 = await post('manufacturing/ShopOrderRoutingStepPlans', { ShopOrder: so.ID, Workcenter: wc, Operation: op, PlannedSetupHours: 1, PlannedRunHours: 3 });
    expect(s1.status).toBe(201);
    const step = (await json(s1)).d;
    expect([step.LineNumber, step.PlannedTotalHours, step.Status, step.OperationCode, step.PlannedStartDate]).toEqual([10, 4, 10, 'LASSEN', d('2030-05-01')]);
    const s2 = (await json(await post('manufacturing/ShopOrderRoutingStepPlans', { ShopOrder: so.ID, Workcenter: wc }))).d;
    expect(s2.LineNumber).toBe(20);
    expect((await post('manufacturing/ShopOrderMaterialPlans', { ShopOrder: so.ID, Item: material, PlannedQuantity: 8 })).status).toBe(201);
    // planned dates and selection code are changeable (the planner moves the order)
    expect((await put(`manufacturing/ShopOrders(guid'${so.ID}')`, { PlannedStartDate: '2030-05-03', PlannedDate: '2030-05-12', IsReleased: 1 })).status).toBe(204);
    const moved = (await get(`${DIV1}/manufacturing/ShopOrders(guid'${so.ID}')?$expand=ShopOrderRoutingStepPlans,ShopOrderMaterialPlans`)).d;
    expect([moved.PlannedStartDate, moved.PlannedDate, moved.IsReleased]).toEqual([d('2030-05-03'), d('2030-05-12'), 1]);
    expect(moved.ShopOrderRoutingStepPlans.results).toHaveLength(2);
    expect(moved.ShopOrderMaterialPlans.results).toHaveLength(1);
    // an open shop order without hours can be deleted, with its operations and materials (sync/Deleted 36/38/37)
    expect((await t.api(`${DIV1}/manufacturing/ShopOrders(guid'${so.ID}')`, tok, { method: 'DELETE' })).status).toBe(204);
    const del = rows(await get(`${DIV1}/sync/Deleted?$filter=Timestamp gt 1L`)) as { EntityKey: string; EntityType: number }[];
    expect(del.find((d) => d.EntityKey === so.ID)?.EntityType).toBe(36);
    expect(del.find((d) => d.EntityKey === step.ID)?.EntityType).toBe(38);
    expect(del.some((d) => d.EntityType === 37)).toBe(true);
  });

  it('hours on a shop order: Activity 10/20, the step starts and finishes, refused on a completed shop order', async () => {
    const so = rows(await get(`${DIV1}/manufacturing/ShopOrders?$filter=Status eq 10 and IsReleased eq 1&$select=ID`))[0];
    const step = rows(await get(`${DIV1}/manufacturing/ShopOrderRoutingStepPlans?$filter=ShopOrder eq guid'${so.ID}'&$orderby=LineNumber&$select=ID,Status`))[0];
    await expectError(await post('manufacturing/TimeTransactions', { ShopOrder: so.ID, RoutingStepPlan: step.ID, Activity: 30, Hours: 1 }), 400, /Activity/);
    const r = await post('manufacturing/TimeTransactions', { RoutingStepPlan: step.ID, Activity: 10, Hours: 1.5, LaborHours: 1.5, IsOperationFinished: 1 });
    expect(r.status).toBe(201);
    const tt = (await json(r)).d;
    expect([tt.ShopOrder, tt.Activity, tt.Hours]).toEqual([so.ID, 10, 1.5]);
    expect((await get(`${DIV1}/manufacturing/ShopOrders(guid'${so.ID}')`)).d.Status).toBe(20);
    expect((await get(`${DIV1}/manufacturing/ShopOrderRoutingStepPlans(guid'${step.ID}')`)).d.Status).toBe(30);
    const other = rows(await get(`${DIV1}/manufacturing/ShopOrderRoutingStepPlans?$filter=ShopOrder ne guid'${so.ID}'&$select=ID`))[0];
    await expectError(await post('manufacturing/TimeTransactions', { ShopOrder: so.ID, RoutingStepPlan: other.ID, Hours: 1 }), 400, /hoort niet bij deze productieorder/);
    const closed = rows(await get(`${DIV1}/manufacturing/ShopOrders?$filter=Status eq 40&$select=ID,ShopOrderNumber`))[0];
    await expectError(await post('manufacturing/TimeTransactions', { ShopOrder: closed.ID, Activity: 20, Hours: 2 }), 400, `Productieorder ${closed.ShopOrderNumber} is afgesloten en kan niet meer worden geboekt`);
    await expectError(await put(`manufacturing/ShopOrders(guid'${closed.ID}')`, { PlannedDate: '2030-01-01' }), 400, /afgesloten/);
    await expectError(await post('manufacturing/TimedTimeTransactions', { ShopOrder: closed.ID, StartTime: '2030-01-01T08:00:00' }), 400, /afgesloten/);
    const timed = await post('manufacturing/TimedTimeTransactions', { ShopOrder: so.ID, ShopOrderRoutingStepPlan: step.ID, StartTime: '2030-01-01T08:00:00', EndTime: '2030-01-01T10:30:00' });
    expect(timed.status).toBe(201);
    expect((await json(timed)).d.LaborHours).toBe(2.5);
  });

  it('work centres and operations: unique codes, in-use ones cannot be deleted', async () => {
    await expectError(await post('manufacturing/Workcenters', { Code: 'LAS', Description: 'dubbel' }), 400, 'Code bestaat al: LAS');
    expect((await post('manufacturing/Workcenters', { Code: 'CNC', Description: 'CNC-frees', Capacity: 2 })).status).toBe(201);
    expect((await t.api(`${DIV1}/manufacturing/Workcenters(guid'${wc}')`, tok, { method: 'DELETE' })).status).toBe(400);
    expect((await t.api(`${DIV1}/manufacturing/Operations(guid'${op}')`, tok, { method: 'DELETE' })).status).toBe(400);
  });
});
