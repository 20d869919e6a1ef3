import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DIV1, DIV2, errorText, json, startTestSandbox, type TestSandbox } from './sandbox.helper.js';

// API.md §5: bulk and sync endpoints, sync/Deleted
describe('sandbox §5 bulk and sync', () => {
  let t: TestSandbox;
  let tok: string;
  beforeAll(async () => { t = await startTestSandbox(); tok = (await t.connect()).access_token; });
  afterAll(async () => { await t.close(); });
  const get = async (p: string) => { const r = await t.api(p, tok); return { status: r.status, body: await json(r) }; };

  it('returns rows in strictly increasing Timestamp order (Int64 strings) and pages at 1000', async () => {
    const first = await get(`${DIV1}/sync/Financial/TransactionLines?$filter=Timestamp gt 1L&$select=ID,Timestamp,EntryID`);
    const firstRows = first.body.d.results as { Timestamp: string }[];
    expect(firstRows.length).toBeGreaterThan(100);
    const acc = await get(`${DIV1}/sync/CRM/Accounts?$filter=Timestamp gt 1L&$select=ID,Timestamp,Name`);
    const rows = acc.body.d.results as { Timestamp: string }[];
    expect(rows).toHaveLength(300);
    const ts = rows.map((r) => BigInt(r.Timestamp));
    for (let i = 1; i < ts.length; i++) expect(ts[i] > ts[i - 1]).toBe(true);
    const contacts = await get(`${DIV1}/sync/CRM/Contacts?$select=ID,Timestamp`);
    expect(contacts.body.d.results.length).toBe(300);
  });

  it('follows __next through 1000-row pages', async () => {
    await t.control('POST', 'reset', { seed: 1, volume: 2500 });
    const seen: string[] = [];
    let url: string | undefined = `${DIV1}/sync/Financial/TransactionLines?$filter=Timestamp gt 1L&$select=ID,Timestamp`;
    let pages = 0;
    while (url) {
      const page = await get(url);
      expect(page.status).toBe(200);
      if (page.body.d.__next) expect(page.body.d.results).toHaveLength(1000);
      seen.push(...page.body.d.results.map((r: { ID: string }) => r.ID));
      url = page.body.d.__next;
      if (url) expect(url.startsWith(t.url)).toBe(true);
      pages++;
    }
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(new Set(seen).size).toBe(seen.length);
    await t.control('POST', 'reset', { seed: 1 });
  });

  it('incremental sync returns only changed rows', async () => {
    const all = await get(`${DIV2}/sync/CRM/Accounts?$filter=Timestamp gt 1L&$select=ID,Timestamp`);
    const max = all.body.d.results.map((r: { Timestamp: string }) => BigInt(r.Timestamp)).reduce((a: bigint, b: bigint) => (b > a ? b : a));
    const id = all.body.d.results[5].ID;
    expect((await t.api(`${DIV2}/crm/Accounts(guid'${id}')`, tok, { method: 'PUT', json: { City: 'Gouda' } })).status).toBe(204);
    const inc = await get(`${DIV2}/sync/CRM/Accounts?$filter=Timestamp gt ${max}L&$select=ID,Timestamp,City`);
    expect(inc.body.d.results).toHaveLength(1);
    expect(inc.body.d.results[0].City).toBe('Gouda');
    expect(BigInt(inc.body.d.results[0].Timestamp) > max).toBe(true);
  });

  it('sync endpoints accept only a Timestamp filter and no $orderby', async () => {
    const r = await get(`${DIV1}/sync/CRM/Accounts?$filter=Name eq 'x'`);
    expect(r.status).toBe(400);
    expect(errorText(r.body)).toMatch(/Timestamp/);
    expect((await get(`${DIV1}/sync/CRM/Accounts?$filter=Timestamp gt 1L&$orderby=Name`)).status).toBe(400);
    expect((await t.api(`${DIV1}/sync/CRM/Accounts`, tok, { method: 'POST', json: {} })).status).toBe(405);
  });

  it('bulk endpoints demand $select and page at 1000', async () => {
    const no = await get(`${DIV1}/bulk/CRM/Accounts?$filter=Blocked eq false`);
    expect(no.status).toBe(400);
    expect(errorText(no.body)).toMatch(/\$select/);
    const ok = await get(`${DIV1}/bulk/Financial/GLAccounts?$select=ID,Code&$filter=Code ne 'x'`);
    expect(ok.status).toBe(200);
    expect(ok.body.d.results.length).toBeGreaterThan(60);
    expect(ok.body.d.results.length).toBeLessThanOrEqual(1000);
    expect((await get(`${DIV1}/bulk/Cashflow/Receivables?$select=ID,Status&$filter=Status eq 20`)).status).toBe(200);
  });

  it('logs deletions in sync/Deleted with the EntityType code', async () => {
    const before = await get(`${DIV1}/sync/Deleted?$filter=Timestamp gt 1L`);
    const created = (await json(await t.api(`${DIV1}/crm/Accounts`, tok, { method: 'POST', json: { Name: 'Weg B.V.' } }))).d;
    await t.api(`${DIV1}/crm/Accounts(guid'${created.ID}')`, tok, { method: 'DELETE' });
    const after = await get(`${DIV1}/sync/Deleted?$filter=Timestamp gt 1L`);
    expect(after.body.d.results.length).toBe(before.body.d.results.length + 1);
    const row = after.body.d.results.at(-1);
    expect(row).toMatchObject({ EntityKey: created.ID, EntityType: 2, Division: DIV1 });
    expect(typeof row.Timestamp).toBe('string');
    expect(row.DeletedDate).toMatch(/^\/Date\(\d+\)\/$/);
  });

  it('Cashflow/PaymentTerms reflects payments (LineType 20, Status 50, IsFullyPaid)', async () => {
    const open = await get(`${DIV1}/cashflow/Receivables?$filter=Status eq 20 and IsFullyPaid eq false&$select=InvoiceNumber,AmountDC,TransactionEntryID&$top=1`);
    const inv = open.body.d[0];
    const start = await get(`${DIV1}/sync/Cashflow/PaymentTerms?$select=Timestamp&$filter=Timestamp gt 1L`);
    const max = start.body.d.results.at(-1).Timestamp;
    await t.control('POST', 'simulate/payment', { division: DIV1, invoiceNumber: inv.InvoiceNumber });
    const inc = await get(`${DIV1}/sync/Cashflow/PaymentTerms?$filter=Timestamp gt ${max}L`);
    expect(inc.body.d.results).toHaveLength(1);
    expect(inc.body.d.results[0]).toMatchObject({ LineType: 20, Status: 50, IsFullyPaid: true, InvoiceNumber: inv.InvoiceNumber, TransactionEntryID: inv.TransactionEntryID });
  });
});
