import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DIV1, DIV3, errorText, json, startTestSandbox, type TestSandbox, expectError } from './sandbox.helper.js';

// API.md §7: entities, sales entry validation and bookings, receivables, documents
describe('sandbox §7 entities', () => {
  let t: TestSandbox;
  let tok: string;
  let customer: string;
  let gl8000: string;
  let glBlocked: string;
  let glAr: string;
  beforeAll(async () => {
    t = await startTestSandbox();
    tok = (await t.connect()).access_token;
    customer = (await get(`${DIV1}/crm/Accounts?$filter=Blocked eq false&$top=1&$select=ID`)).d[0].ID;
    const gl = (code: string) => get(`${DIV1}/financial/GLAccounts?$filter=Code eq '${code}'&$select=ID`).then((b) => b.d.results[0].ID as string);
    gl8000 = await gl('8000');
    glBlocked = await gl('8095');
    glAr = await gl('1300');
  });
  afterAll(async () => { await t.close(); });
  async function get(p: string) { return json(await t.api(p, tok)); }
  const post = (p: string, body: unknown, representation = true) =>
    t.api(`${DIV1}/${p}`, tok, { method: 'POST', json: body, headers: representation ? { Prefer: 'return=representation' } : {} });
  const entry = (over: Record<string, unknown> = {}, line: Record<string, unknown> = {}) => ({
    Journal: '70', Customer: customer, EntryDate: '2026-05-30', YourRef: 'INV-1001',
    SalesEntryLines: [{ GLAccount: gl8000, AmountFC: 100, VATCode: '2  ', Description: 'Consulting', ...line }], ...over,
  });

  it('rejects invalid sales entries with Exact-like messages', async () => {
    await expectError(await post('salesentry/SalesEntries', entry({ Journal: undefined })), 400, 'Verplicht: Dagboek');
    await expectError(await post('salesentry/SalesEntries', entry({ Journal: '77' })), 400, 'Ongeldige referentie: Journals');
    await expectError(await post('salesentry/SalesEntries', entry({ Journal: '90' })), 400, 'Ongeldig: Dagboek');
    await expectError(await post('salesentry/SalesEntries', entry({ Journal: '79' })), 400, 'Geblokkeerd: Dagboek');
    await expectError(await post('salesentry/SalesEntries', entry({ Customer: '00000000-0000-0000-0000-000000000009' })), 400, 'Ongeldige referentie: Klant');
    await expectError(await post('salesentry/SalesEntries', entry({ SalesEntryLines: [] })), 400, 'Verplicht: Boekingsregels');
    await expectError(await post('salesentry/SalesEntries', entry({}, { GLAccount: glAr })), 400, 'Ongeldig: Grootboekrekeningtype');
    await expectError(await post('salesentry/SalesEntries', entry({}, { GLAccount: glBlocked })), 400, 'Geblokkeerd: Grootboekrekening 8095');
    await expectError(await post('salesentry/SalesEntries', entry({}, { VATCode: '99' })), 400, 'Ongeldige referentie: BTW-code');
    await expectError(await post('salesentry/SalesEntries', entry({}, { GLAccount: '00000000-0000-0000-0000-00000000000a' })), 400, 'Ongeldige referentie: Grootboekrekening');
    await expectError(await post('salesentry/SalesEntries', entry({}, { AmountFC: undefined })), 400, 'Verplicht: Bedrag');
    await expectError(await post('salesentry/SalesEntries', entry({ Document: '00000000-0000-0000-0000-00000000000b' })), 400, 'Ongeldige referentie: Document');
  });

  it('books a sales entry: totals, TransactionLines and a receivable; EntryNumber unique per journal and year', async () => {
    const r = await post('salesentry/SalesEntries', entry({ EntryNumber: 26990001 }, { AmountFC: 100.1 }));
    expect(r.status).toBe(201);
    const e = (await json(r)).d;
    expect(e).toMatchObject({ Journal: '70', EntryNumber: 26990001, InvoiceNumber: 26990001, Type: 20, AmountDC: 121.12, VATAmountFC: 21.02, Status: 20 });
    const dup = await post('salesentry/SalesEntries', entry({ EntryNumber: 26990001 }));
    expect(dup.status).toBe(400);
    expect(errorText(await json(dup))).toMatch(/26990001/);
    expect((await post('salesentry/SalesEntries', entry({ EntryNumber: 26990001, EntryDate: '2025-05-30' }))).status).toBe(201);
    expect((await post('salesentry/SalesEntries', entry({ EntryNumber: 26990001, Journal: '71' }))).status).toBe(201);
    const tl = await get(`${DIV1}/financialtransaction/TransactionLines?$filter=EntryID eq guid'${e.EntryID}'&$orderby=LineNumber`);
    expect(tl.d.results.map((l: { AmountDC: number }) => l.AmountDC)).toEqual([121.12, -100.1, -21.02]);
    expect(tl.d.results[0]).toMatchObject({ Type: 20, InvoiceNumber: 26990001, GLAccountCode: '1300', YourRef: 'INV-1001' });
    const rec = await get(`${DIV1}/cashflow/Receivables?$filter=TransactionEntryID eq guid'${e.EntryID}'`);
    expect(rec.d.results).toHaveLength(1);
    expect(rec.d.results[0]).toMatchObject({ AmountDC: 121.12, Status: 20, IsFullyPaid: false, InvoiceNumber: 26990001 });
    const lines = await get(`${DIV1}/salesentry/SalesEntries(guid'${e.EntryID}')/SalesEntryLines`);
    expect(lines.d.results[0]).toMatchObject({ AmountFC: 100.1, VATAmountFC: 21.02, VATCode: '2  ' });
  });

  it('negative totals make a credit note (Type 21) with a negative receivable', async () => {
    const e = (await json(await post('salesentry/SalesEntries', entry({}, { AmountFC: -50 })))).d;
    expect(e.Type).toBe(21);
    expect(e.AmountDC).toBe(-60.5);
    const rec = await get(`${DIV1}/cashflow/Receivables?$filter=TransactionEntryID eq guid'${e.EntryID}'`);
    expect(rec.d.results[0].AmountDC).toBe(-60.5);
  });

  it('simulated payments update the receivable partly, then fully; a bank TransactionLine carries the invoice number', async () => {
    const e = (await json(await post('salesentry/SalesEntries', entry({}, { AmountFC: 200 })))).d;
    const part = await t.control<{ receivables: { Status: number; IsFullyPaid: boolean }[] }>('POST', 'simulate/payment', { division: DIV1, invoiceNumber: e.InvoiceNumber, amount: 100 });
    expect(part.receivables[0]).toMatchObject({ Status: 20, IsFullyPaid: false });
    const list = await get(`${DIV1}/read/financial/ReceivablesList?$filter=InvoiceNumber eq ${e.InvoiceNumber}`);
    expect(list.d.results[0].Amount).toBe(142);
    const full = await t.control<{ receivables: { Status: number; IsFullyPaid: boolean; LastPaymentDate: number }[] }>('POST', 'simulate/payment', { division: DIV1, invoiceNumber: e.InvoiceNumber });
    expect(full.receivables[0]).toMatchObject({ Status: 50, IsFullyPaid: true });
    const bankLines = await get(`${DIV1}/financialtransaction/TransactionLines?$filter=Type eq 40 and InvoiceNumber eq ${e.InvoiceNumber}`);
    expect(bankLines.d.results.map((l: { AmountDC: number }) => l.AmountDC).sort((a: number, b: number) => a - b)).toEqual([-142, -100]);
    const after = await get(`${DIV1}/salesentry/SalesEntries(guid'${e.EntryID}')`);
    // paid is not processed: the entry stays Status 20 (Open) until an accountant processes its journal
    expect(after.d.Status).toBe(20);
    const del = await t.api(`${DIV1}/salesentry/SalesEntries(guid'${e.EntryID}')`, tok, { method: 'DELETE' });
    expect(del.status).toBe(400);
  });

  it('keeps document attachment bytes and returns a Url instead of the Attachment', async () => {
    const bytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10, 0x80]);
    const types = await get(`${DIV1}/documents/DocumentTypes`);
    expect(types.d.results.map((d: { ID: number }) => d.ID)).toEqual(expect.arrayContaining([10, 20, 55, 183]));
    expect((await get(`${DIV1}/documents/DocumentTypes(10)`)).d.Description).toBe('Verkoopfactuur');
    await expectError(await post('documents/Documents', { Subject: 'x', Type: 9999 }), 400, 'Ongeldige referentie: Documenttype');
    const doc = (await json(await post('documents/Documents', { Subject: 'Factuur 1001', Type: 10, Account: customer }))).d;
    const att = (await json(await post('documents/DocumentAttachments', { Document: doc.ID, FileName: 'f.pdf', Attachment: bytes.toString('base64') }))).d;
    expect(att.FileSize).toBe(bytes.length);
    const read = await get(`${DIV1}/documents/DocumentAttachments(guid'${att.ID}')`);
    expect(read.d.Attachment).toBeNull();
    expect(read.d.Url).toContain('DocumentAttachment.aspx');
    const raw = Buffer.from(await (await fetch(`${t.url}/_sandbox/attachments/${att.ID}/raw`)).arrayBuffer());
    expect(raw.equals(bytes)).toBe(true);
    const viaUrl = Buffer.from(await (await t.api(read.d.Url, tok)).arrayBuffer());
    expect(viaUrl.equals(bytes)).toBe(true);
    expect((await t.api(`${DIV1}/documents/DocumentAttachments(guid'${att.ID}')`, tok, { method: 'PUT', json: {} })).status).toBe(405);
    const linked = await post('salesentry/SalesEntries', entry({ Document: doc.ID }));
    expect((await json(linked)).d.Document).toBe(doc.ID);
  });

  it('general journal entries must balance; bank and cash entries check the journal type', async () => {
    const g8000 = gl8000;
    const bal = (await get(`${DIV1}/financial/GLAccounts?$filter=Code eq '1200'&$select=ID`)).d.results[0].ID;
    await expectError(await post('generaljournalentry/GeneralJournalEntries', { JournalCode: '90', GeneralJournalEntryLines: [{ GLAccount: g8000, AmountFC: 10 }] }), 400, 'Boeking is niet in balans');
    const ok = await post('generaljournalentry/GeneralJournalEntries', { JournalCode: '90', GeneralJournalEntryLines: [{ GLAccount: g8000, AmountFC: 10 }, { GLAccount: bal, AmountFC: -10 }] });
    expect(ok.status).toBe(201);
    expect((await json(ok)).d.Type).toBe(90);
    await expectError(await post('financialtransaction/BankEntries', { JournalCode: '70', BankEntryLines: [{ GLAccount: bal, AmountFC: 5 }] }), 400, 'Ongeldig: Dagboek');
    expect((await post('financialtransaction/CashEntries', { JournalCode: '10', CashEntryLines: [{ GLAccount: bal, AmountFC: 5 }] })).status).toBe(201);
  });

  it('general journal and cash entries need their financial period; a journal line on a customer with OurRef pays the invoice', async () => {
    const year = new Date(await t.control<{ now: number }>('GET', 'clock').then((c) => c.now)).getUTCFullYear();
    const bal = (await get(`${DIV1}/financial/GLAccounts?$filter=Code eq '1100'&$select=ID`)).d.results[0].ID;
    const old = `${year - 3}-03-01`;
    await expectError(await post('financialtransaction/CashEntries', { JournalCode: '10', CashEntryLines: [{ GLAccount: gl8000, AmountFC: 5, Date: old }] }), 400, 'Unknown: Financial year (Period-date table)');
    await expectError(await post('generaljournalentry/GeneralJournalEntries', { JournalCode: '90', GeneralJournalEntryLines: [{ GLAccount: gl8000, AmountFC: 5, Date: old }, { GLAccount: bal, AmountFC: -5, Date: old }] }), 400, 'Unknown: Financial year (Period-date table)');
    const e = (await json(await post('salesentry/SalesEntries', entry({ EntryDate: `${year}-05-30` }, { AmountFC: 100 })))).d;
    const gj = await post('generaljournalentry/GeneralJournalEntries', { JournalCode: '90', GeneralJournalEntryLines: [
      { GLAccount: bal, AmountFC: 121, Notes: 'KPL-TEST-1' },
      { GLAccount: glAr, AmountFC: -121, Account: customer, OurRef: e.InvoiceNumber, Notes: 'KPL-TEST-1' },
    ] });
    expect(gj.status).toBe(201);
    const rec = await get(`${DIV1}/cashflow/Receivables?$filter=InvoiceNumber eq ${e.InvoiceNumber}&$select=Status,IsFullyPaid`);
    expect(rec.d.results[0]).toMatchObject({ Status: 50, IsFullyPaid: true });
    const lines = await get(`${DIV1}/generaljournalentry/GeneralJournalEntryLines?$filter=Notes eq 'KPL-TEST-1'&$select=EntryID,AmountFC`);
    expect(lines.d.results.map((l: { AmountFC: number }) => l.AmountFC).sort((a: number, b: number) => a - b)).toEqual([-121, 121]); // no $orderby: any order
    const tx = await get(`${DIV1}/financialtransaction/TransactionLines?$filter=Type eq 90 and InvoiceNumber eq ${e.InvoiceNumber}&$select=AmountDC`);
    expect(tx.d.results.map((l: { AmountDC: number }) => l.AmountDC)).toEqual([-121]);
  });

  it('covers master data entities with their validation', async () => {
    const contact = await post('crm/Contacts', { Account: customer, LastName: 'Jansen' });
    expect(contact.status).toBe(201);
    await expectError(await post('crm/Contacts', { Account: customer }), 400, 'Verplicht: Achternaam');
    expect((await post('crm/Addresses', { Account: customer, Type: 4, City: 'Ede' })).status).toBe(201);
    await expectError(await post('logistics/Items', { Code: 'ARBEID', Description: 'dubbel' }), 400, 'Code bestaat al: ARBEID');
    const time = await get(`${DIV1}/logistics/Items?$filter=IsTime eq 1&$select=Code,Unit`);
    expect(time.d.results.map((i: { Code: string }) => i.Code)).toEqual(expect.arrayContaining(['ARBEID', 'REISTIJD']));
    const vat = await get(`${DIV3}/vat/VATCodes?$select=Code,Percentage`);
    expect(vat.d.results.map((v: { Percentage: number }) => v.Percentage).sort()).toEqual([0, 0, 0, 0.06, 0.12, 0.21]);
    const journals = await get(`${DIV1}/financial/Journals?$select=Code,Type`);
    expect(journals.d.results.length).toBeGreaterThanOrEqual(30);
    expect((await get(`${DIV1}/financial/GLAccounts/$count?$filter=Code ne ''`))).toBeGreaterThan(350);
    expect((await post('hrm/Costcenters', { Code: '700', Description: 'Nieuw' })).status).toBe(201);
    expect((await post('hrm/Costunits', { Code: 'P01', Description: 'dubbel' })).status).toBe(400);
    const div3acc = await get(`${DIV3}/crm/Accounts?$filter=startswith(VATNumber,'BE0') eq true&$select=VATNumber,Country&$top=1`);
    expect(div3acc.d[0].Country).toBe('BE ');
  });

  it('after-commit faults store the write and then fail', async () => {
    await t.control('POST', 'faults', { endpoints: ['salesentry/SalesEntries'], methods: ['POST'], status: 500, afterCommit: true, count: 1 });
    const r = await post('salesentry/SalesEntries', entry({ YourRef: 'AFTER-COMMIT' }));
    expect(r.status).toBe(500);
    const stored = await get(`${DIV1}/salesentry/SalesEntries?$filter=YourRef eq 'AFTER-COMMIT'`);
    expect(stored.d.results).toHaveLength(1);
    expect((await post('salesentry/SalesEntries', entry({ YourRef: 'AFTER-2' }))).status).toBe(201);
    await t.control('POST', 'faults', { endpoints: ['crm/Accounts'], status: 503, count: 2 });
    expect((await t.api(`${DIV1}/crm/Accounts?$filter=Name eq 'x'`, tok)).status).toBe(503);
    await t.control('DELETE', 'faults');
    expect((await t.api(`${DIV1}/crm/Accounts?$filter=Name eq 'x'`, tok)).status).toBe(200);
  });
});
