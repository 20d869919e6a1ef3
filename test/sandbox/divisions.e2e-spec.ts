import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DIV1, DIV2, DIV3, errorText, json, startTestSandbox, type TestSandbox } from './sandbox.helper.js';

// API.md §2: current/Me, Divisions, AllDivisions, division scoping
describe('sandbox §2 divisions and scoping', () => {
  let t: TestSandbox;
  beforeAll(async () => { t = await startTestSandbox(); });
  afterAll(async () => { await t.close(); });

  it('current/Me wraps the user in d.results', async () => {
    const tok = await t.connect();
    const body = await json(await t.api('current/Me', tok.access_token));
    expect(Array.isArray(body.d.results)).toBe(true);
    expect(body.d.results[0].CurrentDivision).toBe(DIV1);
    expect(body.d.results[0].UserID).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('seeds three distinct divisions (NL + BE)', async () => {
    const tok = await t.connect();
    const body = await json(await t.api(`${DIV1}/system/AllDivisions`, tok.access_token));
    const rows = body.d.results as { Code: number; Country: string; Description: string; Hid: unknown }[];
    expect(rows.map((r) => r.Code)).toEqual([DIV1, DIV2, DIV3]);
    expect(new Set(rows.map((r) => r.Description)).size).toBe(3);
    expect(rows.map((r) => r.Country)).toContain('BE');
    expect(typeof rows[0].Hid).toBe('string');
  });

  it('a subset grant limits system/Divisions and answers 403 outside the scope', async () => {
    const tok = await t.connect([DIV2]);
    const divs = await json(await t.api(`${DIV2}/system/Divisions`, tok.access_token));
    expect(divs.d.results.map((d: { Code: number }) => d.Code)).toEqual([DIV2]);
    const all = await json(await t.api(`${DIV2}/system/AllDivisions`, tok.access_token));
    expect(all.d.results).toHaveLength(3);
    const r = await t.api(`${DIV1}/crm/Accounts?$filter=Name eq 'x'`, tok.access_token);
    expect(r.status).toBe(403);
    expect(errorText(await json(r))).toBe('Forbidden - User division is not within division scope');
    const me = await json(await t.api('current/Me', tok.access_token));
    expect(me.d.results[0].CurrentDivision).toBe(DIV2);
  });

  it('"all" also grants divisions created later; a subset does not', async () => {
    const all = await t.connect('all');
    const subset = await t.connect([DIV1]);
    const created = await t.control<{ code: number }>('POST', 'divisions', { description: 'Nieuwe BV', country: 'NL', customers: 3 });
    expect((await t.api(`${created.code}/system/Divisions`, all.access_token)).status).toBe(200);
    expect((await t.api(`${created.code}/system/Divisions`, subset.access_token)).status).toBe(403);
    const gl = await json(await t.api(`${created.code}/financial/GLAccounts?$filter=Code eq '8000'`, all.access_token));
    expect(gl.d.results[0].Description).toBe('Omzet diensten');
  });

  it('unknown division → 403 WrongDivision', async () => {
    const tok = await t.connect();
    const r = await t.api('999/system/Divisions', tok.access_token);
    expect(r.status).toBe(403);
    expect(errorText(await json(r))).toBe('Forbidden - WrongDivision');
  });
});
