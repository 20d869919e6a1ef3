import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { csrf, startTestApp, type Agent, type TestApp } from '../support/app.js';
import { sql } from '../support/sync.js';
import { formatDate, formatMoney } from '../../src/common/i18n/i18n.js';
import { InvoicesService } from '../../src/modules/invoices/invoices.service.js';

let t: TestApp;
let admin: Agent;
let accountant: Agent;
let planner: Agent;
const ids: Record<string, number> = {};

const db = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(t.db.url, text, params);
const one = async <T = Record<string, unknown>>(text: string, params: unknown[] = []) => (await db<T>(text, params))[0];
const eur = (v: string) => formatMoney('nl', v);
const invoiceCount = async () => Number((await one<{ n: string }>('select count(*) as n from invoice')).n);

async function post(agent: Agent, path: string, form: Record<string, unknown>, from = '/invoices') {
  return agent.post(path).type('form').send({ _csrf: await csrf(agent, from), ...form });
}

/** A form body with flat line keys, as the browser sends it. */
function invoiceForm(head: Record<string, unknown>, lines: Record<string, unknown>[]): Record<string, unknown> {
  const body: Record<string, unknown> = { ...head };
  lines.forEach((l, i) => {
    for (const [k, v] of Object.entries(l)) body[`lines[${i}][${k}]`] = v;
  });
  return body;
}

const binary = (res: { on: (e: string, cb: (c?: Buffer) => void) => void; setEncoding?: (e: string) => void }, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c?: Buffer) => c && chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

beforeAll(async () => {
  t = await startTestApp();
  const a = await t.createUser('admin');
  const acc = await t.createUser('accountant');
  const p = await t.createUser('planner');
  admin = await t.login(a.email, a.password);
  accountant = await t.login(acc.email, acc.password);
  planner = await t.login(p.email, p.password);
  // Found while writing these tests (auth/CSRF, not this module): when time passes between login and the first POST
  // of a session, that first POST is refused as "invalid csrf token" once; the next ones pass. Warm every agent up.
  for (const agent of [admin, accountant, planner]) await agent.post('/language').type('form').send({ _csrf: await csrf(agent, '/'), language: 'nl', back: '/' });

  const loc = async (code: string, name: string) =>
    (await one<{ id: number }>(`insert into locations (name, code, street, house_number, postcode, city, country) values ($1, $2, 'Stationsweg', '1', '3511 AA', 'Utrecht', 'NL') returning id`, [name, code])).id;
  ids.ams = await loc('AMS', 'Amsterdam');
  ids.utr = await loc('UTR', 'Utrecht');
  const customer = async (number: string, name: string, withAddress: boolean) =>
    (
      await one<{ id: number }>(
        `insert into customers (number, type, name, street, house_number, postcode, city, country) values ($1, 'business', $2, $3, $4, $5, $6, 'NL') returning id`,
        withAddress ? [number, name, 'Kerkstraat', '12', '1234 AB', 'Amersfoort'] : [number, name, null, null, null, null],
      )
    ).id;
  ids.zoet = await customer('1001', 'Bakkerij Zoet', true);
  ids.noAddress = await customer('1002', 'Zonder Adres BV', false);
  ids.vat21 = (await one<{ id: number }>(`select id from vat_rate where name = '21 %'`)).id;
  ids.vat9 = (await one<{ id: number }>(`select id from vat_rate where name = '9 %'`)).id;
  const gl = async (number: string, name: string) => (await one<{ id: number }>(`insert into gl_account (number, name) values ($1, $2) returning id`, [number, name])).id;
  ids.glLine = await gl('8000', 'Omzet regel');
  ids.glProduct = await gl('8010', 'Omzet product');
  ids.glGroup = await gl('8020', 'Omzet groep');
  ids.glLocation = await gl('8030', 'Omzet locatie');
  ids.ccGroup = (await one<{ id: number }>(`insert into cost_center (code, description) values ('KP-GROEP', 'Kostenplaats groep') returning id`)).id;
  ids.cuLocation = (await one<{ id: number }>(`insert into cost_unit (code, description) values ('KD-LOC', 'Kostendrager locatie') returning id`)).id;
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('roles', () => {
  it('keeps planners out of invoices (issue 13, item 8: they neither read nor create, change or delete them)', async () => {
    expect((await planner.get('/invoices')).status).toBe(403);
    expect((await planner.get('/invoices/new')).status).toBe(403);
    const res = await post(planner, '/invoices', { locationId: ids.ams, customerId: ids.zoet, invoiceDate: '2026-01-10' });
    expect(res.status).toBe(403);
    expect((await planner.get('/products')).status).toBe(403);
    expect((await planner.get(`/settings/locations/${ids.ams}/invoicing`)).status).toBe(403);
    expect((await accountant.get('/invoices/new')).status).toBe(200);
    expect((await accountant.get('/products')).status).toBe(200);
    expect(await invoiceCount()).toBe(0);
  });

  it('shows a useful empty state', async () => {
    const res = await admin.get('/invoices');
    expect(res.text).toContain('Er zijn nog geen facturen.');
    expect(res.text).toContain('href="/invoices/new"');
  });
});

describe('products, groups and location settings', () => {
  it('validates and saves product groups, products and the location invoicing settings', async () => {
    const bad = await post(admin, '/products/groups', { name: '', glAccountId: ids.glGroup }, '/products/groups/new');
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Dit veld is verplicht.');
    const g = await post(admin, '/products/groups', { name: 'Cursussen', glAccountId: ids.glGroup, costCenterId: ids.ccGroup }, '/products/groups/new');
    expect(g.status).toBe(303);
    ids.group = (await one<{ id: number }>(`select id from product_group where name = 'Cursussen'`)).id;

    const badProduct = await post(admin, '/products', { code: 'CURSUS A', name: 'Cursus A', unitPrice: 'abc' }, '/products/new');
    expect(badProduct.status).toBe(422);
    expect(badProduct.text).toContain('value="Cursus A"');
    expect(await one(`select 1 as x from product`)).toBeUndefined();

    expect((await post(admin, '/products', { code: 'CURSUS-A', name: 'Cursus A', unitPrice: '250,00', vatRateId: ids.vat21, groupId: ids.group, glAccountId: ids.glProduct, active: 'on' }, '/products/new')).status).toBe(303);
    expect((await post(admin, '/products', { code: 'CURSUS-B', name: 'Cursus B', unitPrice: '99.5', vatRateId: ids.vat9, groupId: ids.group, active: 'on' }, '/products/new')).status).toBe(303);
    const dup = await post(admin, '/products', { code: 'CURSUS-B', name: 'Dubbel', active: 'on' }, '/products/new');
    expect(dup.status).toBe(422);
    expect(dup.text).toContain('al in gebruik');
    ids.productA = (await one<{ id: number }>(`select id from product where code = 'CURSUS-A'`)).id;
    ids.productB = (await one<{ id: number }>(`select id from product where code = 'CURSUS-B'`)).id;
    const list = await admin.get('/products?q=cursus');
    expect(list.text).toContain('CURSUS-A');
    expect(list.text).toContain('8010 Omzet product');

    const page = `/settings/locations/${ids.ams}/invoicing`;
    expect((await admin.get(page)).status).toBe(200);
    expect((await admin.get(`/settings/locations/${ids.ams}/edit`)).text).toContain(page);
    const badSettings = await post(admin, page, { exportMode: 'manual', paymentTermDays: '14', nextNumber: '1000', iban: 'NL00 FOUT 0000 0000 00' }, page);
    expect(badSettings.status).toBe(422);
    expect(badSettings.text).toContain('Dit is geen geldig IBAN.');
    expect(badSettings.text).toContain('value="NL00 FOUT 0000 0000 00"');
    const ok = await post(admin, page, { glAccountId: ids.glLocation, costUnitId: ids.cuLocation, exportMode: 'automatic', includePdf: 'on', paymentTermDays: '14', nextNumber: '1000', iban: 'NL91 ABNA 0417 1643 00' }, page);
    expect(ok.status).toBe(303);
    const s = await one<Record<string, unknown>>('select * from location_invoicing where location_id = $1', [ids.ams]);
    expect(s).toMatchObject({ export_mode: 'automatic', include_pdf: true, payment_term_days: 14, next_number: '1000', iban: 'NL91ABNA0417164300', gl_account_id: ids.glLocation, cost_unit_id: ids.cuLocation });
  });
});

describe('new invoice', () => {
  const head = () => ({ locationId: ids.ams, customerId: ids.zoet, invoiceDate: '2026-03-02', reference: 'PO-77', language: 'nl' });

  it('rejects invalid input with 422, saves nothing and keeps every typed line', async () => {
    const body = invoiceForm({ ...head(), customerId: '' }, [
      { description: 'Werkplaats huur', quantity: '2', unitPrice: '12,50', discountPercent: '', vatRateId: ids.vat21 },
      { description: '', quantity: 'twee', unitPrice: '5', vatRateId: ids.vat21 },
      { description: 'Koffie', quantity: '1', unitPrice: '2.5', discountPercent: '120', vatRateId: ids.vat9 },
    ]);
    const res = await post(admin, '/invoices', body, '/invoices/new');
    expect(res.status).toBe(422);
    expect(await invoiceCount()).toBe(0);
    expect(res.text).toContain('value="Werkplaats huur"');
    expect(res.text).toContain('value="twee"');
    expect(res.text).toContain('value="Koffie"');
    expect(res.text).toContain('value="120"');
    expect(res.text).toContain('value="PO-77"');
    expect(res.text).toContain('Dit veld is verplicht.');
    expect(res.text).toContain('aria-invalid="true"');
  });

  it('warns about a customer without address and proposes the due date from the payment term', async () => {
    const info = await admin.get(`/invoices/form/customer?customerId=${ids.noAddress}`).set('HX-Request', 'true');
    expect(info.text).toContain('heeft geen adres');
    const due = await admin.get(`/invoices/form/due?locationId=${ids.ams}&invoiceDate=2026-03-02`).set('HX-Request', 'true');
    expect(due.text).toContain('14 dagen');
    expect(due.text).toContain(formatDate('nl', '2026-03-16'));
    const search = await admin.get('/invoices/form/customers?customerQ=zonder').set('HX-Request', 'true');
    expect(search.text).toContain('Zonder Adres BV');
    expect(search.text).not.toContain('Bakkerij Zoet');
  });

  it('adds lines and fills a product\'s defaults through htmx fragments', async () => {
    const row = await admin.get('/invoices/form/line?index=3').set('HX-Request', 'true');
    expect(row.text).toContain('name="lines[3][description]"');
    expect(row.text).toMatch(/id="add-line"[^>]*index=4|index=4[^>]*id="add-line"/);
    expect(row.text).toContain('hx-swap-oob');
    const filled = await admin
      .post('/invoices/form/line')
      .set('HX-Request', 'true')
      .set('X-CSRF-Token', await csrf(admin, '/invoices/new'))
      .type('form')
      .send({ 'lines[5][productId]': ids.productA, 'lines[5][description]': '', 'lines[5][quantity]': '', 'lines[5][unitPrice]': '' });
    expect(filled.status).toBe(200);
    expect(filled.text).toContain('name="lines[5][description]" value="Cursus A"');
    expect(filled.text).toContain('value="250"');
    expect(filled.text).toContain('8010 Omzet product');
  });

  it('fills the product into the row it was chosen on when htmx posts the whole form (line 3 of 3), not into line 1', async () => {
    // htmx 4 sends every field of the enclosing form with a POST; the select names its own row with hx-vals
    const form = await admin.get('/invoices/new');
    expect(form.text).toMatch(/name="lines\[0\]\[productId\]"[^>]*hx-vals='\{"lineIndex": "0"\}'/);
    const body = {
      ...invoiceForm({ locationId: ids.ams, customerId: ids.zoet, invoiceDate: '2026-03-02' }, [
        { productId: ids.productA, description: 'Cursus A', quantity: '3', unitPrice: '250', discountPercent: '0', vatRateId: ids.vat21 },
        { productId: '', description: 'Los werk', quantity: '2', unitPrice: '10', discountPercent: '0', vatRateId: ids.vat21 },
        { productId: ids.productB, description: '', quantity: '', unitPrice: '', discountPercent: '0', vatRateId: ids.vat21 },
      ]),
      lineIndex: '2',
    };
    const res = await admin.post('/invoices/form/line').set('HX-Request', 'true').set('X-CSRF-Token', await csrf(admin, '/invoices/new')).type('form').send(body);
    expect(res.status).toBe(200);
    expect(res.text).toContain('id="line-2"');
    expect(res.text).toContain('name="lines[2][description]" value="Cursus B"');
    expect(res.text).toContain('name="lines[2][unitPrice]" value="99.5"');
    expect(res.text).not.toContain('lines[0]');
    expect(res.text).not.toContain('value="Cursus A"');
  });

  it('saves an invoice whose due date field was left empty, as a browser sends it, and proposes the term', async () => {
    const res = await post(admin, '/invoices', invoiceForm({ ...head(), dueDate: '', number: '' }, [{ description: 'Zonder vervaldatum', quantity: '1', unitPrice: '10', discountPercent: '', vatRateId: ids.vat21 }]), '/invoices/new');
    expect(res.status).toBe(303);
    const bad = await post(admin, '/invoices', invoiceForm({ ...head(), dueDate: '2026-02-31x' }, [{ description: 'x', quantity: '1', unitPrice: '1', vatRateId: ids.vat21 }]), '/invoices/new');
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Vul een geldige datum in.');
  });

  it('computes exact totals live and on save; a discount becomes its own line', async () => {
    const lines = [
      { description: 'Cursus', quantity: '3', unitPrice: '19.99', discountPercent: '10', vatRateId: ids.vat21 },
      { description: 'Boek', quantity: '1', unitPrice: '0.10', discountPercent: '0', vatRateId: ids.vat9 },
    ];
    // 3 × 19.99 = 59.97; 10 % discount = −6.00 (5.997); VAT 21 %: 12.59 − 1.26; 0.10 at 9 %: 0.01
    const preview = await admin
      .post('/invoices/form/preview')
      .set('HX-Request', 'true')
      .set('X-CSRF-Token', await csrf(admin, '/invoices/new'))
      .type('form')
      .send(invoiceForm(head(), lines));
    expect(preview.status).toBe(200);
    expect(preview.text).toContain(eur('54.07'));
    expect(preview.text).toContain(eur('11.34'));
    expect(preview.text).toContain(eur('65.41'));
    expect(preview.text).toContain(eur('-6.00'));

    const res = await post(admin, '/invoices', invoiceForm(head(), [...lines, { description: '', quantity: '', unitPrice: '', vatRateId: ids.vat21 }]), '/invoices/new');
    expect(res.status).toBe(303);
    ids.first = Number(/\/invoices\/(\d+)$/.exec(res.headers.location)![1]);
    const inv = await one<Record<string, unknown>>('select * from invoice where id = $1', [ids.first]);
    expect(inv).toMatchObject({ net: '54.07', vat: '11.34', gross: '65.41', status: 'draft', number: null, due_date: expect.anything() });
    expect(await one<{ n: string }>('select count(*) as n from invoice_line where invoice_id = $1', [ids.first])).toEqual({ n: '2' });
    const due = await one<{ d: string }>(`select to_char(due_date, 'YYYY-MM-DD') as d from invoice where id = $1`, [ids.first]);
    expect(due.d).toBe('2026-03-16');

    const page = await admin.get(`/invoices/${ids.first}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Korting 10%');
    expect(page.text).toContain(eur('-6.00'));
    expect(page.text).toContain(eur('65.41'));
    const { totals } = await t.inContext(async () => {
      const svc = t.app.get(InvoicesService);
      return svc.pdfModel(await svc.get(ids.first));
    });
    expect(totals.lines.map((l) => [l.kind, l.net.toFixed(2)])).toEqual([
      ['item', '59.97'],
      ['discount', '-6.00'],
      ['item', '0.10'],
    ]);
    expect(totals.gross.toFixed(2)).toBe('65.41');
  });
});

describe('GL account, cost centre and cost unit: line → product → group → location', () => {
  it('shows on the detail page which account is used and where it came from', async () => {
    const body = invoiceForm({ locationId: ids.ams, customerId: ids.zoet, invoiceDate: '2026-03-03' }, [
      { description: 'Eigen rekening', quantity: '1', unitPrice: '10', vatRateId: ids.vat21, productId: ids.productA, glAccountId: ids.glLine },
      { description: 'Product A', quantity: '1', unitPrice: '10', vatRateId: ids.vat21, productId: ids.productA },
      { description: 'Product B', quantity: '1', unitPrice: '10', vatRateId: ids.vat21, productId: ids.productB },
      { description: 'Los', quantity: '1', unitPrice: '10', vatRateId: ids.vat21 },
    ]);
    const res = await post(admin, '/invoices', body, '/invoices/new');
    expect(res.status).toBe(303);
    const id = Number(/\/invoices\/(\d+)$/.exec(res.headers.location)![1]);
    const page = await admin.get(`/invoices/${id}`);
    const sources = [...page.text.matchAll(/data-gl-source="invoices\.source\.(\w+)">(?:<code>(\d+)<\/code>)?/g)].map((m) => [m[1], m[2]]);
    expect(sources).toEqual([
      ['line', '8000'],
      ['product', '8010'],
      ['group', '8020'],
      ['location', '8030'],
    ]);
    // cost centre from the group (product lines), cost unit from the location (every line)
    expect(page.text.match(/KP-GROEP/g)?.length).toBe(3);
    expect(page.text.match(/KD-LOC/g)?.length).toBe(4);
    expect(page.text).toContain('van de productgroep');
    expect(page.text).toContain('standaard van de locatie');
    ids.second = id;
  });
});

describe('make final, PDF, credit note, delete', () => {
  it('makes an invoice final: number assigned, PDF stored with its hash, download returns the same bytes', async () => {
    const confirm = await admin.get(`/invoices/${ids.first}/finalize`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('1000');
    const res = await post(admin, `/invoices/${ids.first}/finalize`, {}, `/invoices/${ids.first}`);
    expect(res.status).toBe(303);
    const inv = await one<Record<string, unknown>>('select number, status from invoice where id = $1', [ids.first]);
    expect(inv).toEqual({ number: '1000', status: 'final' });
    const stored = await one<{ sha256: string; size: number; bytes: Buffer }>('select sha256, size, bytes from invoice_pdf where invoice_id = $1', [ids.first]);
    expect(stored.sha256).toBe(createHash('sha256').update(stored.bytes).digest('hex'));

    expect((await planner.get(`/invoices/${ids.first}/pdf`)).status).toBe(403); // planners read no PDFs (issue 13, item 8)
    const pdf = await accountant.get(`/invoices/${ids.first}/pdf`).buffer(true).parse(binary as never);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toBe('attachment; filename="factuur-AMS-1000.pdf"');
    const bytes = pdf.body as Buffer;
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(stored.sha256);

    const page = await admin.get(`/invoices/${ids.first}`);
    expect(page.text).toContain(stored.sha256);
    expect(page.text).not.toContain(`/invoices/${ids.first}/finalize`);
    expect(page.text).not.toContain(`/invoices/${ids.first}/delete`);
    expect(page.text).toContain('Export naar Exact Online');
  }, 90_000);

  it('shows the export ledger row and its log read-only', async () => {
    await db(`insert into invoice_export (invoice_id, division, state, journal_code, exact_entry_id, problems, last_error, attempts) values ($1, 1234567, 'failed', '70', '11111111-2222-3333-4444-555555555555', $2, 'Boekjaar is afgesloten', 2)`, [
      ids.first,
      JSON.stringify([{ key: 'invoices.validation.noLines' }]),
    ]);
    await db(`insert into invoice_export_log (invoice_id, at, action, outcome, detail) values ($1, now(), 'entry', 'error', 'Exact: boekjaar gesloten')`, [ids.first]);
    const page = await admin.get(`/invoices/${ids.first}`);
    expect(page.text).toContain('data-export-state="failed"');
    expect(page.text).toContain('11111111-2222-3333-4444-555555555555');
    expect(page.text).toContain('Boekjaar is afgesloten');
    expect(page.text).toContain('Exact: boekjaar gesloten');
    expect(page.text).toContain('Voeg minstens één factuurregel toe.');
  });

  it('creates a credit note from a final invoice: negative, referring to it, edited with the same form', async () => {
    const res = await post(accountant, `/invoices/${ids.first}/credit-note`, {}, `/invoices/${ids.first}`);
    expect(res.status).toBe(303);
    const creditId = Number(/\/invoices\/(\d+)\/edit$/.exec(res.headers.location)![1]);
    const credit = await one<Record<string, unknown>>('select kind, credit_for_id, gross, net, vat, status from invoice where id = $1', [creditId]);
    expect(credit).toEqual({ kind: 'credit_note', credit_for_id: ids.first, gross: '-65.41', net: '-54.07', vat: '-11.34', status: 'draft' });
    const form = await accountant.get(`/invoices/${creditId}/edit`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('value="-3"');
    expect(form.text).toContain('Creditnota bij factuur 1000');
    const page = await accountant.get(`/invoices/${creditId}`);
    expect(page.text).toContain('Creditnota bij factuur 1000');
    expect(page.text).toContain(eur('-65.41'));
    // a draft credit note cannot itself be credited; the original lists it
    expect(page.text).not.toContain('/credit-note');
    expect((await admin.get(`/invoices/${ids.first}`)).text).toContain(`/invoices/${creditId}`);
  });

  it('deletes drafts only, after a confirmation', async () => {
    expect((await admin.get(`/invoices/${ids.second}/delete`)).text).toContain('Concept verwijderen?');
    const final = await post(admin, `/invoices/${ids.first}/delete`, {}, `/invoices/${ids.first}`);
    expect(final.status).toBe(303);
    expect(await one('select id from invoice where id = $1', [ids.first])).toBeDefined();
    const res = await post(admin, `/invoices/${ids.second}/delete`, {}, `/invoices/${ids.second}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/invoices');
    expect(await one('select id from invoice where id = $1', [ids.second])).toBeUndefined();
  });
});

describe('list: filters, search, sort, paging', () => {
  const link = (html: string, rel: 'next' | 'prev') => {
    const m = new RegExp(`<a rel="${rel}" href="([^"]+)"`).exec(html);
    return m ? m[1].replace(/&amp;/g, '&').replace(/&#x3D;/g, '=') : '';
  };
  const rowIds = (html: string) => [...html.matchAll(/data-invoice="(\d+)"/g)].map((m) => Number(m[1]));

  beforeAll(async () => {
    // 80 invoices over two locations, statuses, kinds and dates
    const statuses = ['draft', 'final', 'exported', 'partly_paid', 'paid'];
    for (let i = 0; i < 80; i++) {
      await db(
        `insert into invoice (location_id, kind, number, invoice_date, due_date, customer_id, reference, status, net, vat, gross, open)
         values ($1, $2, $3, $4, $4, $5, $6, $7, $8, 0, $8, $8)`,
        [
          i % 2 ? ids.utr : ids.ams,
          i % 10 === 9 ? 'credit_note' : 'invoice',
          i % 5 === 0 ? null : String(5000 + i),
          `2025-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')}`,
          i % 3 ? ids.zoet : ids.noAddress,
          `REF-${i}`,
          statuses[i % 5],
          (i * 7.25).toFixed(2),
        ],
      );
    }
  });

  it('filters by location, status, kind and date range', async () => {
    const all = Number((await one<{ n: string }>('select count(*) as n from invoice')).n);
    const total = await admin.get('/invoices?size=100');
    expect(rowIds(total.text).length).toBe(all);
    const utr = await admin.get(`/invoices?location=${ids.utr}&size=100`);
    expect(rowIds(utr.text).length).toBe(40);
    expect(utr.text).toContain('40 facturen');
    const paid = await admin.get('/invoices?status=paid&size=100');
    expect(rowIds(paid.text).length).toBe(16);
    const credit = await admin.get(`/invoices?kind=credit_note&size=100`);
    const expectedCredits = Number((await one<{ n: string }>(`select count(*) as n from invoice where kind = 'credit_note'`)).n);
    expect(rowIds(credit.text).length).toBe(expectedCredits);
    const q1 = await admin.get('/invoices?from=2025-01-01&to=2025-01-31&size=100');
    const jan = Number((await one<{ n: string }>(`select count(*) as n from invoice where invoice_date between '2025-01-01' and '2025-01-31'`)).n);
    expect(jan).toBeGreaterThan(0);
    expect(rowIds(q1.text).length).toBe(jan);
    const none = await admin.get('/invoices?status=paid&kind=credit_note&location=' + ids.ams);
    expect(none.text).toContain('Geen facturen gevonden met deze filters.');
    // htmx asks for the table only
    const fragment = await admin.get(`/invoices?location=${ids.utr}`).set('HX-Request', 'true');
    expect(fragment.text).not.toContain('<html');
    expect(fragment.text).toContain('data-invoice=');
  });

  it('searches by number, customer name and reference', async () => {
    const byNumber = await admin.get('/invoices?q=5001');
    expect(rowIds(byNumber.text)).toEqual([(await one<{ id: number }>(`select id from invoice where number = 5001`)).id]);
    const byRef = await admin.get('/invoices?q=ref-17');
    expect(rowIds(byRef.text)).toEqual([(await one<{ id: number }>(`select id from invoice where reference = 'REF-17'`)).id]);
    const byName = await admin.get('/invoices?q=zonder adres&size=100');
    const expected = Number((await one<{ n: string }>(`select count(*) as n from invoice where customer_id = $1`, [ids.noAddress])).n);
    expect(rowIds(byName.text).length).toBe(expected);
  });

  it('sorts by number, date, customer, total and status in both directions', async () => {
    const check = async (sort: string, dir: string, orderSql: string) => {
      const res = await admin.get(`/invoices?sort=${sort}&dir=${dir}&size=100`);
      const expected = (await db<{ id: number }>(`select i.id from invoice i join customers c on c.id = i.customer_id order by ${orderSql}`)).map((r) => r.id);
      expect(rowIds(res.text)).toEqual(expected);
    };
    await check('total', 'asc', 'i.gross asc, i.id asc');
    await check('total', 'desc', 'i.gross desc, i.id desc');
    await check('number', 'desc', 'coalesce(i.number, 0) desc, i.id desc');
    await check('date', 'asc', 'i.invoice_date asc, i.id asc');
    await check('customer', 'asc', 'c.name asc, i.id asc');
    await check('status', 'desc', 'i.status desc, i.id desc');
  });

  it('pages with keyset cursors forward and back, every invoice exactly once', async () => {
    const expected = (await db<{ id: number }>(`select id from invoice order by invoice_date desc, id desc`)).map((r) => r.id);
    const seen: number[] = [];
    let url = '/invoices?size=10';
    const pages: string[] = [];
    for (let i = 0; i < 20 && url; i++) {
      const res = await admin.get(url);
      pages.push(url);
      seen.push(...rowIds(res.text));
      url = link(res.text, 'next');
    }
    expect(seen).toEqual(expected);
    expect(pages[1]).toContain('after=');
    // back from page 3 gives page 2 again
    const third = await admin.get(pages[2]);
    const prev = link(third.text, 'prev');
    expect(prev).toContain('before=');
    const second = await admin.get(prev);
    expect(rowIds(second.text)).toEqual(expected.slice(10, 20));
    expect(second.text).toContain('Pagina 2 van');
    // a page number without cursor still works (offset)
    expect(rowIds((await admin.get('/invoices?size=10&page=4')).text)).toEqual(expected.slice(30, 40));
  });
});
