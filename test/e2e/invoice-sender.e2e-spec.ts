import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { extractText, getDocumentProxy } from 'unpdf';
import type { Browser } from 'puppeteer-core';
import { browserLoggedIn } from '../support/browser.js';
import { csrf, startTestApp, type Agent, type TestApp } from '../support/app.js';
import { sql } from '../support/sync.js';
import { Location } from '../../src/modules/locations/location.entity.js';
import { Customer } from '../../src/modules/customers/customer.entity.js';
import { LocationInvoicing } from '../../src/modules/invoices/invoice.entity.js';
import { VatRate } from '../../src/modules/ledgers/vat.entity.js';

/**
 * Issue 12 item 9 and minors: the invoice PDF's sender (legal name, address with country, KvK, VAT, contact,
 * logo — company-wide with a per-location override, on an admin settings screen with a checked upload), the legal
 * VAT notes (reverse charge, intra-Community 0 %, export), "VAT kinds explained" and one-time product forms.
 * The PDFs are real (Chromium) and read back as text with pdf.js (unpdf).
 */

let t: TestApp;
let admin: Agent;
let adminLogin: { email: string; password: string };
let accountant: Agent;
let utrecht: number;
let gent: number;
let beCustomer: number;
let usCustomer: number;
const rates: Record<string, number> = {};

/** A real PNG (w × h, one colour) so Chromium draws it; `pad` adds bytes after the image end (for the size limit). */
function png(w = 40, h = 20, pad = 0): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2; // RGB
  const raw = Buffer.concat(Array.from({ length: h }, () => Buffer.concat([Buffer.from([0]), Buffer.alloc(w * 3, Buffer.from([15, 92, 140]))])));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)), Buffer.alloc(pad)]);
}

beforeAll(async () => {
  t = await startTestApp({ SYNC_TIMERS: 'false' });
  const a = await t.createUser('admin');
  adminLogin = a;
  admin = await t.login(a.email, a.password);
  const b = await t.createUser('accountant');
  accountant = await t.login(b.email, b.password);
  ({ utrecht, gent, beCustomer, usCustomer } = await t.inContext(async () => {
    const em = t.orm.em;
    const u = em.create(Location, { name: 'Vestiging Utrecht', code: 'SNDU', street: 'Oudegracht', houseNumber: '12', postcode: '3511 AB', city: 'Utrecht', country: 'NL', vatNumber: 'NL858812345B01' } as never);
    const g = em.create(Location, { name: 'Vestiging Gent', code: 'SNDG', street: 'Veldstraat', houseNumber: '1', postcode: '9000', city: 'Gent', country: 'BE' } as never);
    const be = em.create(Customer, { number: 'K-BE', name: 'Brouwerij Gent BV', type: 'business', street: 'Korenmarkt', houseNumber: '3', postcode: '9000', city: 'Gent', country: 'BE', vatNumber: 'BE0123456789', location: u } as never);
    const us = em.create(Customer, { number: 'K-US', name: 'Acme Inc.', type: 'business', street: 'Main Street', houseNumber: '1', postcode: '10001', city: 'New York', country: 'US', location: u } as never);
    await em.flush();
    em.create(LocationInvoicing, { locationId: u.id, nextNumber: '9001', iban: 'NL91ABNA0417164300' } as never);
    em.create(LocationInvoicing, { locationId: g.id, nextNumber: '5001' } as never);
    await em.flush();
    for (const r of await em.find(VatRate, {})) rates[r.name] = r.id;
    return { utrecht: u.id, gent: g.id, beCustomer: be.id, usCustomer: us.id };
  }));
}, 120_000);

afterAll(async () => {
  await t?.close();
});

const COMPANY = { legalName: 'Jansen Advies B.V.', street: 'Stationsplein', houseNumber: '7', postcode: '3511 ED', city: 'Utrecht', country: 'NL', kvkNumber: '12345678', vatNumber: 'NL 8588.12.345 B01', phone: '+31 30 123 45 67', email: 'facturen@jansen.nl', website: 'www.jansen.nl' };

/** Posts a sender form as the browser does (multipart, _csrf first, optional logo). */
async function postSender(agent: Agent, path: string, fields: Record<string, string>, logo?: { bytes: Buffer; name: string; type: string }) {
  const token = await csrf(agent, path);
  let req = agent.post(path).field('_csrf', token);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  if (logo) req = req.attach('logo', logo.bytes, { filename: logo.name, contentType: logo.type });
  return req;
}

async function pdfText(id: number): Promise<{ text: string; bytes: Buffer }> {
  const res = await admin.get(`/invoices/${id}/pdf`).buffer(true).parse((r, cb) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => cb(null, Buffer.concat(chunks)));
  });
  expect(res.status).toBe(200);
  const bytes = res.body as Buffer;
  // kept for a person to look at (git-ignored; a CI artifact like the journeys' screenshots)
  mkdirSync('test-output/invoice-sender', { recursive: true });
  writeFileSync(`test-output/invoice-sender/invoice-${id}.pdf`, bytes);
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(bytes)), { mergePages: true });
  return { text: (text as string).replace(/[\s\u00a0\u202f]+/g, ' '), bytes };
}

/** A final invoice through the form and the finalize button. */
async function invoice(locationId: number, customerId: number, lines: { description: string; unitPrice: string; rate: string }[], language = 'nl'): Promise<number> {
  const body: Record<string, string> = { _csrf: await csrf(admin, '/invoices/new'), locationId: String(locationId), customerId: String(customerId), invoiceDate: '2026-11-20', dueDate: '', language };
  lines.forEach((l, i) => Object.assign(body, { [`lines[${i}][description]`]: l.description, [`lines[${i}][quantity]`]: '1', [`lines[${i}][unitPrice]`]: l.unitPrice, [`lines[${i}][vatRateId]`]: String(rates[l.rate]) }));
  const created = await admin.post('/invoices').type('form').send(body);
  expect(created.status).toBe(303);
  const id = Number(/\/invoices\/(\d+)/.exec(created.headers.location as string)![1]);
  const fin = await admin.post(`/invoices/${id}/finalize`).type('form').send({ _csrf: await csrf(admin, `/invoices/${id}/finalize`) });
  expect(fin.status).toBe(303);
  return id;
}

describe('the invoice sender settings', () => {
  it('is an admin screen: accountants are refused, the page lists every location with where its sender comes from', async () => {
    expect((await accountant.get('/settings/invoice-sender')).status).toBe(403);
    const page = await admin.get('/settings/invoice-sender');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Afzender op facturen');
    expect(page.text).toContain('Vestiging Utrecht');
    expect(page.text).toContain('Vestiging Gent');
    expect(page.text).toContain('enctype="multipart/form-data"');
    // from a location's own page too (for those who may open it)
    expect((await admin.get(`/settings/locations/${gent}/edit`)).text).toContain(`href="/settings/invoice-sender/locations/${gent}"`);
    expect((await accountant.get(`/settings/locations/${gent}/edit`)).text).not.toContain('/settings/invoice-sender/');
  });

  it('refuses a bad form with 422, field messages and what was typed: KvK, VAT, an incomplete address, a logo that is no image or too large', async () => {
    const bad = await postSender(admin, '/settings/invoice-sender', { ...COMPANY, kvkNumber: '1234', vatNumber: 'NL123', city: '' }, { bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), name: 'logo.png', type: 'image/png' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Een KvK-nummer heeft 8 cijfers.');
    expect(bad.text).toContain('Dit is geen geldig btw-nummer');
    expect(bad.text).toContain('Dit veld is verplicht.');
    expect(bad.text).toContain('Het logo moet een PNG- of JPEG-afbeelding zijn.');
    expect(bad.text).toContain('value="Jansen Advies B.V."');
    const big = await postSender(admin, '/settings/invoice-sender', COMPANY, { bytes: png(40, 20, 600 * 1024), name: 'logo.png', type: 'image/png' });
    expect(big.status).toBe(422);
    expect(big.text).toContain('Het logo is te groot');
    // beyond the upload limit the parser stops reading: still the form with the message, never a 500 or a CSRF page
    const huge = await postSender(admin, '/settings/invoice-sender', COMPANY, { bytes: png(40, 20, 5 * 1024 * 1024), name: 'logo.png', type: 'image/png' });
    expect(huge.status).toBe(422);
    expect(huge.text).toContain('Het logo is te groot');
    expect(await sql(t.db.url, 'select id from invoice_sender')).toHaveLength(0);
  });

  it('saves the company sender with its logo; the logo is served as the checked image type, never sniffed', async () => {
    const res = await postSender(admin, '/settings/invoice-sender', COMPANY, { bytes: png(), name: 'logo.png', type: 'application/octet-stream' });
    expect(res.status).toBe(303);
    const [row] = await sql<{ vat_number: string; logo_type: string; kvk_number: string }>(t.db.url, `select vat_number, logo_type, kvk_number from invoice_sender where scope = 'company'`);
    expect(row).toEqual({ vat_number: 'NL858812345B01', logo_type: 'image/png', kvk_number: '12345678' });
    const logo = await admin.get('/settings/invoice-sender/logo');
    expect(logo.status).toBe(200);
    expect(logo.headers['content-type']).toBe('image/png');
    expect(logo.headers['x-content-type-options']).toBe('nosniff');
    expect((await accountant.get('/settings/invoice-sender/logo')).status).toBe(403);
    const page = await admin.get('/settings/invoice-sender');
    expect(page.text).toContain('src="/settings/invoice-sender/logo"');
    expect(page.text).toContain('value="12345678"');
  });

  it('prints the sender on the PDF: legal name, trade name, address, KvK, VAT, contact and the logo', async () => {
    const id = await invoice(utrecht, beCustomer, [{ description: 'Advies', unitPrice: '100.00', rate: '21 %' }]);
    const { text, bytes } = await pdfText(id);
    expect(text).toContain('Jansen Advies B.V.');
    expect(text).toContain('Vestiging Utrecht'); // the trade name under the legal name
    expect(text).toContain('Stationsplein 7');
    expect(text).toContain('3511 ED Utrecht');
    expect(text).toContain('Nederland'); // the customer is abroad: both countries are printed
    expect(text).toContain('KvK: 12345678');
    expect(text).toContain('Btw-nr.: NL858812345B01');
    expect(text).toContain('Tel. +31 30 123 45 67');
    expect(text).toContain('facturen@jansen.nl');
    expect(text).toContain('www.jansen.nl');
    expect(bytes.toString('latin1')).toMatch(/\/Subtype\s*\/Image/);
  });

  it('a location overrides field by field and its address as a whole; "use the company\'s" takes the override away', async () => {
    const own = await postSender(admin, `/settings/invoice-sender/locations/${gent}`, { legalName: 'Jansen Advies BV (België)', street: 'Veldstraat', houseNumber: '1', postcode: '9000', city: 'Gent', country: 'BE', vatNumber: 'BE0999999999', removeLogo: 'on' });
    expect(own.status).toBe(303);
    const list = await admin.get('/settings/invoice-sender');
    expect(list.text).toContain('Eigen gegevens');
    const id = await invoice(gent, beCustomer, [{ description: 'Advies', unitPrice: '100.00', rate: '21 %' }]);
    let { text } = await pdfText(id);
    expect(text).toContain('Jansen Advies BV (België)');
    expect(text).toContain('Veldstraat 1');
    expect(text).toContain('9000 Gent');
    expect(text).not.toContain('Stationsplein');
    expect(text).toContain('Btw-nr.: BE0999999999');
    expect(text).toContain('KvK: 12345678'); // blank at the location: the company's
    expect(text).toContain('facturen@jansen.nl');
    const reset = await admin.post(`/settings/invoice-sender/locations/${gent}/reset`).type('form').send({ _csrf: await csrf(admin, `/settings/invoice-sender/locations/${gent}`) });
    expect(reset.status).toBe(303);
    const draft = await invoice(gent, beCustomer, [{ description: 'Advies', unitPrice: '50.00', rate: '21 %' }]);
    ({ text } = await pdfText(draft));
    expect(text).toContain('Jansen Advies B.V.');
    expect(text).not.toContain('BE0999999999');
  });
});

describe('legal VAT notes and VAT per rate', () => {
  it('reverse charge: "Btw verlegd" with the customer\'s VAT number, only when a reverse-charge line is on the invoice', async () => {
    const id = await invoice(utrecht, beCustomer, [{ description: 'Advies', unitPrice: '100.00', rate: 'Verlegd' }]);
    const { text } = await pdfText(id);
    expect(text).toContain('Btw verlegd');
    expect(text).toContain('Btw-nummer afnemer: BE0123456789');
    expect(text).toContain('Advies 1 € 100,00 verlegd € 100,00'); // the line and the summary say "verlegd", not a bare 0 %
    expect(text).toContain('verlegd € 100,00 € 0,00');
    expect(text).not.toContain('Intracommunautaire levering');
    const plain = await pdfText(await invoice(utrecht, beCustomer, [{ description: 'Advies', unitPrice: '100.00', rate: '21 %' }]));
    expect(plain.text).not.toContain('Btw verlegd');
  });

  it('0 % to a business in another EU country: intra-Community supply; outside the EU: export (in English too)', async () => {
    const eu = await pdfText(await invoice(utrecht, beCustomer, [{ description: 'Machine', unitPrice: '1000.00', rate: '0 %' }, { description: 'Montage', unitPrice: '100.00', rate: '21 %' }]));
    expect(eu.text).toContain('Intracommunautaire levering, 0% btw (art. 138 Btw-richtlijn 2006/112/EG). Btw-nummer afnemer: BE0123456789.');
    const us = await pdfText(await invoice(utrecht, usCustomer, [{ description: 'Machine', unitPrice: '1000.00', rate: '0 %' }], 'en'));
    expect(us.text).toContain('Export outside the EU, 0% VAT (art. 146 EU VAT Directive 2006/112/EC).');
    expect(us.text).toContain('New York US'); // a country without a translation prints its code, never a key
    expect(us.text).not.toContain('countries.');
  });

  it('computes VAT on the rate total, as printed: three lines of 0.05 at 21 % give 0.03 VAT, not 3 × 0.01', async () => {
    const id = await invoice(utrecht, beCustomer, ['a', 'b', 'c'].map((d) => ({ description: d, unitPrice: '0.05', rate: '21 %' })));
    const { text } = await pdfText(id);
    // 0.15 × 21 % = 0.0315 → 0.03 (per line 3 × 0.0105 → 0.01 = 0.03 as well) — and for 0.35: 0.0735 → 0.07
    expect(text).toContain('21% € 0,15 € 0,03');
    const seven = await pdfText(await invoice(utrecht, beCustomer, Array.from({ length: 6 }, (_, i) => ({ description: `r${i}`, unitPrice: '0.03', rate: '21 %' }))));
    // 6 × 0.03 = 0.18 × 21 % = 0.0378 → 0.04, where rounding each line (0.0063 → 0.01) would print 0.06
    expect(seven.text).toContain('21% € 0,18 € 0,04');
    expect(seven.text).toContain('Totaal € 0,22');
    const [row] = await sql<{ vat: string }>(t.db.url, `select vat from invoice where gross = 0.22 order by id desc limit 1`);
    expect(row.vat).toBe('0.04');
  });
});

describe('VAT kinds explained and one-time product forms', () => {
  it('the VAT page explains the kinds of VAT and Exact\'s code types in words; the product form links there', async () => {
    const vat = await accountant.get('/accounting/vat');
    expect(vat.status).toBe(200);
    expect(vat.text).toContain('Btw-soorten uitgelegd');
    expect(vat.text).toContain('Btw verlegd: de klant');
    expect(vat.text).toContain('id="vat-kinds"');
    const form = await accountant.get('/products/new');
    expect(form.text).toContain('href="/accounting/vat#vat-kinds"');
  });

  it('a product or group form sent twice (double-click, Back + Save) makes one: the second POST goes to the first', async () => {
    for (const [path, newPath, table, name] of [['/products', '/products/new', 'product', 'Dubbel product'], ['/products/groups', '/products/groups/new', 'product_group', 'Dubbele groep']] as const) {
      const page = await accountant.get(newPath);
      const formToken = /name="_form" value="([^"]+)"/.exec(page.text)![1];
      const body = { _csrf: await csrf(accountant, newPath), _form: formToken, code: `DUP-${table}`, name, active: 'on' };
      const [a, b] = await Promise.all([accountant.post(path).type('form').send(body), accountant.post(path).type('form').send(body)]);
      expect([a.status, b.status]).toEqual([303, 303]);
      const again = await accountant.post(path).type('form').send(body);
      expect(again.status).toBe(303);
      expect(again.headers.location).toMatch(new RegExp(`^${path}/\\d+/edit$`));
      expect(await sql(t.db.url, `select id from ${table} where name = $1`, [name])).toHaveLength(1);
    }
  });
});

describe('the sender screens in a real browser', () => {
  it('upload a logo through the form and show it; no sideways scrolling at 390 px', async () => {
    let browser: Browser | undefined;
    try {
      const session = await browserLoggedIn(t, adminLogin, 390);
      browser = session.browser;
      const { page, base, errors } = session;
      mkdirSync('test-output/invoice-sender', { recursive: true });
      const logo = 'test-output/invoice-sender/logo.png';
      writeFileSync(logo, png(80, 30));
      await page.goto(`${base}/settings/invoice-sender/locations/${utrecht}`);
      await page.$eval('#f-website', (el) => ((el as HTMLInputElement).value = 'www.utrecht.example'));
      const input = await page.$('#f-logo');
      await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(logo);
      await Promise.all([page.waitForNavigation(), page.$eval('form[enctype] button[type=submit].primary', (b) => (b as HTMLButtonElement).click())]);
      expect(page.url()).toBe(`${base}/settings/invoice-sender`);
      await page.goto(`${base}/settings/invoice-sender/locations/${utrecht}`);
      // the stored logo is shown (loaded from our own origin as the checked image type)
      await page.waitForFunction(() => { const img = document.querySelector('img.sender-logo') as HTMLImageElement | null; return !!img && img.complete && img.naturalWidth === 80; }, { timeout: 10_000 });
      for (const path of ['/settings/invoice-sender', `/settings/invoice-sender/locations/${utrecht}`]) {
        await page.goto(`${base}${path}`);
        await page.screenshot({ path: `test-output/invoice-sender/${path.split('/').pop()}-390.png`, fullPage: true });
        expect([path, await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)]).toEqual([path, 0]);
      }
      expect(errors).toEqual([]);
    } finally {
      await browser?.close();
    }
  });
});
