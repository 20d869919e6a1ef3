import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DIV1, DIV2, errorText, json, startTestSandbox, type TestSandbox } from './sandbox.helper.js';
import { NO_GUID, rows } from './planning.helper.js';

// Issue #14 / API.md §3, §5.2–5.3, §7.1, §7.8–7.12: every planning entity answers on its endpoint with its key,
// verbs, type name, mandatory filtering, 60-row pages, its sync endpoint in Timestamp order and its sync/Deleted code.
interface Case { path: string; div: number; key: string; type: string; verbs: string; sync?: string; del?: number; many?: boolean }

const CASES: Case[] = [
  { path: 'logistics/SelectionCodes', div: DIV1, key: 'ID', type: 'SelectionCode', verbs: 'GPUD' },
  { path: 'inventory/Warehouses', div: DIV1, key: 'ID', type: 'Warehouse', verbs: 'GPUD' },
  { path: 'crm/Quotations', div: DIV1, key: 'QuotationID', type: 'Quotation', verbs: 'GPUD', sync: 'CRM/QuotationHeaders', del: 34 },
  { path: 'crm/QuotationLines', div: DIV1, key: 'ID', type: 'QuotationLine', verbs: 'GPUD', sync: 'CRM/QuotationLines', del: 35 },
  { path: 'salesorder/SalesOrders', div: DIV1, key: 'OrderID', type: 'SalesOrder', verbs: 'GPUD', sync: 'SalesOrder/SalesOrderHeaders', del: 32 },
  { path: 'salesorder/SalesOrderLines', div: DIV1, key: 'ID', type: 'SalesOrderLine', verbs: 'GPUD', sync: 'SalesOrder/SalesOrderLines', del: 33, many: true },
  { path: 'purchaseorder/PurchaseOrders', div: DIV1, key: 'PurchaseOrderID', type: 'PurchaseOrder', verbs: 'GPUD', sync: 'PurchaseOrder/PurchaseOrders', del: 22 },
  { path: 'purchaseorder/PurchaseOrderLines', div: DIV1, key: 'ID', type: 'PurchaseOrderLine', verbs: 'GPUD' },
  { path: 'manufacturing/ShopOrders', div: DIV1, key: 'ID', type: 'ShopOrder', verbs: 'GPUD', sync: 'Manufacturing/ShopOrders', del: 36 },
  { path: 'manufacturing/ShopOrderRoutingStepPlans', div: DIV1, key: 'ID', type: 'ShopOrderRoutingStepPlan', verbs: 'GPUD', sync: 'Manufacturing/ShopOrderRoutingStepPlans', del: 38, many: true },
  { path: 'manufacturing/ShopOrderMaterialPlans', div: DIV1, key: 'ID', type: 'ShopOrderMaterialPlan', verbs: 'GPUD', sync: 'Manufacturing/ShopOrderMaterialPlans', del: 37, many: true },
  { path: 'manufacturing/Workcenters', div: DIV1, key: 'ID', type: 'Workcenter', verbs: 'GPUD' },
  { path: 'manufacturing/Operations', div: DIV1, key: 'ID', type: 'Operation', verbs: 'GPUD' },
  { path: 'manufacturing/TimeTransactions', div: DIV1, key: 'ID', type: 'ManufacturingTimeTransaction', verbs: 'GPUD' },
  { path: 'manufacturing/TimedTimeTransactions', div: DIV1, key: 'ID', type: 'TimedTimeTransaction', verbs: 'GPUD' },
  { path: 'project/Projects', div: DIV2, key: 'ID', type: 'Project', verbs: 'GPUD', sync: 'Project/Projects', del: 21 },
  { path: 'project/WBSDeliverables', div: DIV2, key: 'ID', type: 'WBSDeliverable', verbs: 'GPUD', sync: 'Project/ProjectWBS', del: 25 },
  { path: 'project/WBSActivities', div: DIV2, key: 'ID', type: 'WBSActivity', verbs: 'GPUD', sync: 'Project/ProjectWBS', del: 25 },
  { path: 'read/project/HourTypes', div: DIV2, key: 'ItemId', type: 'HourType', verbs: 'G' },
  { path: 'project/ProjectHourBudgets', div: DIV2, key: 'ID', type: 'ProjectHourBudget', verbs: 'GPUD' },
  { path: 'project/TimeTransactions', div: DIV2, key: 'ID', type: 'TimeTransaction', verbs: 'GPUD', sync: 'Project/TimeCostTransactions', del: 14, many: true },
  { path: 'project/ProjectPlanning', div: DIV2, key: 'ID', type: 'ProjectPlanning', verbs: 'GPUD', sync: 'Project/ProjectPlanning', del: 26, many: true },
  { path: 'logistics/Items', div: DIV1, key: 'ID', type: 'Item', verbs: 'GPUD', sync: 'Logistics/Items', del: 9 },
  { path: 'payroll/Employees', div: DIV2, key: 'ID', type: 'Employee', verbs: 'G', sync: 'Payroll/Employees', del: 42 },
  { path: 'hrm/Schedules', div: DIV2, key: 'ID', type: 'Schedule', verbs: 'G', sync: 'HRM/Schedules', del: 39 },
  { path: 'hrm/ScheduleEntries', div: DIV2, key: 'ID', type: 'ScheduleEntry', verbs: 'G', sync: 'HRM/ScheduleEntries', del: 40 },
  { path: 'hrm/LeaveAbsenceHoursByDay', div: DIV2, key: 'ID', type: 'LeaveAbsenceHoursByDay', verbs: 'G', sync: 'HRM/LeaveAbsenceHoursByDay', del: 27, many: true },
  { path: 'hrm/LeaveRegistrations', div: DIV2, key: 'ID', type: 'LeaveRegistration', verbs: 'G', sync: 'HRM/LeaveRegistrations' },
  { path: 'hrm/AbsenceRegistrations', div: DIV2, key: 'ID', type: 'AbsenceRegistration', verbs: 'G', sync: 'HRM/AbsenceRegistrations' },
  { path: 'hrm/AbsenceRegistrationTransactions', div: DIV2, key: 'ID', type: 'AbsenceRegistrationTransaction', verbs: 'G', sync: 'HRM/AbsenceRegistrationTransactions' },
];

describe('sandbox planning entities: conformance', () => {
  let t: TestSandbox;
  let tok: string;
  beforeAll(async () => { t = await startTestSandbox(); tok = (await t.connect()).access_token; });
  afterAll(async () => { await t.close(); });
  const get = async (p: string) => { const r = await t.api(p, tok); return { status: r.status, body: await json(r) }; };

  it.each(CASES)('$path: key, type, 60-row pages, single GET, verbs', async (c) => {
    const keyLit = c.key === 'ItemId' || c.key.endsWith('ID') ? NO_GUID : NO_GUID;
    const list = await get(`${c.div}/${c.path}?$filter=${c.key} ne ${keyLit}`);
    expect(list.status).toBe(200);
    const page = rows(list.body);
    expect(page.length).toBeGreaterThan(0);
    expect(page.length).toBeLessThanOrEqual(60);
    if (c.many) {
      expect(page).toHaveLength(60);
      expect(list.body.d.__next).toContain('$skiptoken=');
    }
    expect(page[0].__metadata.type).toBe(`Exact.Web.Api.Models.${c.type}`);
    const key = page[0][c.key] as string;
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    if (c.path !== 'read/project/HourTypes') {
      const one = await get(`${c.div}/${c.path}(guid'${key}')`);
      expect(one.status).toBe(200);
      expect(one.body.d[c.key]).toBe(key);
    }
    const writable = c.verbs === 'GPUD';
    const post = await t.api(`${c.div}/${c.path}`, tok, { method: 'POST', json: { Bogus: 1 } });
    expect(post.status).toBe(writable ? 400 : 405);
    if (writable) expect(errorText(await json(post))).toContain("The property name 'Bogus'");
    const put = await t.api(`${c.div}/${c.path}(guid'${key}')`, tok, { method: 'PUT', json: {} });
    if (!writable) expect(put.status).toBe(405);
  });

  it.each(CASES.filter((c) => c.sync))('$path: mandatory filtering and sync/$sync in Timestamp order', async (c) => {
    const bare = await get(`${c.div}/${c.path}`);
    expect(bare.status).toBe(400);
    expect(errorText(bare.body)).toContain('This endpoint has mandatory filtering applied');
    const s = await get(`${c.div}/sync/${c.sync}?$filter=Timestamp gt 1L`);
    expect(s.status).toBe(200);
    const r = rows(s.body) as { Timestamp: string }[];
    expect(r.length).toBeGreaterThan(0);
    expect(typeof r[0].Timestamp).toBe('string');
    for (let i = 1; i < r.length; i++) expect(BigInt(r[i].Timestamp) > BigInt(r[i - 1].Timestamp)).toBe(true);
    expect((await get(`${c.div}/sync/${c.sync}?$filter=${c.key} ne ${NO_GUID}`)).status).toBe(400);
  });

  it('sync/Project/ProjectWBS merges deliverables (Type 1) and activities (Type 2) in Timestamp order; bulk needs $select', async () => {
    const s = await get(`${DIV2}/sync/Project/ProjectWBS?$filter=Timestamp gt 1L&$select=ID,Timestamp,Type,PartOf,Project,Description`);
    expect(s.status).toBe(200);
    const r = rows(s.body) as { Timestamp: string; Type: number; PartOf: string | null; ID: string }[];
    expect(new Set(r.map((x) => x.Type))).toEqual(new Set([1, 2]));
    for (let i = 1; i < r.length; i++) expect(BigInt(r[i].Timestamp) > BigInt(r[i - 1].Timestamp)).toBe(true);
    const deliverables = new Set(r.filter((x) => x.Type === 1).map((x) => x.ID));
    // two levels: a deliverable whose parent is a deliverable, and activities below deliverables
    expect(r.some((x) => x.Type === 1 && x.PartOf && deliverables.has(x.PartOf))).toBe(true);
    expect(r.filter((x) => x.Type === 2).every((x) => x.PartOf && deliverables.has(x.PartOf))).toBe(true);
    expect((await get(`${DIV2}/bulk/Project/ProjectWBS?$filter=Type eq 2`)).status).toBe(400);
    const bulk = await get(`${DIV2}/bulk/Project/ProjectWBS?$filter=Type eq 2&$select=ID,Description`);
    expect(bulk.status).toBe(200);
    expect(rows(bulk.body).length).toBe(r.filter((x) => x.Type === 2).length);
  });

  it('$expand returns line collections; Entity(key)/Nav returns them too', async () => {
    const so = await get(`${DIV1}/salesorder/SalesOrders?$filter=Status eq 12&$expand=SalesOrderLines&$select=OrderID,OrderNumber,SalesOrderLines&$inlinecount=allpages`);
    expect(so.status).toBe(200);
    const orders = rows(so.body) as { OrderID: string; SalesOrderLines: { results: { OrderID: string; LineNumber: number }[] } }[];
    expect(orders.length).toBeGreaterThan(5);
    for (const o of orders) {
      expect(o.SalesOrderLines.results.length).toBeGreaterThan(0);
      expect(o.SalesOrderLines.results.every((l) => l.OrderID === o.OrderID)).toBe(true);
    }
    const shop = await get(`${DIV1}/manufacturing/ShopOrders?$filter=Status eq 20&$expand=ShopOrderRoutingStepPlans,ShopOrderMaterialPlans&$select=ID,ShopOrderRoutingStepPlans,ShopOrderMaterialPlans`);
    const s0 = rows(shop.body)[0] as { ID: string; ShopOrderRoutingStepPlans: { results: { LineNumber: number }[] }; ShopOrderMaterialPlans: { results: unknown[] } };
    expect(s0.ShopOrderRoutingStepPlans.results.map((x) => x.LineNumber)).toEqual(s0.ShopOrderRoutingStepPlans.results.map((_x, i) => (i + 1) * 10));
    expect(s0.ShopOrderMaterialPlans.results.length).toBeGreaterThan(0);
    const nav = await get(`${DIV1}/manufacturing/ShopOrders(guid'${s0.ID}')/ShopOrderRoutingStepPlans`);
    expect(rows(nav.body)).toHaveLength(s0.ShopOrderRoutingStepPlans.results.length);
    const q = await get(`${DIV1}/crm/Quotations?$filter=Status eq 25&$expand=QuotationLines&$select=QuotationID,QuotationLines`);
    expect((rows(q.body)[0] as { QuotationLines: { results: unknown[] } }).QuotationLines.results.length).toBeGreaterThan(0);
    const sch = await get(`${DIV2}/hrm/Schedules?$filter=ScheduleType eq 3&$expand=ScheduleEntries&$select=ID,ScheduleEntries`);
    expect((rows(sch.body)[0] as { ScheduleEntries: { results: unknown[] } }).ScheduleEntries.results).toHaveLength(5);
  });
});
