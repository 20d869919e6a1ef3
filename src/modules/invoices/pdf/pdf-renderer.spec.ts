import { afterAll, describe, expect, it } from '@jest/globals';
import { PdfRenderer } from './pdf-renderer.service.js';
import { invoicePdfModel } from './invoice-pdf.model.js';
import { loadConfig } from '../../../config/config.js';

const renderer = new PdfRenderer(loadConfig({ CHROME_PATH: process.env.CHROME_PATH ?? '' }));
afterAll(() => renderer.onApplicationShutdown());

const sample = (lang: 'nl' | 'en', lines = 3) =>
  invoicePdfModel({
    lang,
    location: { name: 'Vestiging Utrecht', street: 'Oudegracht', houseNumber: '12', postcode: '3511 AB', city: 'Utrecht', country: 'NL', vatNumber: 'NL858812345B01' },
    customer: { name: 'Bakkerij Ünal & Zn.', number: 'K-1001', street: 'Grote Markt', houseNumber: '5', postcode: '9000', city: 'Gent', country: 'BE', vatNumber: 'BE0123456789' },
    number: '2026-0042',
    invoiceDate: new Date('2026-11-20T00:00:00Z'),
    dueDate: new Date('2026-12-20T00:00:00Z'),
    reference: 'PO 7781',
    paymentReference: 'UTR-2026-0042',
    isCredit: false,
    lines: Array.from({ length: lines }, (_, i) => ({ description: `Werkzaamheden regel ${i + 1} – €`, quantity: '2.5', unitPrice: '84.00', discountPercent: i === 0 ? '10' : undefined, vatPercentage: i % 3 === 2 ? '9' : '21', vatRateId: i % 3 === 2 ? 'low' : 'high' })),
  });

/** Text of a PDF's content streams is compressed; these checks look at structure and size. */
const pageCount = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;

describe('PdfRenderer (real Chromium)', () => {
  it('renders an A4 invoice PDF, in Dutch and in English', async () => {
    const { model } = sample('nl');
    const pdf = await renderer.render('invoice', model, 'nl', { left: 'Vestiging Utrecht · 2026-0042' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    if (process.env.KEEP_PDF) (await import('node:fs')).writeFileSync(process.env.KEEP_PDF, pdf);
    expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 59[45]\.\d+ 84[12]\.\d+\]/); // A4 in points
    const en = await renderer.render('invoice', sample('en').model, 'en');
    expect(en.subarray(0, 5).toString()).toBe('%PDF-');
  }, 60_000);

  it('numbers pages on long invoices', async () => {
    const pdf = await renderer.render('invoice', sample('nl', 80).model, 'nl');
    expect(pageCount(pdf)).toBeGreaterThanOrEqual(3);
  }, 60_000);

  it('starts Chromium again after a crash', async () => {
    await renderer.render('invoice', sample('nl').model, 'nl');
    await renderer.crashForTest();
    const pdf = await renderer.render('invoice', sample('nl').model, 'nl');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  }, 60_000);
});
