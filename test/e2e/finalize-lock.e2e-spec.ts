import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { csrf, startTestApp, type Agent, type TestApp } from '../support/app.js';
import { connectExact, startExactSandbox, type ExactTestEnv } from '../support/exact.js';
import { sql, SYNC_TEST_ENV } from '../support/sync.js';
import { D1, importLedgers, invoicingFixture, type InvoicingFixture } from '../support/invoices.js';

/** Item 5 of issue 12: the export preflight at "Make final" (warn, refuse what Exact refuses); final invoices are locked. */
let x: ExactTestEnv;
let t: TestApp;
let admin: Agent;
let fx: InvoicingFixture;
const db = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(t.db.url, text, params);
const one = async <T = Record<string, unknown>>(text: string, params: unknown[] = []) => (await db<T>(text, params))[0];

beforeAll(async () => {
  x = await startExactSandbox();
  t = await startTestApp({ ...x.env, ...SYNC_TEST_ENV });
  const a = await t.createUser('admin');
  admin = await t.login(a.email, a.password);
  await connectExact(x, admin, 'all');
  await importLedgers(t, D1);
  fx = await invoicingFixture(t, { code: 'FIN' });
}, 180_000);

afterAll(async () => {
  await t?.close();
  await x?.close();
});

async function draft(reference: string, customerId = fx.customerId, vatRateId = fx.vatHigh): Promise<number> {
  const form = await admin.get('/invoices/new');
  const res = await admin.post('/invoices').type('form').send({
    _csrf: await csrf(admin, '/invoices/new'),
    _form: /name="_form" value="([^"]+)"/.exec(form.text)?.[1],
    locationId: fx.locationId,
    customerId,
    invoiceDate: '2026-11-20',
    reference,
    'lines[0][description]': 'Advies',
    'lines[0][quantity]': '2',
    'lines[0][unitPrice]': '95',
    'lines[0][discountPercent]': '0',
    'lines[0][vatRateId]': vatRateId,
  });
  expect(res.status).toBe(303);
  return Number(res.headers.location.split('/').pop());
}

const finalize = async (id: number) => admin.post(`/invoices/${id}/finalize`).type('form').send({ _csrf: await csrf(admin, `/invoices/${id}/finalize`) });
const status = async (id: number) => (await one<{ status: string }>('select status from invoice where id = $1', [id])).status;

describe('"Make final" runs the export preflight', () => {
  it('refuses an invoice whose customer has no address, says why on the confirmation page, and keeps it a draft', async () => {
    const noAddress = (await one<{ id: number }>(`insert into customers (number, type, name, country, location_id) values ('K-NOADR', 'business', 'Zonder Adres BV', 'NL', $1) returning id`, [fx.locationId])).id;
    const id = await draft('NOADDRESS', noAddress);
    const confirm = await admin.get(`/invoices/${id}/finalize`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('id="finalize-blocking"');
    expect(confirm.text).toContain('heeft geen adres');
    expect(confirm.text).not.toMatch(/<button type="submit"[^>]*>Definitief maken/);
    const res = await finalize(id);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/invoices/${id}/finalize`);
    expect(await status(id)).toBe('draft');
    expect(await one('select number from invoice where id = $1', [id])).toEqual({ number: null });
    expect((await admin.get(res.headers.location)).text).toContain('kan nog niet definitief worden');
    // fixed: the customer gets an address, and the invoice can be made final
    await db(`update customers set street = 'Markt', house_number = '2', postcode = '1234 AB', city = 'Zwolle', version = version + 1 where id = $1`, [noAddress]);
    expect((await admin.get(`/invoices/${id}/finalize`)).text).not.toContain('id="finalize-blocking"');
    expect((await finalize(id)).status).toBe(303);
    expect(await status(id)).toBe('final');
  });

  it('refuses a blocked GL account and an unmapped VAT rate (what Exact would refuse)', async () => {
    const id = await draft('BLOCKEDGL');
    await db(`update gl_account_link set status = 'blocked' where gl_account_id = $1 and division = $2`, [fx.glAccountId, D1]);
    try {
      const confirm = await admin.get(`/invoices/${id}/finalize`);
      expect(confirm.text).toContain('id="finalize-blocking"');
      expect(confirm.text).toContain('8000');
      await finalize(id);
      expect(await status(id)).toBe('draft');
    } finally {
      await db(`update gl_account_link set status = 'linked' where gl_account_id = $1 and division = $2`, [fx.glAccountId, D1]);
    }
    const vat = (await one<{ id: number }>(`insert into vat_rate (name, percentage) values ('Zonder code', 13) returning id`)).id;
    const unmapped = await draft('UNMAPPEDVAT', fx.customerId, vat);
    const confirm = await admin.get(`/invoices/${unmapped}/finalize`);
    expect(confirm.text).toContain('id="finalize-blocking"');
    await finalize(unmapped);
    expect(await status(unmapped)).toBe('draft');
    // the clean one goes through
    expect((await finalize(id)).status).toBe(303);
    expect(await status(id)).toBe('final');
  });
});

describe('a final invoice is locked', () => {
  it('cannot be edited (customer, location, amounts) and its PDF is not made again; a correction is a credit note', async () => {
    const id = await draft('LOCKED');
    await finalize(id);
    expect(await status(id)).toBe('final');
    const before = await one<{ sha256: string; gross: string; customer_id: number }>('select p.sha256, i.gross, i.customer_id from invoice i join invoice_pdf p on p.invoice_id = i.id where i.id = $1', [id]);
    const show = await admin.get(`/invoices/${id}`);
    expect(show.text).not.toContain(`href="/invoices/${id}/edit"`);
    expect(show.text).toContain(`/invoices/${id}/credit-note`);
    const edit = await admin.get(`/invoices/${id}/edit`);
    expect(edit.status).toBe(303);
    expect(edit.headers.location).toBe(`/invoices/${id}`);
    const other = (await one<{ id: number }>(`insert into customers (number, type, name, street, house_number, postcode, city, country) values ('K-OTHER', 'business', 'Ander BV', 'Markt', '3', '1234 AB', 'Zwolle', 'NL') returning id`)).id;
    const post = await admin.post(`/invoices/${id}`).type('form').send({
      _csrf: await csrf(admin, `/invoices/${id}`),
      locationId: fx.locationId,
      customerId: other,
      invoiceDate: '2026-11-20',
      'lines[0][description]': 'Advies',
      'lines[0][quantity]': '20',
      'lines[0][unitPrice]': '95',
      'lines[0][vatRateId]': fx.vatHigh,
    });
    expect(post.status).toBe(303);
    expect((await admin.get(post.headers.location)).text).toContain('Een definitieve factuur ligt vast');
    const after = await one<{ sha256: string; gross: string; customer_id: number }>('select p.sha256, i.gross, i.customer_id from invoice i join invoice_pdf p on p.invoice_id = i.id where i.id = $1', [id]);
    expect(after).toEqual(before);
    // the PDF download is the stored one, byte for byte
    const pdf = await admin.get(`/invoices/${id}/pdf`).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(createHash('sha256').update(pdf.body as Buffer).digest('hex')).toBe(before.sha256);
  });
});

describe('journals in the export filter', () => {
  it('are offered by name and administration, blocked ones not at all, and select per administration', async () => {
    const [{ id: final }] = await db<{ id: number }>(`select id from invoice where reference = 'LOCKED'`);
    const j70 = await one<{ description: string }>(`select description from journal where division = $1 and code = '70'`, [D1]);
    const blocked = await one<{ code: string }>(`select code from journal where division = $1 and type in (20, 21) and code <> '70' order by code limit 1`, [D1]);
    await db(`update journal set blocked = true where division = $1 and code = $2`, [D1, blocked.code]);
    const page = await admin.get('/accounting/export');
    expect(page.status).toBe(200);
    expect(page.text).toContain(`value="${D1}:70"`);
    expect(page.text).toContain(`70 · ${j70.description.replace(/&/g, '&amp;')}`);
    expect(page.text).toContain(`administratie ${D1}`);
    expect(page.text).not.toContain(`value="${D1}:${blocked.code}"`);
    expect(page.text).not.toMatch(/name="journals" value="70"/); // never a bare code merged across administrations
    expect((await admin.get(`/accounting/export?journals=${D1}:70`)).text).toContain(`/invoices/${final}`);
    expect((await admin.get(`/accounting/export?journals=7654321:70`)).text).not.toContain(`/invoices/${final}`);
  });
});
