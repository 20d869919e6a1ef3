import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { csrf, startTestApp, type Agent, type TestApp } from '../support/app.js';
import { connectExact, startExactSandbox, type ExactTestEnv } from '../support/exact.js';
import { sql, SYNC_TEST_ENV } from '../support/sync.js';
import { D1, importLedgers, invoicingFixture, type InvoicingFixture } from '../support/invoices.js';

// Issue 13 "Bad input still gives 500s": impossible dates (RangeError in the due-date hint), a division of
// "Infinity" (reached SQL), control characters stored in names. Fixed in src/common/validation.ts (dates, whole
// numbers within the column's range, text without control characters) and used by the sibling forms.
let x: ExactTestEnv;
let t: TestApp;
let admin: Agent;
let fx: InvoicingFixture;

beforeAll(async () => {
  x = await startExactSandbox();
  t = await startTestApp({ ...x.env, ...SYNC_TEST_ENV });
  const a = await t.createUser('admin');
  admin = await t.login(a.email, a.password);
  await connectExact(x, admin, 'all');
  await importLedgers(t, D1);
  fx = await invoicingFixture(t, { code: 'BAD' });
}, 120_000);

afterAll(async () => {
  await t?.close();
  await x?.close();
});

const invoiceBody = (extra: Record<string, string>) => ({
  locationId: String(fx.locationId),
  customerId: String(fx.customerId),
  invoiceDate: '2026-11-20',
  'lines[0][description]': 'Advies',
  'lines[0][quantity]': '2',
  'lines[0][unitPrice]': '95.00',
  'lines[0][vatRateId]': String(fx.vatHigh),
  ...extra,
});

describe('impossible dates', () => {
  it.each(['0000-00-00', '9999-99-99', '2026-02-30'])('an invoice dated %s is refused with 422, the message and the typed date', async (date) => {
    const before = await sql<{ n: string }>(t.db.url, 'select count(*) as n from invoice');
    const res = await admin.post('/invoices').type('form').send({ _csrf: await csrf(admin, '/invoices/new'), ...invoiceBody({ invoiceDate: date }) });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Vul een geldige datum in.');
    expect(res.text).toContain(`value="${date}"`);
    expect(res.text).not.toMatch(/validation\.date/);
    expect(await sql<{ n: string }>(t.db.url, 'select count(*) as n from invoice')).toEqual(before);
  });

  it('the due-date hint answers an impossible date or location without a 500', async () => {
    for (const q of [`locationId=${fx.locationId}&invoiceDate=0000-00-00`, `locationId=${fx.locationId}&invoiceDate=9999-99-99`, 'locationId=99999999999&invoiceDate=2026-11-20', 'locationId=Infinity&invoiceDate=2026-11-20']) {
      const res = await admin.get(`/invoices/form/due?${q}`);
      expect({ q, status: res.status }).toEqual({ q, status: 200 });
    }
    const ok = await admin.get(`/invoices/form/due?locationId=${fx.locationId}&invoiceDate=2026-11-20`);
    expect(ok.text).toContain('20 dec 2026'); // 30 days, the default term: the hint itself still works
  });

  it('the export filters and the lists ignore impossible dates and numbers beyond the column instead of failing', async () => {
    for (const path of [
      '/accounting/export?dateFrom=9999-99-99&dateTo=0000-00-00',
      '/accounting/export?locationId=99999999999',
      '/invoices?from=0000-00-00&to=9999-99-99',
      '/sync/history?division=99999999999',
      '/settings/integrations/exact/calls?division=99999999999',
    ]) {
      const res = await admin.get(path);
      expect({ path, status: res.status < 500 }).toEqual({ path, status: true });
    }
  });
});

describe('division numbers', () => {
  it.each(['Infinity', '-Infinity', '1e400', '99999999999', 'NaN', '0x10'])("exactDivision=%s on the location's Exact page is a field error (422), not a query", async (value) => {
    const path = `/settings/locations/${fx.locationId}/exact`;
    const res = await admin.post(path).type('form').send({ _csrf: await csrf(admin, path), exactDivision: value, salesJournalCode: '70' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Deze waarde is niet geldig.');
    const [loc] = await sql<{ exact_division: number }>(t.db.url, 'select exact_division from locations where id = $1', [fx.locationId]);
    expect(loc.exact_division).not.toBeNull();
  });

  it('"Run now" on the Sync page refuses a division beyond the column with a field error', async () => {
    const res = await admin.post('/sync/run').type('form').send({ _csrf: await csrf(admin, '/sync'), division: '99999999999', resource: 'gl-accounts' });
    expect(res.status).toBeLessThan(500);
  });
});

describe('control characters', () => {
  it('a customer name with control characters is refused with a clear message and what was typed; nothing is stored', async () => {
    const name = 'Bakkerij\u0007 De\u001b[31m Zon';
    const res = await admin.post('/customers').type('form').send({ _csrf: await csrf(admin, '/customers/new'), type: 'business', name, country: 'NL', locationId: String(fx.locationId) });
    expect(res.status).toBe(422);
    expect(res.text).toContain('onzichtbare stuurtekens');
    expect(res.text).toContain('Bakkerij');
    const stored = await sql<{ name: string }>(t.db.url, `select name from customers where name ~ '[[:cntrl:]]'`);
    expect(stored).toEqual([]);
  });

  it('the same rule holds in the sibling forms: an invoice line, a location, a GL account', async () => {
    const inv = await admin.post('/invoices').type('form').send({ _csrf: await csrf(admin, '/invoices/new'), ...invoiceBody({ 'lines[0][description]': 'Advies\u0008' }) });
    expect(inv.status).toBe(422);
    expect(inv.text).toContain('onzichtbare stuurtekens');
    const loc = await admin.post('/settings/locations').type('form').send({ _csrf: await csrf(admin, '/settings/locations/new'), name: 'Vestiging\u0000\u0001 Noord', code: 'NRD', street: 'Markt', houseNumber: '1', postcode: '1234 AB', city: 'Zwolle', country: 'NL' });
    expect(loc.status).toBe(422);
    expect(loc.text).toContain('onzichtbare stuurtekens');
    const gl = await admin.post('/accounting/gl-accounts').type('form').send({ _csrf: await csrf(admin, '/accounting/gl-accounts/new'), number: '8123', name: 'Omzet\u007f' });
    expect(gl.status).toBe(422);
    expect(gl.text).toContain('onzichtbare stuurtekens');
    // line breaks and tabs in a multi-line text stay allowed
    const ok = await admin.post('/invoices').type('form').send({ _csrf: await csrf(admin, '/invoices/new'), ...invoiceBody({ 'lines[0][description]': 'Advies\r\nmaart\tapril' }) });
    expect(ok.status).toBe(303);
  });
});
