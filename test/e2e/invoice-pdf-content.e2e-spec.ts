import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { extractText, getDocumentProxy } from 'unpdf';
import { csrf, startTestApp, type Agent, type TestApp } from '../support/app.js';
import { sql } from '../support/sync.js';
import { Location } from '../../src/modules/locations/location.entity.js';
import { Customer } from '../../src/modules/customers/customer.entity.js';
import { LocationInvoicing } from '../../src/modules/invoices/invoice.entity.js';
import { VatRate } from '../../src/modules/ledgers/vat.entity.js';

/**
 * What the customer reads: the text of the stored invoice PDF, extracted with pdf.js (unpdf), page by page:
 * customer, lines, VAT summary, totals, payment reference, due date, page numbers, language.
 */

let t: TestApp;
let admin: Agent;
let locationId: number;
let customerId: number;
let high: number;
let low: number;

beforeAll(async () => {
  t = await startTestApp({ SYNC_TIMERS: 'false' });
  const a = await t.createUser('admin');
  admin = await t.login(a.email, a.password);
  ({ locationId, customerId, high, low } = await t.inContext(async () => {
    const em = t.orm.em;
    const location = em.create(Location, { name: 'Vestiging Utrecht', code: 'PDF', street: 'Oudegracht', houseNumber: '12', postcode: '3511 AB', city: 'Utrecht', country: 'NL', vatNumber: 'NL858812345B01' } as never);
    const customer = em.create(Customer, { number: 'K4711', name: 'Bakkerij Ünal & Zn.', type: 'business', contactPerson: 'Ayşe Ünal', street: 'Grote Markt', houseNumber: '5', postcode: '9000', city: 'Gent', country: 'BE', vatNumber: 'BE0123456789', location } as never);
    await em.flush();
    em.create(LocationInvoicing, { locationId: location.id, nextNumber: '2026042', paymentTermDays: 14, iban: 'NL91ABNA0417164300' } as never);
    await em.flush();
    const h = await em.findOneOrFail(VatRate, { name: '21 %' });
    const l = await em.findOneOrFail(VatRate, { name: '9 %' });
    return { locationId: location.id, customerId: customer.id, high: h.id, low: l.id };
  }));
}, 120_000);

afterAll(async () => {
  await t?.close();
});

/** Creates an invoice through the form, makes it final through its button and downloads the stored PDF. */
async function invoicePdf(language: 'nl' | 'en', lines: Record<string, string>[]): Promise<{ number: string; pages: string[] }> {
  const token = await csrf(admin, '/invoices/new');
  const body: Record<string, string> = { _csrf: token, locationId: String(locationId), customerId: String(customerId), invoiceDate: '2026-11-20', dueDate: '', reference: 'PO 7781', language };
  lines.forEach((l, i) => Object.entries(l).forEach(([k, v]) => (body[`lines[${i}][${k}]`] = v)));
  const created = await admin.post('/invoices').type('form').send(body);
  expect(created.status).toBe(303);
  const id = Number(/\/invoices\/(\d+)/.exec(created.headers.location as string)![1]);
  const fin = await admin.post(`/invoices/${id}/finalize`).type('form').send({ _csrf: await csrf(admin, `/invoices/${id}/finalize`) });
  expect(fin.status).toBe(303);
  const [{ number }] = await sql<{ number: string }>(t.db.url, 'select number from invoice where id = $1', [id]);
  const res = await admin.get(`/invoices/${id}/pdf`).buffer(true).parse((r, cb) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => cb(null, Buffer.concat(chunks)));
  });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toContain('application/pdf');
  const doc = await getDocumentProxy(new Uint8Array(res.body as Buffer));
  const { text } = await extractText(doc, { mergePages: false });
  // one space for any run of white space (Intl uses no-break spaces in amounts and dates)
  return { number, pages: (text as string[]).map((p) => p.replace(/[\s\u00a0\u202f]+/g, ' ').trim()) };
}

const TWO_LINES = [
  { description: 'Advies', quantity: '3', unitPrice: '95.00', discountPercent: '10', vatRateId: '' },
  { description: 'Boek', quantity: '1', unitPrice: '19.99', discountPercent: '', vatRateId: '' },
];
const twoLines = () => [{ ...TWO_LINES[0], vatRateId: String(high) }, { ...TWO_LINES[1], vatRateId: String(low) }];

describe('the invoice PDF as the customer reads it', () => {
  it('in Dutch: customer, lines, VAT summary, totals, payment reference, due date and page number', async () => {
    const { number, pages } = await invoicePdf('nl', twoLines());
    expect(pages).toHaveLength(1);
    const p = pages[0];
    // sender and customer
    expect(p).toContain('Vestiging Utrecht');
    expect(p).toContain('Bakkerij Ünal & Zn.');
    expect(p).toContain('T.a.v. Ayşe Ünal');
    expect(p).toContain('Grote Markt 5');
    expect(p).toContain('9000 Gent');
    expect(p).toContain('België');
    expect(p).toContain('Btw-nr.: BE0123456789');
    expect(p).toContain('Klantnummer K4711');
    // facts
    expect(p).toContain(`Factuurnummer ${number}`);
    expect(p).toContain('Factuurdatum 20 nov 2026');
    expect(p).toContain('Vervaldatum 4 dec 2026'); // 14 days' payment term of the location
    expect(p).toContain('Uw referentie PO 7781');
    // lines: description, quantity, unit price, VAT %, amount; the discount is its own line
    expect(p).toContain('Advies 3 € 95,00 21% € 285,00');
    expect(p).toContain('Korting 10% 21% € -28,50');
    expect(p).toContain('Boek 1 € 19,99 9% € 19,99');
    // VAT summary per rate: base and VAT on the rate's total (256.50 × 21 % = 53.875 → 53.87)
    expect(p).toContain('21% € 256,50 € 53,87');
    expect(p).toContain('9% € 19,99 € 1,80');
    // totals
    expect(p).toContain('Subtotaal excl. btw € 276,49');
    expect(p).toContain('Btw € 55,67');
    expect(p).toContain('Totaal € 332,16');
    // payment: amount, due date and the payment reference "<location code>-<number>"
    expect(p).toContain(`Gelieve € 332,16 vóór 4 dec 2026 te betalen onder vermelding van betalingskenmerk PDF-${number}.`);
    expect(p).toContain('IBAN: NL91ABNA0417164300');
    // the footer: location, number and page x / y
    expect(p).toContain(`Vestiging Utrecht · ${number}`);
    expect(p).toContain('Pagina 1 / 1');
    // and no English
    expect(p).not.toMatch(/Invoice|Due date|Page \d/);
  });

  it('in English when the invoice is in English', async () => {
    const { number, pages } = await invoicePdf('en', twoLines());
    expect(pages).toHaveLength(1);
    const p = pages[0];
    expect(p).toContain(`Invoice number ${number}`);
    expect(p).toContain('Invoice date 20 Nov 2026');
    expect(p).toContain('Due date 4 Dec 2026');
    expect(p).toContain('Attn. Ayşe Ünal');
    expect(p).toContain('Belgium');
    expect(p).toContain('Advies 3 €95.00 21% €285.00');
    expect(p).toContain('Discount 10% 21% -€28.50');
    expect(p).toContain('21% €256.50 €53.87');
    expect(p).toContain('Subtotal excl. VAT €276.49');
    expect(p).toContain('Total €332.16');
    expect(p).toContain(`Please pay €332.16 by 4 Dec 2026, quoting payment reference PDF-${number}.`);
    expect(p).toContain('Page 1 / 1');
    expect(p).not.toMatch(/Factuur|Vervaldatum|Pagina/);
  });

  it('numbers every page of a long invoice; each line appears once and the totals on the last page', async () => {
    const lines = Array.from({ length: 70 }, (_, i) => ({ description: `Werkzaamheden regel ${String(i + 1).padStart(2, '0')}`, quantity: '1', unitPrice: '10.00', discountPercent: '', vatRateId: String(high) }));
    const { pages } = await invoicePdf('nl', lines);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    pages.forEach((p, i) => expect(p).toContain(`Pagina ${i + 1} / ${pages.length}`));
    const all = pages.join('\n');
    for (let i = 1; i <= 70; i++) expect(all.split(`Werkzaamheden regel ${String(i).padStart(2, '0')} `).length - 1).toBe(1);
    // 70 × 10.00 = 700.00 + 21 % = 847.00, only at the end
    const last = pages[pages.length - 1];
    expect(last).toContain('Totaal € 847,00');
    expect(last).toContain('21% € 700,00 € 147,00');
    pages.slice(0, -1).forEach((p) => expect(p).not.toContain('Totaal € 847,00'));
  });
});
