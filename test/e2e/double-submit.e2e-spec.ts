import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'puppeteer-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { csrf, csrfFrom, startTestApp, type Agent, type TestApp } from '../support/app.js';
import { connectExact, startExactSandbox, type ExactTestEnv } from '../support/exact.js';
import { sql, SYNC_TEST_ENV, waitFor } from '../support/sync.js';
import { D1, finalInvoice, importLedgers, invoicingFixture, noExportRunning, type InvoicingFixture } from '../support/invoices.js';
import { launchChromium } from '../../src/common/chromium.js';
import { projectRoot } from '../../src/common/paths.js';

/** Item 6 of issue 12: every create form and every action button is idempotent (Back + Save, double-click). */
let x: ExactTestEnv;
let t: TestApp;
let admin: Agent;
let fx: InvoicingFixture;
let browser: Browser;
let base: string;
const artifacts = join(projectRoot, 'test', 'artifacts');
const db = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(t.db.url, text, params);
const count = async (text: string, params: unknown[] = []) => Number((await db<{ n: string }>(text, params))[0].n);
const formToken = (html: string) => /name="_form" value="([^"]+)"/.exec(html)?.[1];

beforeAll(async () => {
  x = await startExactSandbox();
  t = await startTestApp({ ...x.env, ...SYNC_TEST_ENV });
  await t.app.listen(0, '127.0.0.1');
  base = await t.app.getUrl();
  await t.createUser('admin', 'twice@example.com', 'twice-password-1');
  admin = await t.login('twice@example.com', 'twice-password-1');
  await connectExact(x, admin, 'all');
  await importLedgers(t, D1);
  fx = await invoicingFixture(t);
  browser = await launchChromium(process.env.CHROME_PATH);
  mkdirSync(artifacts, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await x?.close();
});

async function loggedIn(): Promise<Page> {
  // a context of its own: no cookies of an earlier test (a logged-in session would skip the login page)
  const page = await (await browser.createBrowserContext()).newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(`${base}/login`);
  await page.type('#f-email', 'twice@example.com');
  await page.type('#f-password', 'twice-password-1');
  await Promise.all([page.waitForNavigation(), page.$eval('button[type=submit].primary', (b) => (b as HTMLButtonElement).click())]);
  return page;
}

const customerForm = { type: 'business', name: 'Tweemaal BV', street: 'Dorpsstraat', houseNumber: '3', postcode: '1234 AB', city: 'Ede', country: 'NL' };

describe('create forms sent twice', () => {
  it('a customer form sent twice (also at the same moment) makes one customer; the second POST goes to it', async () => {
    const form = await admin.get('/customers/new');
    const token = formToken(form.text)!;
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    const body = { _csrf: csrfFrom(form.text), _form: token, ...customerForm, locationId: fx.locationId };
    const [a, b] = await Promise.all([admin.post('/customers').type('form').send(body), admin.post('/customers').type('form').send(body)]);
    expect([a.status, b.status]).toEqual([303, 303]);
    expect(await count(`select count(*) as n from customers where name = 'Tweemaal BV'`)).toBe(1);
    const again = await admin.post('/customers').type('form').send(body);
    expect(again.status).toBe(303);
    const [{ id }] = await db<{ id: number }>(`select id from customers where name = 'Tweemaal BV'`);
    expect(again.headers.location).toBe(`/customers/${id}`);
    expect((await admin.get(again.headers.location)).text).toContain('al opgeslagen');
    expect(await count(`select count(*) as n from customers where name = 'Tweemaal BV'`)).toBe(1);
  });

  it('the same customer typed again on a fresh form is refused with a clear message and a link; saving anyway is a choice', async () => {
    const form = await admin.get('/customers/new');
    const body = { _csrf: csrfFrom(form.text), _form: formToken(form.text), ...customerForm, name: 'tweemaal  bv', postcode: '1234ab', locationId: fx.locationId };
    const res = await admin.post('/customers').type('form').send(body);
    expect(res.status).toBe(422);
    expect(res.text).toContain('Er bestaat al een klant met deze naam en dit adres');
    expect(res.text).toMatch(/href="\/customers\/\d+">Bestaande klant openen/);
    expect(res.text).toContain('value="tweemaal  bv"');
    expect(await count(`select count(*) as n from customers where lower(name) like 'tweemaal%'`)).toBe(1);
    // the refused form keeps its token; sent again with "another customer" ticked, it saves once
    expect(formToken(res.text)).toBe(body._form);
    const anyway = await admin.post('/customers').type('form').send({ ...body, _csrf: csrfFrom(res.text), confirmDuplicate: 'on' });
    expect(anyway.status).toBe(303);
    expect(await count(`select count(*) as n from customers where lower(name) like 'tweemaal%'`)).toBe(2);
  });

  it('an invoice form sent twice makes one invoice', async () => {
    const form = await admin.get('/invoices/new');
    const body = {
      _csrf: csrfFrom(form.text),
      _form: formToken(form.text),
      locationId: fx.locationId,
      customerId: fx.customerId,
      invoiceDate: '2026-11-20',
      reference: 'TWEEMAAL',
      'lines[0][description]': 'Advies',
      'lines[0][quantity]': '2',
      'lines[0][unitPrice]': '95',
      'lines[0][discountPercent]': '0',
      'lines[0][vatRateId]': fx.vatHigh,
    };
    const first = await admin.post('/invoices').type('form').send(body);
    expect(first.status).toBe(303);
    const second = await admin.post('/invoices').type('form').send(body);
    expect(second.status).toBe(303);
    expect(second.headers.location).toBe(first.headers.location);
    expect(await count(`select count(*) as n from invoice where reference = 'TWEEMAAL'`)).toBe(1);
  });

  it('a location saved twice is refused with a clear message (its code is unique)', async () => {
    const form = { name: 'Tweede Vestiging', code: 'TWEE', street: 'Markt', houseNumber: '1', postcode: '1234 AB', city: 'Ede', country: 'NL' };
    const first = await admin.post('/settings/locations').type('form').send({ _csrf: await csrf(admin, '/settings/locations/new'), ...form });
    expect(first.status).toBe(303);
    const second = await admin.post('/settings/locations').type('form').send({ _csrf: await csrf(admin, '/settings/locations/new'), ...form });
    expect(second.status).toBe(422);
    expect(second.text).toContain('value="TWEE"');
    expect(await count(`select count(*) as n from locations where code = 'TWEE'`)).toBe(1);
  });

  it('Back + Save in a real browser makes no second customer', async () => {
    const page = await loggedIn();
    await page.goto(`${base}/customers/new?location=${fx.locationId}`);
    for (const [sel, val] of [['#f-name', 'Terugknop BV'], ['#f-street', 'Laan'], ['#f-houseNumber', '7'], ['#f-postcode', '6711 AA'], ['#f-city', 'Ede']]) await page.type(sel, val);
    await page.waitForNetworkIdle({ idleTime: 200 });
    await Promise.all([page.waitForNavigation(), page.$eval('form.form.card button[type=submit]', (b) => (b as HTMLButtonElement).click())]);
    expect(page.url()).toMatch(/\/customers\/\d+$/);
    const first = page.url();
    await page.goBack();
    await page.waitForSelector('#f-name');
    // whatever the browser restored (the filled form, or a fresh one typed again), saving must not make a second one
    if (!(await page.$eval('#f-name', (el) => (el as HTMLInputElement).value))) {
      for (const [sel, val] of [['#f-name', 'Terugknop BV'], ['#f-street', 'Laan'], ['#f-houseNumber', '7'], ['#f-postcode', '6711 AA'], ['#f-city', 'Ede']]) await page.type(sel, val);
    }
    await Promise.all([page.waitForNavigation(), page.$eval('form.form.card button[type=submit]', (b) => (b as HTMLButtonElement).click())]);
    const text = await page.evaluate(() => document.body.innerText);
    expect(page.url() === first || /Er bestaat al een klant met deze naam/.test(text)).toBe(true);
    await page.screenshot({ path: join(artifacts, 'back-and-save-customer.png'), fullPage: true });
    expect(await count(`select count(*) as n from customers where name = 'Terugknop BV'`)).toBe(1);
    await page.close();
  }, 90_000);
});

describe('"Exporteer klanten & facturen" clicked twice', () => {
  it('starts one run per selection; the second click (at the same moment, or later) shows the running one', async () => {
    const inv = await finalInvoice(t, fx);
    // Exact answers slowly, so the run is still running when the second click arrives
    await x.control('faults', { errorRate: 0, latencyMs: 1500, endpoints: ['salesentry', 'documents', 'crm/accounts'] });
    try {
      const token = await csrf(admin, '/accounting/export');
      const click = () => admin.post('/accounting/export/run').type('form').send({ _csrf: token, action: 'all', includePdf: 'on', invoiceIds: String(inv.id) });
      const before = await count('select count(*) as n from invoice_export_run');
      const [a, b] = await Promise.all([click(), click()]);
      expect([a.status, b.status]).toEqual([303, 303]);
      expect(a.headers.location).toBe(b.headers.location);
      const later = await click();
      expect(later.headers.location).toBe(a.headers.location);
      expect((await admin.get(later.headers.location)).text).toContain('wordt al geëxporteerd');
      expect(await count('select count(*) as n from invoice_export_run')).toBe(before + 1);
    } finally {
      await x.control('faults', undefined, 'DELETE');
    }
    await waitFor(async () => noExportRunning(t), 'run finished', 90_000);
    expect(await count(`select count(*) as n from invoice_export where invoice_id = $1 and state = 'exported'`, [inv.id])).toBe(1);
  }, 150_000);

  it('a double-click in a real browser starts one run', async () => {
    const inv = await finalInvoice(t, fx);
    await x.control('faults', { errorRate: 0, latencyMs: 1500, endpoints: ['salesentry', 'documents', 'crm/accounts'] });
    try {
      const page = await loggedIn();
      await page.goto(`${base}/accounting/export?invoiceIds=${inv.id}`);
      const before = await count('select count(*) as n from invoice_export_run');
      await Promise.all([page.waitForNavigation(), page.click('button[name=action][value=all]', { count: 2 })]);
      await page.waitForSelector('#run-status');
      await waitFor(async () => ((await count('select count(*) as n from invoice_export_run')) > before ? true : undefined), 'a run started', 30_000);
      await page.screenshot({ path: join(artifacts, 'export-double-click.png'), fullPage: true });
      expect(await count('select count(*) as n from invoice_export_run')).toBe(before + 1);
      await page.close();
    } finally {
      await x.control('faults', undefined, 'DELETE');
    }
    await waitFor(async () => noExportRunning(t), 'run finished', 90_000);
  }, 150_000);
});
