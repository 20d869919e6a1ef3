import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DIV1, DIV2, json, startTestSandbox, type TestSandbox, expectError } from './sandbox.helper.js';
import { rows } from './planning.helper.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const ms = (v: string) => Number(/\d+/.exec(v)![0]);

// API.md §7.10: projects of all five types, WBS, hour types, hour budgets, project hours, project planning
describe('sandbox planning: projects and hours', () => {
  let t: TestSandbox;
  let tok: string;
  let employee: string;
  let hourType: string;
  let material: string;
  beforeAll(async () => {
    t = await startTestSandbox();
    tok = (await t.connect()).access_token;
    employee = rows(await get(`${DIV2}/payroll/Employees?$filter=IsActive eq true&$select=ID`))[0].ID;
    hourType = rows(await get(`${DIV2}/read/project/HourTypes?$select=ItemId,ItemCode`)).find((h) => h.ItemCode === 'ADVIES').ItemId;
    material = rows(await get(`${DIV2}/logistics/Items?$filter=IsTime eq 0&$select=ID`))[0].ID;
  });
  afterAll(async () => { await t.close(); });
  async function get(p: string) { return json(await t.api(p, tok)); }
  const post = (p: string, body: unknown, div = DIV2) => t.api(`${div}/${p}`, tok, { method: 'POST', json: body, headers: { Prefer: 'return=representation' } });
  const put = (p: string, body: unknown) => t.api(`${DIV2}/${p}`, tok, { method: 'PUT', json: body });

  it('seeds projects of every type with blocks, managers and accounts; hour types are the time items', async () => {
    const ps = rows(await get(`${DIV2}/project/Projects?$filter=Code ne ''&$select=Code,Type,TypeDescription,BlockEntry,BlockPlanning,Manager,ManagerFullname,HasWBSLines`));
    expect(new Set(ps.map((p) => p.Type))).toEqual(new Set([1, 2, 3, 4, 5]));
    expect(ps.some((p) => p.BlockEntry)).toBe(true);
    expect(ps.some((p) => p.BlockPlanning)).toBe(true);
    expect(ps.every((p) => p.ManagerFullname)).toBe(true);
    expect(ps.filter((p) => p.HasWBSLines).length).toBeGreaterThanOrEqual(4);
    const hts = rows(await get(`${DIV2}/read/project/HourTypes`));
    expect(hts.map((h) => h.ItemCode)).toEqual(expect.arrayContaining(['ARBEID', 'ADVIES', 'PROJECTLEIDING']));
    expect(hts.every((h) => !['VOORRIJ', 'KM'].includes(h.ItemCode))).toBe(true);
  });

  it('creates projects (Code auto-numbered only in the PSA package), WBS with two levels', async () => {
    await expectError(await post('project/Projects', { Code: 'X1', Description: 'x', Type: 9 }), 400, /Ongeldig: Type/);
    await expectError(await post('project/Projects', { Description: 'zonder code', Type: 3 }, DIV1), 403, 'Forbidden');
    const auto = await post('project/Projects', { Description: 'Automatisch genummerd', Type: 3, StartDate: '2030-01-01', EndDate: '2030-06-30' });
    expect(auto.status).toBe(201);
    const p = (await json(auto)).d;
    expect(p.Code).toMatch(/^\d+$/);
    expect(p.TypeDescription).toBe('Nacalculatie');
    await expectError(await post('project/Projects', { Code: p.Code, Description: 'dubbel', Type: 3 }), 400, `Code bestaat al: ${p.Code}`);
    await expectError(await post('project/Projects', { Code: 'EIND', Description: 'x', Type: 2, StartDate: '2030-02-01', EndDate: '2030-01-01' }), 400, /Einddatum/);
    const d1 = (await json(await post('project/WBSDeliverables', { Project: p.ID, Description: 'Fase 1' }))).d;
    const d2 = (await json(await post('project/WBSDeliverables', { Project: p.ID, Description: 'Fase 1a', PartOf: d1.ID }))).d;
    const act = await post('project/WBSActivities', { Project: p.ID, PartOf: d2.ID, Description: 'Analyse', BudgetedHours: 16, StartDate: '2030-01-06', EndDate: '2030-01-31' });
    expect(act.status).toBe(201);
    expect((await json(act)).d.InvoiceMethod).toBe(3);
    const other = rows(await get(`${DIV2}/project/WBSDeliverables?$filter=Project ne guid'${p.ID}'&$select=ID`))[0];
    await expectError(await post('project/WBSActivities', { Project: p.ID, PartOf: other.ID, Description: 'x' }), 400, /PartOf/);
    expect((await get(`${DIV2}/project/Projects(guid'${p.ID}')`)).d.HasWBSLines).toBe(true);
    expect((await t.api(`${DIV2}/project/WBSDeliverables(guid'${d1.ID}')`, tok, { method: 'DELETE' })).status).toBe(400);
    await expectError(await post('project/ProjectHourBudgets', { Project: p.ID, Item: material, Budget: 10 }), 400, /geen uursoort/);
    expect((await post('project/ProjectHourBudgets', { Project: p.ID, Item: hourType, Budget: 10 })).status).toBe(201);
    await expectError(await post('project/ProjectHourBudgets', { Project: p.ID, Item: hourType, Budget: 5 }), 400, /bestaat al een budget/);
  });

  it('project hours: refused for a blocked project, a non-time item, a date outside the project; HourStatus rules', async () => {
    const open = rows(await get(`${DIV2}/project/Projects?$filter=BlockEntry eq false and IsWBSRequiredForEntry eq 0&$select=ID,Code,StartDate,EndDate`))[0];
    const blocked = rows(await get(`${DIV2}/project/Projects?$filter=BlockEntry eq true&$select=ID,Code,StartDate`))[0];
    const date = iso(ms(open.StartDate) + 2 * DAY);
    const hours = (over: Record<string, unknown>) => post('project/TimeTransactions', { Employee: employee, Project: open.ID, Item: hourType, Quantity: 2, Date: date, ...over });
    await expectError(await hours({ Project: blocked.ID, Date: iso(ms(blocked.StartDate) + DAY) }), 400, `Project ${blocked.Code} is geblokkeerd voor urenregistratie`);
    await expectError(await hours({ Item: material }), 400, /geen uursoort/);
    await expectError(await hours({ Date: iso(ms(open.StartDate) - DAY) }), 400, new RegExp(`ligt buiten de looptijd van project ${open.Code}`));
    await expectError(await hours({ HourStatus: 20 }), 400, /HourStatus/);
    const ok = await hours({});
    expect(ok.status).toBe(201);
    const tt = (await json(ok)).d;
    expect([tt.HourStatus, tt.Type, tt.ProjectCode]).toEqual([1, 1, open.Code]);
    expect(tt.AmountFC).toBeGreaterThan(0);
    expect((await put(`project/TimeTransactions(guid'${tt.ID}')`, { Quantity: 3, HourStatus: 10 })).status).toBe(204);
    const final = rows(await get(`${DIV2}/project/TimeTransactions?$filter=HourStatus eq 20&$select=ID`))[0];
    await expectError(await put(`project/TimeTransactions(guid'${final.ID}')`, { Quantity: 1 }), 400, /goedkeuring/);
    // a project that requires WBS for entry
    const wbsReq = rows(await get(`${DIV2}/project/Projects?$filter=IsWBSRequiredForEntry eq 1 and BlockEntry eq false&$select=ID,StartDate`))[0];
    await expectError(await hours({ Project: wbsReq.ID, Date: iso(ms(wbsReq.StartDate) + DAY) }), 400, 'Verplicht: Activiteit');
    const blockedAct = rows(await get(`${DIV2}/project/WBSActivities?$filter=BlockEntry eq true&$select=ID,Project,StartDate`))[0];
    const bp = (await get(`${DIV2}/project/Projects(guid'${blockedAct.Project}')`)).d;
    await expectError(await hours({ Project: blockedAct.Project, Activity: blockedAct.ID, Date: iso(ms(bp.StartDate) + DAY) }), 400, /geblokkeerd/);
  });

  it('project planning: refused on a project blocked for planning; within eight weeks in the seed', async () => {
    const bp = rows(await get(`${DIV2}/project/Projects?$filter=BlockPlanning eq true&$select=ID,Code`))[0];
    await expectError(await post('project/ProjectPlanning', { Employee: employee, Project: bp.ID, StartDate: '2030-01-07', EndDate: '2030-01-11', Hours: 8 }), 400, `Project ${bp.Code} is geblokkeerd voor planning`);
    const open = rows(await get(`${DIV2}/project/Projects?$filter=BlockPlanning eq false&$select=ID`))[0];
    const r = await post('project/ProjectPlanning', { Employee: employee, Project: open.ID, HourType: hourType, StartDate: '2030-01-07', EndDate: '2030-01-11', Hours: 16 });
    expect(r.status).toBe(201);
    expect((await json(r)).d.HourTypeCode).toBe('ADVIES');
    const plans = rows(await get(`${DIV2}/project/ProjectPlanning?$filter=Hours gt 0&$select=StartDate&$orderby=StartDate desc`));
    expect(plans.length).toBeGreaterThan(0);
  });
});
