import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DIV1, DIV2, DIV3, errorText, json, startTestSandbox, type TestSandbox } from './sandbox.helper.js';
import { rows } from './planning.helper.js';

// API.md §1.5 (user lacks the right → 403, users/UserHasRights) and issue #14 "rights and packages"
describe('sandbox planning: packages, rights and users/UserHasRights', () => {
  let t: TestSandbox;
  let tok: string;
  beforeAll(async () => { t = await startTestSandbox(); tok = (await t.connect()).access_token; });
  afterAll(async () => { await t.close(); });
  const get = (p: string) => t.api(p, tok);
  const has = async (div: number, endpoint: string, action = 'GET') => {
    const r = await get(`${div}/users/UserHasRights?endpoint='${endpoint}'&action='${action}'`);
    expect(r.status).toBe(200);
    return (await json(r)).d.UserHasRights as boolean;
  };

  it('a division without Manufacturing answers 403 Forbidden with a Reason header on every manufacturing endpoint', async () => {
    for (const p of ['manufacturing/ShopOrders?$filter=Status eq 10', 'sync/Manufacturing/ShopOrders?$filter=Timestamp gt 1L', 'manufacturing/Workcenters', 'manufacturing/TimeTransactions']) {
      const r = await get(`${DIV2}/${p}`);
      expect(r.status).toBe(403);
      expect(r.headers.get('reason')).toBe('NoModuleInPackage');
      expect(errorText(await json(r))).toBe('Forbidden');
    }
    expect((await get(`${DIV1}/manufacturing/Workcenters`)).status).toBe(200);
    // the finance side is always there; the accounting-only division has no planning modules at all
    expect((await get(`${DIV3}/crm/Accounts?$filter=Blocked eq false&$select=ID`)).status).toBe(200);
    for (const p of ['salesorder/SalesOrders?$filter=Status eq 12', 'project/Projects?$filter=Type eq 2', 'payroll/Employees?$filter=IsActive eq true', 'crm/Quotations?$filter=Status eq 20']) {
      expect((await get(`${DIV3}/${p}`)).status).toBe(403);
    }
  });

  it('users/UserHasRights answers per endpoint and action', async () => {
    expect(rows(await json(await get('current/Me')))[0].PackageCode).toBe('EOL-MFG');
    expect(await has(DIV1, 'manufacturing/ShopOrders')).toBe(true);
    expect(await has(DIV2, 'manufacturing/ShopOrders')).toBe(false);
    expect(await has(DIV2, 'project/Projects', 'POST')).toBe(true);
    expect(await has(DIV1, 'project/Projects')).toBe(false);
    expect(await has(DIV2, 'payroll/Employees', 'POST')).toBe(false);
    expect(await has(DIV1, 'crm/Accounts', 'DELETE')).toBe(true);
    expect((await get(`${DIV1}/users/UserHasRights?endpoint='crm/Accounts'&action='PATCH'`)).status).toBe(400);
    expect((await get(`${DIV1}/users/UserHasRights?endpoint=crm/Accounts&action='GET'`)).status).toBe(400);
  });

  it('the control API takes a right or a module away and gives it back', async () => {
    const so = rows(await json(await get(`${DIV1}/salesorder/SalesOrders?$filter=Status eq 12&$select=OrderID`)))[0];
    let out = await t.control<{ denied: string[] }>('POST', 'rights', { division: DIV1, endpoint: 'salesorder/SalesOrders', action: 'PUT', allowed: false });
    expect(out.denied).toEqual(['salesorder/salesorders|PUT']);
    const put = await t.api(`${DIV1}/salesorder/SalesOrders(guid'${so.OrderID}')`, tok, { method: 'PUT', json: { Description: 'x' } });
    expect(put.status).toBe(403);
    expect(put.headers.get('reason')).toBe('NoRights');
    expect((await get(`${DIV1}/salesorder/SalesOrders(guid'${so.OrderID}')`)).status).toBe(200);
    expect(await has(DIV1, 'salesorder/SalesOrders', 'PUT')).toBe(false);
    expect(await has(DIV1, 'salesorder/SalesOrders', 'GET')).toBe(true);
    out = await t.control('POST', 'rights', { division: DIV1, endpoint: 'salesorder/SalesOrders', action: 'PUT', allowed: true });
    expect(out.denied).toEqual([]);
    expect((await t.api(`${DIV1}/salesorder/SalesOrders(guid'${so.OrderID}')`, tok, { method: 'PUT', json: { Description: 'x' } })).status).toBe(204);
    await t.control('POST', 'rights', { division: DIV1, module: 'Manufacturing', allowed: false });
    expect((await get(`${DIV1}/manufacturing/Workcenters`)).status).toBe(403);
    expect(await has(DIV1, 'manufacturing/Workcenters')).toBe(false);
    await t.control('POST', 'rights', { division: DIV1, module: 'Manufacturing', allowed: true });
    expect((await get(`${DIV1}/manufacturing/Workcenters`)).status).toBe(200);
    // outside a Professional Services package a project needs a Code
    await t.control('POST', 'rights', { division: DIV1, module: 'Projects', allowed: true });
    const p = await t.api(`${DIV1}/project/Projects`, tok, { method: 'POST', json: { Description: 'Zonder code', Type: 3 } });
    expect(p.status).toBe(400);
    expect(errorText(await json(p))).toBe('Verplicht: Code');
    const view = await t.control<{ division: number; package: string; modules: string[] }[]>('GET', 'rights');
    expect(view.find((v) => v.division === DIV2)).toMatchObject({ package: 'EOL-PSA' });
    expect(view.find((v) => v.division === DIV1)?.modules).toContain('Projects');
    const bad = await fetch(`${t.url}/_sandbox/rights`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ division: DIV1, module: 'Nope', allowed: false }) });
    expect(bad.status).toBe(400);
  });
});
