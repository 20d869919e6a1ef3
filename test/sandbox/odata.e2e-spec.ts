import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DIV1, DIV3, errorText, json, startTestSandbox, type TestSandbox } from './sandbox.helper.js';

// API.md §3: envelopes, paging, $filter, $select, types, writes, errors, Atom
describe('sandbox §3 JSON / OData conventions', () => {
  let t: TestSandbox;
  let tok: string;
  const acc = (q: string) => `${DIV1}/crm/Accounts?${q}`;
  beforeAll(async () => { t = await startTestSandbox(); tok = (await t.connect()).access_token; });
  afterAll(async () => { await t.close(); });
  const get = async (path: string) => {
    const r = await t.api(path, tok);
    return { status: r.status, body: await json(r) };
  };
  const count = async (filter: string) => {
    const r = await t.api(`${acc(`$filter=${encodeURIComponent(filter)}`)}&$select=ID&$inlinecount=allpages`, tok);
    const b = await json(r);
    if (r.status !== 200) throw new Error(`${filter}: ${r.status} ${JSON.stringify(b)}`);
    return Number(b.d.__count);
  };

  it('pages at 60 with an absolute __next carrying $skiptoken=guid and the original options', async () => {
    const first = await get(acc("$filter=Blocked eq false&$select=ID,Code,Name&$inlinecount=allpages"));
    expect(first.status).toBe(200);
    expect(first.body.d.results).toHaveLength(60);
    expect(first.body.d.__count).toMatch(/^\d+$/);
    const next: string = first.body.d.__next;
    expect(next.startsWith(`${t.url}/api/v1/${DIV1}/crm/Accounts?`)).toBe(true);
    expect(next).toMatch(/\$skiptoken=guid'[0-9a-f-]{36}'/);
    expect(next).toContain('$select=ID');
    const seen = new Set<string>(first.body.d.results.map((r: { ID: string }) => r.ID));
    let url: string | undefined = next;
    while (url) {
      const page: { d: { results: { ID: string }[]; __next?: string } } = await json(await t.api(url, tok));
      for (const r of page.d.results) seen.add(r.ID);
      url = page.d.__next;
    }
    expect(seen.size).toBe(Number(first.body.d.__count));
  });

  it('$top > 60 still pages at 60; $top below 60 has no __next; /$count is plain text', async () => {
    const big = await get(acc('$filter=Blocked eq false&$top=100&$select=ID'));
    expect(big.body.d.results).toHaveLength(60);
    expect(big.body.d.__next).toContain('$top=40');
    const small = await get(acc('$filter=Blocked eq false&$top=5&$select=ID'));
    // $top at or below the page size: the bare array form {"d":[…]} (API.md §3.2), no __next
    expect(Array.isArray(small.body.d)).toBe(true);
    expect(small.body.d).toHaveLength(5);
    const r = await t.api(`${DIV1}/crm/Accounts/$count?$filter=Blocked eq true`, tok);
    expect(r.headers.get('content-type')).toMatch(/text\/plain/);
    expect(await r.text()).toMatch(/^\d+$/);
  });

  it('supports each $filter form', async () => {
    const total = await count("Name ne ''");
    expect(total).toBeGreaterThan(200);
    expect(await count("Code eq '              1001'")).toBe(1);
    expect(await count("trim(Code) eq '1001'")).toBe(1);
    expect(await count("Code eq '1001'")).toBe(0);
    expect(await count("substringof('bakker',Name) eq true")).toBeGreaterThan(0);
    expect(await count("startswith(Name,'Bakkerij') eq true")).toBeGreaterThan(0);
    expect(await count("endswith(Name,'B.V.') eq true")).toBeGreaterThan(0);
    expect(await count('Blocked eq true') + await count('Blocked eq false')).toBe(total);
    expect(await count('not (Blocked eq true)')).toBe(await count('Blocked eq false'));
    expect(await count("(trim(Code) eq '1001' or trim(Code) eq '1002') and Blocked eq false")).toBe(2);
    expect(await count("Name ne '' and Website eq null")).toBe(total);
    expect(await count("Name eq 'O''Brien'")).toBe(0);
    const one = (await get(acc("$filter=trim(Code) eq '1003'&$select=ID,Created"))).body.d.results[0];
    expect(await count(`ID eq guid'${one.ID}'`)).toBe(1);
    expect(await count("Created ge datetime'2000-01-01T00:00:00' and Created lt datetime'2999-01-01T00:00:00'")).toBe(total);
    const tl = await get(`${DIV1}/financialtransaction/TransactionLines?$filter=AmountDC gt 100.5 and AmountDC le 1000000 and FinancialYear ge 2000&$select=AmountDC`);
    expect(tl.status).toBe(200);
    expect(tl.body.d.results.every((r: { AmountDC: number }) => r.AmountDC > 100.5)).toBe(true);
    const sync = await get(`${DIV1}/sync/CRM/Accounts?$filter=Timestamp gt 1L&$select=Timestamp&$top=1`);
    expect(sync.status).toBe(200);
    expect((await get(acc("$filter=Name eq 'x' and"))).status).toBe(400);
    expect(errorText((await get(acc("$filter=Nope eq 'x'"))).body)).toContain("No property 'Nope'");
  });

  it('$select limits properties and rejects unknown ones; $orderby sorts', async () => {
    const r = await get(acc("$filter=Blocked eq false&$select=Name,Code&$orderby=Name desc&$top=10"));
    expect(Object.keys(r.body.d[0]).sort()).toEqual(['Code', 'Name', '__metadata']);
    const names = r.body.d.map((x: { Name: string }) => x.Name);
    expect([...names].sort().reverse()).toEqual(names);
    expect((await get(acc("$filter=Blocked eq false&$select=Name,Bogus"))).status).toBe(400);
  });

  it('returns __metadata, __deferred navigation, /Date(ms)/ dates and Int64 as strings', async () => {
    const r = await get(`${DIV1}/salesentry/SalesEntries?$top=1`);
    const e = r.body.d[0];
    expect(e.__metadata.type).toBe('Exact.Web.Api.Models.SalesEntry');
    expect(e.__metadata.uri).toBe(`${t.url}/api/v1/${DIV1}/salesentry/SalesEntries(guid'${e.EntryID}')`);
    expect(e.SalesEntryLines.__deferred.uri).toBe(`${e.__metadata.uri}/SalesEntryLines`);
    expect(e.EntryDate).toMatch(/^\/Date\(\d+\)\/$/);
    const exp = await get(`${DIV1}/salesentry/SalesEntries(guid'${e.EntryID}')?$expand=SalesEntryLines`);
    expect(exp.body.d.SalesEntryLines.results.length).toBeGreaterThan(0);
    const ts = await get(`${DIV1}/sync/Financial/TransactionLines?$select=Timestamp&$top=2`);
    expect(typeof ts.body.d[0].Timestamp).toBe('string');
  });

  it('Account Code is right-aligned to 18; POST without Code gets highest+1', async () => {
    const res = await t.api(`${DIV1}/crm/Accounts`, tok, { method: 'POST', json: { Name: 'Nieuwe Klant B.V.' }, headers: { Prefer: 'return=representation' } });
    expect(res.status).toBe(201);
    const created = (await json(res)).d;
    expect(created.Code).toHaveLength(18);
    const highest = await get(acc("$filter=Blocked eq false or Blocked eq true&$orderby=Code desc&$top=2&$select=Code"));
    expect(highest.body.d[0].Code).toBe(created.Code);
    expect(Number(created.Code.trim())).toBe(Number(highest.body.d[1].Code.trim()) + 1);
    const withCode = await json(await t.api(`${DIV1}/crm/Accounts`, tok, { method: 'POST', json: { Name: 'X', Code: '77' }, headers: { Prefer: 'return=representation' } }));
    expect(withCode.d.Code).toBe('                77');
  });

  it('POST without Prefer returns the key and nulls; PUT and DELETE answer 204; 404 afterwards', async () => {
    const res = await t.api(`${DIV1}/crm/Accounts`, tok, { method: 'POST', json: { Name: 'Kort B.V.', City: 'Delft' } });
    expect(res.status).toBe(201);
    const d = (await json(res)).d;
    expect(d.ID).toMatch(/^[0-9a-f-]{36}$/);
    expect(d.Name).toBeNull();
    expect(res.headers.get('location')).toBe(d.__metadata.uri);
    const put = await t.api(`${DIV1}/crm/Accounts(guid'${d.ID}')`, tok, { method: 'PUT', json: { City: 'Leiden' } });
    expect(put.status).toBe(204);
    const after = await get(`${DIV1}/crm/Accounts(guid'${d.ID}')`);
    expect(after.body.d.City).toBe('Leiden');
    expect(after.body.d.Name).toBe('Kort B.V.');
    expect((await t.api(`${DIV1}/crm/Accounts(guid'${d.ID}')`, tok, { method: 'DELETE' })).status).toBe(204);
    expect((await get(`${DIV1}/crm/Accounts(guid'${d.ID}')`)).status).toBe(404);
  });

  it('validation errors use the Exact envelope with Dutch texts; bad bodies; 405', async () => {
    const r = await t.api(`${DIV1}/crm/Accounts`, tok, { method: 'POST', json: { City: 'X' } });
    expect(r.status).toBe(400);
    expect(await json(r)).toEqual({ error: { code: '', message: { lang: '', value: 'Verplicht: Name' } } });
    const arr = await t.api(`${DIV1}/crm/Accounts`, tok, { method: 'POST', json: [{ Name: 'x' }] });
    expect(errorText(await json(arr))).toContain('valid top-level resource object');
    const unknown = await t.api(`${DIV1}/crm/Accounts`, tok, { method: 'POST', json: { Name: 'x', Foo: 1 } });
    expect(unknown.status).toBe(400);
    const gl = await t.api(`${DIV1}/financial/GLAccounts`, tok, { method: 'POST', json: { Code: '8999', Description: 'x', Type: 7 } });
    expect(errorText(await json(gl))).toBe('Ongeldig: Grootboekrekeningtype');
    const bank = await get(`${DIV1}/financialtransaction/BankEntries?$top=1`);
    const id = bank.body.d[0].EntryID;
    expect((await t.api(`${DIV1}/financialtransaction/BankEntries(guid'${id}')`, tok, { method: 'PUT', json: {} })).status).toBe(405);
    expect((await t.api(`${DIV1}/financialtransaction/TransactionLines`, tok, { method: 'POST', json: {} })).status).toBe(405);
    expect((await get(`${DIV1}/crm/Nope`)).status).toBe(404);
  });

  it('answers Atom XML without a JSON Accept header', async () => {
    const r = await t.api(`${DIV3}/vat/VATCodes`, tok, { accept: null });
    expect(r.headers.get('content-type')).toMatch(/application\/atom\+xml/);
    const xml = await r.text();
    expect(xml).toContain('<feed');
    expect(xml).toContain('<m:properties>');
    expect(xml).toMatch(/<d:Code>2 {2}<\/d:Code>/);
    const one = await t.api(`${DIV3}/system/Divisions(${DIV3})`, tok, { accept: 'application/xml' });
    expect(await one.text()).toMatch(/<entry[^>]*>.*<d:Code m:type="Edm.Int32">3456789<\/d:Code>/s);
    const err = await t.api(`${DIV3}/crm/Accounts`, tok, { accept: null });
    expect(err.status).toBe(400);
    expect(await err.text()).toContain('mandatory filtering');
  });
});
