import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_CLIENT, DIV1, DIV2, json, startTestSandbox, type TestSandbox, expectError } from './sandbox.helper.js';

// Issue #14 "Fidelity defects to fix" 2–9 (defect 1, token rotation, is in oauth.e2e-spec.ts) and the security of the
// control API. Each test fails against the sandbox as it was before the fix.
describe('sandbox fidelity (issue #14)', () => {
  let t: TestSandbox;
  let tok: string;
  let customer: string;
  let gl8000: string;
  let gl8010: string;
  let year: number;
  beforeAll(async () => {
    t = await startTestSandbox();
    tok = (await t.connect()).access_token;
    year = new Date((await t.control<{ now: number }>('GET', 'clock')).now).getUTCFullYear();
    customer = rows(await get(`${DIV1}/crm/Accounts?$filter=Blocked eq false&$top=1&$select=ID`))[0].ID as string;
    const gl = async (code: string) => rows(await get(`${DIV1}/financial/GLAccounts?$filter=Code eq '${code}'&$select=ID`))[0].ID as string;
    gl8000 = await gl('8000');
    gl8010 = await gl('8010');
  });
  afterAll(async () => { await t.close(); });

  /** rows of a collection in either envelope */
  function rows(body: { d: unknown }): Record<string, unknown>[] {
    return Array.isArray(body.d) ? body.d : (body.d as { results: Record<string, unknown>[] }).results;
  }
  async function get(p: string) { return json(await t.api(p, tok)); }
  const send = (method: string, p: string, body?: unknown) =>
    t.api(`${DIV1}/${p}`, tok, { method, json: body, headers: method === 'POST' ? { Prefer: 'return=representation' } : {} });
  const entry = (over: Record<string, unknown> = {}, lines: Record<string, unknown>[] = [{}]) => ({
    Journal: '70', Customer: customer, EntryDate: `${year}-03-15`, YourRef: 'FID-1',
    SalesEntryLines: lines.map((l) => ({ GLAccount: gl8000, AmountFC: 100, VATCode: '2  ', Description: 'Advies', ...l })), ...over,
  });
  async function newEntry(over: Record<string, unknown> = {}, lines?: Record<string, unknown>[]) {
    const r = await send('POST', 'salesentry/SalesEntries', entry(over, lines));
    expect(r.status).toBe(201);
    return (await json(r)).d as Record<string, unknown>;
  }

  describe('defect 2: $filter checks operand types', () => {
    const acc = (filter: string) => t.api(`${DIV1}/crm/Accounts?$filter=${encodeURIComponent(filter)}&$select=ID`, tok);
    it('refuses a Guid property compared with a plain string', async () => {
      await expectError(await acc(`ID eq '${customer}'`), 400, "Operator 'eq' incompatible with operand types 'System.Guid' and 'System.String'.");
      expect((await acc(`ID eq guid'${customer}'`)).status).toBe(200);
    });
    it('refuses a DateTime property compared with a string, and a number with a string', async () => {
      await expectError(await acc(`Created ge '${year}-01-01'`), 400, "Operator 'ge' incompatible with operand types 'System.DateTime' and 'System.String'.");
      expect((await acc(`Created ge datetime'${year - 1}-01-01T00:00:00'`)).status).toBe(200);
      await expectError(await t.api(`${DIV1}/financialtransaction/TransactionLines?$filter=${encodeURIComponent("InvoiceNumber eq '12'")}`, tok), 400, /^Operator 'eq' incompatible with operand types 'System.Int32' and 'System.String'/);
      await expectError(await acc('Blocked eq 1'), 400, /^Operator 'eq' incompatible with operand types 'System.Boolean'/);
    });
    it('refuses comparing one property with another', async () => {
      await expectError(await acc('Name eq SearchCode'), 400, "Operator 'eq' incompatible with operand types 'System.String' and 'System.String'.");
      await expectError(await acc('Modified gt Created'), 400, /^Operator 'gt' incompatible with operand types 'System.DateTime' and 'System.DateTime'/);
    });
    it('keeps what Exact accepts: null, functions, Int64 and numbers', async () => {
      for (const ok of ['Email eq null', "substringof('Bakkerij',Name) eq true", "trim(Code) eq '1001'", 'Blocked eq false and IsSales eq true']) {
        expect((await acc(ok)).status).toBe(200);
      }
      expect((await t.api(`${DIV1}/sync/CRM/Accounts?$filter=Timestamp gt 1L&$select=ID`, tok)).status).toBe(200);
      expect((await t.api(`${DIV1}/financialtransaction/TransactionLines?$filter=AmountDC gt 100.5 and FinancialYear eq ${year}&$select=ID`, tok)).status).toBe(200);
    });
  });

  describe('defect 3: Status 50 = processed (verwerkt), separate from payment', () => {
    it('a paid entry stays Open and can still be changed; processing a journal up to a date makes entries refuse changes', async () => {
      const paid = await newEntry({ YourRef: 'FID-PAID' });
      await t.control('POST', 'simulate/payment', { division: DIV1, invoiceNumber: paid.InvoiceNumber });
      const afterPay = (await get(`${DIV1}/salesentry/SalesEntries(guid'${paid.EntryID}')`)).d;
      expect(afterPay.Status).toBe(20);
      expect((await send('PUT', `salesentry/SalesEntries(guid'${paid.EntryID}')`, { Description: 'betaald, nog open' })).status).toBe(204);
      const rec = rows(await get(`${DIV1}/cashflow/Receivables?$filter=TransactionEntryID eq guid'${paid.EntryID}'`))[0];
      expect(rec).toMatchObject({ Status: 50, IsFullyPaid: true });

      const early = await newEntry({ YourRef: 'FID-EARLY', EntryDate: `${year}-01-10`, Journal: '73' });
      const late = await newEntry({ YourRef: 'FID-LATE', EntryDate: `${year}-12-20`, Journal: '73' });
      const res = await t.control<{ processed: number; entries: { EntryID: string }[] }>('POST', 'process', { division: DIV1, journal: '73', upTo: `${year}-06-30` });
      expect(res.entries.map((e) => e.EntryID)).toEqual([early.EntryID]);
      const processed = (await get(`${DIV1}/salesentry/SalesEntries(guid'${early.EntryID}')`)).d;
      expect(processed).toMatchObject({ Status: 50, StatusDescription: 'Verwerkt' });
      const lines = rows(await get(`${DIV1}/financialtransaction/TransactionLines?$filter=EntryID eq guid'${early.EntryID}'&$select=Status`));
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.every((l) => l.Status === 50)).toBe(true);
      await expectError(await send('PUT', `salesentry/SalesEntries(guid'${early.EntryID}')`, { Description: 'x' }), 400, 'Een verwerkte boeking kan niet worden gewijzigd');
      await expectError(await send('DELETE', `salesentry/SalesEntries(guid'${early.EntryID}')`), 400, 'Een verwerkte boeking kan niet worden gewijzigd');
      expect((await get(`${DIV1}/salesentry/SalesEntries(guid'${late.EntryID}')`)).d.Status).toBe(20);
      expect((await send('DELETE', `salesentry/SalesEntries(guid'${late.EntryID}')`)).status).toBe(204);
    });
  });

  describe('defect 4: chosen validation errors answer 500', () => {
    it('answers "Ongeldig: Dagboek" with HTTP 500 while switched on; nothing is stored', async () => {
      const before = (await t.control<{ total: number }>('GET', `data/${DIV1}/SalesEntries?q=FID-500`)).total;
      await t.control('POST', 'faults/validation', { as500: ['Ongeldig: Dagboek'] });
      await expectError(await send('POST', 'salesentry/SalesEntries', entry({ Journal: '90', YourRef: 'FID-500' })), 500, 'Ongeldig: Dagboek');
      // other validation errors keep their 400
      await expectError(await send('POST', 'salesentry/SalesEntries', entry({ Journal: '77', YourRef: 'FID-500' })), 400, 'Ongeldige referentie: Journals');
      await t.control('DELETE', 'faults/validation');
      await expectError(await send('POST', 'salesentry/SalesEntries', entry({ Journal: '90', YourRef: 'FID-500' })), 400, 'Ongeldig: Dagboek');
      expect((await t.control<{ total: number }>('GET', `data/${DIV1}/SalesEntries?q=FID-500`)).total).toBe(before);
    });
  });

  describe('defect 5: financial/FinancialPeriods', () => {
    it('lists twelve periods for the current and the previous year', async () => {
      const periods = rows(await get(`${DIV1}/financial/FinancialPeriods?$select=FinYear,FinPeriod,StartDate,EndDate`));
      expect(periods.filter((p) => p.FinYear === year)).toHaveLength(12);
      expect(periods.filter((p) => p.FinYear === year - 1)).toHaveLength(12);
      expect(periods.some((p) => p.FinYear === year + 1)).toBe(false);
      const march = periods.find((p) => p.FinYear === year && p.FinPeriod === 3)!;
      expect(march.StartDate).toBe(`/Date(${Date.UTC(year, 2, 1)})/`);
      expect(march.EndDate).toBe(`/Date(${Date.UTC(year, 2, 31)})/`);
      expect((await send('POST', 'financial/FinancialPeriods', { FinYear: 2000 })).status).toBe(405);
    });
    it('refuses a sales entry in a year without periods, until the year is added', async () => {
      await expectError(await send('POST', 'salesentry/SalesEntries', entry({ EntryDate: `${year + 1}-01-05` })), 400, 'Unknown: Financial year (Period-date table)');
      await expectError(await send('POST', 'salesentry/SalesEntries', entry({ EntryDate: `${year - 2}-12-31` })), 400, 'Unknown: Financial year (Period-date table)');
      const prev = await newEntry({ EntryDate: `${year - 1}-11-30` });
      expect(prev).toMatchObject({ ReportingYear: year - 1, ReportingPeriod: 11 });
      await t.control('POST', 'financial-years', { division: DIV2, year: year + 1 });
      expect(rows(await get(`${DIV2}/financial/FinancialPeriods?$select=FinYear`)).filter((p) => p.FinYear === year + 1)).toHaveLength(12);
      await expectError(await send('POST', 'salesentry/SalesEntries', entry({ EntryDate: `${year + 1}-01-05` })), 400, 'Unknown: Financial year (Period-date table)');
      await t.control('POST', 'financial-years', { division: DIV1, year: year + 1 });
      expect(await newEntry({ EntryDate: `${year + 1}-01-05` })).toMatchObject({ ReportingYear: year + 1, ReportingPeriod: 1 });
    });
  });

  describe('defect 6: salesentry/SalesEntryLines accepts POST, PUT and DELETE with EntryID', () => {
    it('adds, changes and removes lines; totals, TransactionLines and the receivable follow', async () => {
      const e = await newEntry({ YourRef: 'FID-LINES' });
      expect(e.AmountDC).toBe(121);
      await expectError(await send('POST', 'salesentry/SalesEntryLines', { GLAccount: gl8010, AmountFC: 50 }), 400, 'Verplicht: Boeking');
      await expectError(await send('POST', 'salesentry/SalesEntryLines', { EntryID: e.EntryID, AmountFC: 50 }), 400, 'Verplicht: Grootboekrekening');
      const add = await send('POST', 'salesentry/SalesEntryLines', { EntryID: e.EntryID, GLAccount: gl8010, AmountFC: 50, VATCode: '1  ', Description: 'Materiaal' });
      expect(add.status).toBe(201);
      const line = (await json(add)).d;
      expect(line).toMatchObject({ EntryID: e.EntryID, LineNumber: 2, VATAmountFC: 4.5 });
      let header = (await get(`${DIV1}/salesentry/SalesEntries(guid'${e.EntryID}')`)).d;
      expect(header).toMatchObject({ AmountDC: 175.5, VATAmountFC: 25.5 });
      const tx = async () => rows(await get(`${DIV1}/financialtransaction/TransactionLines?$filter=EntryID eq guid'${e.EntryID}'&$select=AmountDC,GLAccount`));
      const sumTx = (l: Record<string, unknown>[]) => Math.abs(Math.round(l.reduce((s, x) => s + (x.AmountDC as number), 0) * 100) / 100);
      expect(sumTx(await tx())).toBe(0);
      expect((await tx()).find((x) => x.GLAccount === gl8010)?.AmountDC).toBe(-50);

      expect((await send('PUT', `salesentry/SalesEntryLines(guid'${line.ID}')`, { AmountFC: 80 })).status).toBe(204);
      header = (await get(`${DIV1}/salesentry/SalesEntries(guid'${e.EntryID}')`)).d;
      expect(header).toMatchObject({ AmountDC: 208.2, VATAmountFC: 28.2 });
      expect(sumTx(await tx())).toBe(0);
      const rec = rows(await get(`${DIV1}/cashflow/Receivables?$filter=TransactionEntryID eq guid'${e.EntryID}'&$select=AmountDC`))[0];
      expect(rec.AmountDC).toBe(208.2);

      const first = rows(await get(`${DIV1}/salesentry/SalesEntryLines?$filter=EntryID eq guid'${e.EntryID}' and LineNumber eq 1&$select=ID`))[0];
      expect((await send('DELETE', `salesentry/SalesEntryLines(guid'${first.ID}')`)).status).toBe(204);
      header = (await get(`${DIV1}/salesentry/SalesEntries(guid'${e.EntryID}')?$expand=SalesEntryLines`)).d;
      expect(header.AmountDC).toBe(87.2);
      expect(header.SalesEntryLines.results).toHaveLength(1);
      await expectError(await send('DELETE', `salesentry/SalesEntryLines(guid'${line.ID}')`), 400, 'Verplicht: Boekingsregels');

      await t.control('POST', 'process', { division: DIV1, journal: '70', upTo: `${year}-12-31` });
      await expectError(await send('PUT', `salesentry/SalesEntryLines(guid'${line.ID}')`, { AmountFC: 1 }), 400, 'Een verwerkte boeking kan niet worden gewijzigd');
      await expectError(await send('POST', 'salesentry/SalesEntryLines', { EntryID: e.EntryID, GLAccount: gl8010, AmountFC: 5 }), 400, 'Een verwerkte boeking kan niet worden gewijzigd');
    });
  });

  describe('defect 7: Reason on 403; 401s count in the error budget', () => {
    it('sends Reason: NoDivisionAccess on 403 answers', async () => {
      const wrong = await t.api('9999999/crm/Accounts?$filter=Code eq \'1\'', tok);
      expect(wrong.status).toBe(403);
      expect(wrong.headers.get('reason')).toBe('NoDivisionAccess');
      const scoped = (await t.connect([DIV1])).access_token;
      const out = await t.api(`${DIV2}/crm/Accounts?$filter=Code eq '1'`, scoped);
      expect(out.status).toBe(403);
      expect(out.headers.get('reason')).toBe('NoDivisionAccess');
    });
    it('blocks an endpoint after too many 401s of one app with an expired token', async () => {
      const s = await startTestSandbox();
      try {
        await s.control('POST', 'limits', { errorBudget: 3 });
        const old = (await s.connect()).access_token;
        await s.control('POST', 'clock', { advanceSeconds: 601 });
        for (let i = 0; i < 4; i++) expect((await s.api(`${DIV1}/financial/Journals`, old)).status).toBe(401);
        const fresh = (await s.connect()).access_token;
        const blocked = await s.api(`${DIV1}/financial/Journals`, fresh);
        expect(blocked.status).toBe(429);
        expect(blocked.headers.get('reason')).toBe('TooManyErrors');
        // another endpoint of the same app and division is not blocked
        expect((await s.api(`${DIV1}/vat/VATCodes`, fresh)).status).toBe(200);
      } finally {
        await s.close();
      }
    });
  });

  describe('defect 8: properties public clients send are never refused as unknown', () => {
    it('accepts picqer-model properties on accounts, sales entries and lines, and returns them', async () => {
      const acc = await send('POST', 'crm/Accounts', { Name: 'Picqer Proef B.V.', Code: '880001', IsAccountant: 0, Parent: null, LogoFileName: 'logo.png', Latitude: 52.09, CodeAtSupplier: 'K-1' });
      expect(acc.status).toBe(201);
      expect((await json(acc)).d).toMatchObject({ LogoFileName: 'logo.png', Latitude: 52.09, CodeAtSupplier: 'K-1' });
      const e = await send('POST', 'salesentry/SalesEntries', entry({ YourRef: 'FID-PICQER', ExternalLinkDescription: 'webshop', PaymentConditionDescription: 'genegeerd' },
        [{ Asset: null, SerialNumber: 'SN-1', ExtraDutyPercentage: 0, TrackingNumber: null, Subscription: null }]));
      expect(e.status).toBe(201);
      const stored = (await json(e)).d;
      expect(stored.PaymentConditionDescription ?? null).not.toBe('genegeerd'); // "Description of …" is read-only
      const gl = await send('POST', 'financial/GLAccounts', { Code: '8801', Description: 'Omzet proef', Type: 110, AssimilatedVATBox: 0, Compress: false, ExcludeVATListing: 0 });
      expect(gl.status).toBe(201);
      // a property no model has is still refused
      await expectError(await send('POST', 'crm/Accounts', { Name: 'x', Bogus: 1 }), 400, /The property name 'Bogus' specified for type 'Exact.Web.Api.Models.Account' is not valid/);
    });
  });

  describe('defect 9: small queries come back as a bare array', () => {
    it('answers $top at or below the page size with {"d":[…]}; otherwise {"d":{"results":[…]}}', async () => {
      const small = await get(`${DIV1}/crm/Accounts?$filter=Blocked eq false&$top=3&$select=ID`);
      expect(Array.isArray(small.d)).toBe(true);
      expect(small.d).toHaveLength(3);
      const sixty = await get(`${DIV1}/crm/Accounts?$filter=Blocked eq false&$top=60&$select=ID`);
      expect(Array.isArray(sixty.d)).toBe(true);
      const paged = await get(`${DIV1}/crm/Accounts?$filter=Blocked eq false&$top=61&$select=ID`);
      expect(paged.d.results).toHaveLength(60);
      expect(paged.d.__next).toContain('$top=1');
      const counted = await get(`${DIV1}/crm/Accounts?$filter=Blocked eq false&$top=3&$select=ID&$inlinecount=allpages`);
      expect(counted.d.results).toHaveLength(3);
      expect(typeof counted.d.__count).toBe('string');
      const plain = await get(`${DIV1}/financial/Journals?$select=Code`);
      expect(Array.isArray(plain.d.results)).toBe(true);
      const sync = await get(`${DIV1}/sync/CRM/Accounts?$filter=Timestamp gt 1L&$select=Timestamp&$top=2`);
      expect(Array.isArray(sync.d)).toBe(true);
    });
  });

  describe('security of the control API', () => {
    const port = () => new URL(t.url).port;
    const raw = async (path: string, headers: Record<string, string>, method = 'POST', body = '{}') => {
      const { request } = await import('node:http');
      return new Promise<{ status: number; body: string }>((resolve, reject) => {
        const r = request({ host: '127.0.0.1', port: Number(port()), path, method, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => { text += c.toString(); });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        r.on('error', reject);
        r.end(body);
      });
    };
    it('refuses a control request without a JSON content type (what a cross-site form or text/plain fetch sends)', async () => {
      const host = `127.0.0.1:${port()}`;
      expect((await raw('/_sandbox/reset', { host, 'content-type': 'text/plain' })).status).toBe(415);
      expect((await raw('/_sandbox/reset', { host, 'content-type': 'application/x-www-form-urlencoded' }, 'POST', 'seed=2')).status).toBe(415);
      expect((await raw('/_sandbox/faults', { host })).status).toBe(415);
      expect((await raw('/_sandbox/faults', { host, 'content-type': 'multipart/form-data; boundary=x' }, 'DELETE', '')).status).toBe(415);
      expect((await t.control<{ faults: unknown }>('GET', 'faults')).faults).toBeNull();
      expect((await raw('/_sandbox/faults', { host, 'content-type': 'application/json; charset=utf-8' }, 'DELETE', '')).status).toBe(200);
    });
    it('refuses a foreign Host header (DNS rebinding), also on GET', async () => {
      for (const host of ['evil.example', `evil.example:${port()}`, '127.0.0.1', `127.0.0.1:${Number(port()) + 1}`, `localhost.evil.example:${port()}`]) {
        expect((await raw('/_sandbox/faults', { host, 'content-type': 'application/json' }, 'POST', '{"errorRate":1}')).status).toBe(403);
        expect((await raw('/_sandbox/divisions', { host }, 'GET', '')).status).toBe(403);
      }
      expect((await t.control<{ faults: unknown }>('GET', 'faults')).faults).toBeNull();
      for (const host of [`localhost:${port()}`, `127.0.0.1:${port()}`, `[::1]:${port()}`]) {
        expect((await raw('/_sandbox/divisions', { host }, 'GET', '')).status).toBe(200);
      }
      // the Exact API itself is not a control call
      expect((await raw(`/api/v1/${DIV1}/crm/Accounts`, { host: 'koppel.example', authorization: `Bearer ${tok}`, accept: 'application/json' }, 'GET', '')).status).not.toBe(403);
    });
    it('with a control token set, requires it as a bearer token on /_sandbox/*; the page stays reachable', async () => {
      const { startSandbox } = await import('../../src/exact-sandbox/server.js');
      const token = 'sandbox-control-token-0123456789';
      const sb = await startSandbox({ port: 0, seed: 1, controlToken: token });
      try {
        const call = (path: string, init: RequestInit = {}) => fetch(`${sb.url}/_sandbox/${path}`, init);
        const headers = { 'content-type': 'application/json' };
        expect((await call('divisions')).status).toBe(401);
        expect((await call('reset', { method: 'POST', headers, body: '{}' })).status).toBe(401);
        expect((await call('reset', { method: 'POST', headers: { ...headers, authorization: 'Bearer wrong-token-0123456789abcdef' }, body: '{}' })).status).toBe(401);
        expect((await call('attachments/00000000-0000-0000-0000-000000000000/raw')).status).toBe(401);
        const ok = await call('authorize', { method: 'POST', headers: { ...headers, authorization: `Bearer ${token}` }, body: JSON.stringify({ clientId: DEFAULT_CLIENT.clientId, redirectUri: DEFAULT_CLIENT.redirectUri }) });
        expect(ok.status).toBe(200);
        const page = await fetch(`${sb.url}/_sandbox`);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('SANDBOX_CONTROL_TOKEN');
      } finally {
        await sb.close();
      }
    });
  });
});
