import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'puppeteer-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/app.js';
import { startExactSandbox, type ExactTestEnv } from '../support/exact.js';
import { sql, waitFor } from '../support/sync.js';
import { launchChromium } from '../../src/common/chromium.js';
import { freePort } from '../../src/common/net.js';
import { projectRoot } from '../../src/common/paths.js';
import { SyncService } from '../../src/modules/sync/sync.service.js';

/**
 * The journeys of issue 12, walked as people walk them, in real Chromium against the real app, the real
 * database and the Exact sandbox over HTTP: (b) the admin's day, (a) the accountant's day, (c) the mistakes
 * people make. At 1280 and 390 px, in Dutch and English. Screenshots are kept under test-output/journeys/
 * (a CI artifact; git-ignored).
 */

const D1 = 1234567;
const D2 = 2345678;
const D3 = 3456789;
const ADMIN = { name: 'Anne Admin', email: 'anne@example.com', password: 'anne-admin-password' };
const ACCOUNTANT = { email: 'bram@example.com', password: 'bram-accountant-password' };
const OUT = join(projectRoot, 'test-output', 'journeys');

let x: ExactTestEnv;
let t: TestApp;
let browser: Browser;
let base: string;
const db = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(t.db.url, text, params);
const one = async <T = Record<string, unknown>>(text: string, params: unknown[] = []) => (await db<T>(text, params))[0];

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  x = await startExactSandbox();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const client = await x.control<{ clientId: string; clientSecret: string; webhookSecret: string }>('clients', { redirectUri: `${base}/settings/integrations/exact/callback` });
  t = await startTestApp({ ...x.env, EXACT_CLIENT_ID: client.clientId, EXACT_CLIENT_SECRET: client.clientSecret, PUBLIC_BASE_URL: base, SYNC_POLL_SECONDS: '0.5' });
  await t.app.listen(port, '127.0.0.1');
  browser = await launchChromium(process.env.CHROME_PATH);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await x?.close();
});

/** A tab at a width, which records script errors and failed requests of our own pages. */
async function tab(width: 1280 | 390): Promise<Page & { errors: string[] }> {
  const context = await browser.createBrowserContext(); // its own cookies: one person per tab
  const page = (await context.newPage()) as Page & { errors: string[] };
  page.errors = [];
  await page.setViewport({ width, height: width === 390 ? 844 : 900, isMobile: width === 390, hasTouch: width === 390 });
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && !/status of 40[13]/.test(m.text()) && page.errors.push(m.text()));
  return page;
}

async function settle(page: Page) {
  await page.waitForNetworkIdle({ idleTime: 150, timeout: 30_000 }).catch(() => undefined);
}

async function submit(page: Page, selector: string) {
  // clicked from inside the page (no element handle that a navigation could pull away)
  await Promise.all([page.waitForNavigation({ timeout: 60_000 }), page.evaluate((sel) => (document.querySelector(sel) as HTMLButtonElement).click(), selector)]);
  await settle(page);
}

async function login(page: Page, who: { email: string; password: string }) {
  await page.goto(`${base}/login`);
  await page.type('#f-email', who.email);
  await page.type('#f-password', who.password);
  await submit(page, 'button[type=submit].primary');
  expect(page.url()).not.toContain('/login');
}

async function fill(page: Page, values: Record<string, string>) {
  for (const [sel, value] of Object.entries(values)) {
    const tag = await page.$eval(sel, (el) => el.tagName);
    if (tag === 'SELECT') await page.select(sel, value);
    else {
      await page.$eval(sel, (el) => ((el as HTMLInputElement).value = ''));
      await page.type(sel, value);
    }
  }
}

/** What a person sees: no i18n keys, no developer words in the Dutch UI. */
async function readsWell(page: Page, lang: 'nl' | 'en') {
  const text = await page.evaluate(() => document.querySelector('main')?.innerText ?? '');
  const keys = text.match(/\b(nav|common|auth|users|locations|dashboard|sync|exact|export|invoices|ledgers|payments|webhooks|customers|errors|validation|products)\.[a-z][a-zA-Z]+(\.[a-zA-Z_]+)*\b/g);
  expect([page.url(), keys]).toEqual([page.url(), null]);
  if (lang === 'nl') {
    const jargon = text.match(/\b(queued|intent|entry|SHA-256|sha256|token|GUID|endpoint|calls left|Healthy|undefined|null|NaN)\b|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi);
    expect([page.url(), jargon]).toEqual([page.url(), null]);
  }
}

/** The page is never wider than the screen (no horizontal scrolling). */
async function fitsScreen(page: Page) {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  expect([page.url(), scroll]).toEqual([page.url(), inner]);
}

/** Opens a page, checks it reads well and fits, and keeps a screenshot. */
async function visit(page: Page, path: string, name: string, lang: 'nl' | 'en') {
  await page.goto(`${base}${path}`);
  await settle(page);
  await readsWell(page, lang);
  await fitsScreen(page);
  const width = page.viewport()?.width ?? 0;
  await page.screenshot({ path: join(OUT, `${name}-${width}-${lang}.png`), fullPage: true });
}

async function shot(page: Page, name: string, lang: 'nl' | 'en') {
  await page.screenshot({ path: join(OUT, `${name}-${page.viewport()?.width ?? 0}-${lang}.png`), fullPage: true });
}

/** A mark in the page's window: still there later means the page was not reloaded. */
const mark = (page: Page) => page.evaluate(() => ((window as unknown as { journeyMark: number }).journeyMark = 42));
const stillSamePage = async (page: Page) => expect(await page.evaluate(() => (window as unknown as { journeyMark?: number }).journeyMark)).toBe(42);

const ids: Record<string, number> = {};

describe('(b) the admin\'s day', () => {
  it('sets up Koppel, connects Exact, adds two locations in two administrations, and sees imports land without reloading', async () => {
    const page = await tab(1280);
    await page.goto(`${base}/`);
    expect(page.url()).toBe(`${base}/setup`);
    await fill(page, { '#f-name': ADMIN.name, '#f-email': ADMIN.email, '#f-password': ADMIN.password, '#f-passwordRepeat': ADMIN.password });
    await submit(page, 'button[type=submit].primary');
    await readsWell(page, 'nl');
    await shot(page, 'b1-dashboard-new', 'nl');
    // a new installation: the open steps, and nothing pretends to be healthy
    expect(await page.$$eval('[data-step]', (els) => els.map((e) => e.getAttribute('data-step')))).toEqual(['dashboard.steps.locations', 'dashboard.steps.connect']);
    expect(await page.$eval('[data-connection]', (e) => e.getAttribute('data-connection'))).toBe('disconnected');

    // connect through Exact's consent page
    await page.goto(`${base}/settings/integrations/exact`);
    await settle(page);
    await submit(page, '#exact-status form[action$="/connect"] button').catch(() => undefined);
    expect(page.url()).toContain(`${x.sandbox.url}/api/oauth2/auth`);
    await page.click('#allow');
    await page.waitForFunction((url) => location.href === url && !!document.querySelector('#exact-status .badge-ok'), { timeout: 60_000 }, `${base}/settings/integrations/exact`);
    await settle(page);
    await readsWell(page, 'nl');
    await shot(page, 'b2-connected', 'nl');

    // from here in English: the language switch is remembered for the user
    await page.$eval('form[action="/language"] select, form[action="/language"] button[value="en"]', (el) => {
      if (el instanceof HTMLSelectElement) { el.value = 'en'; el.form?.requestSubmit(); } else (el as HTMLButtonElement).click();
    });
    await page.waitForFunction(() => document.documentElement.lang === 'en', { timeout: 30_000 });
    await settle(page);

    // two locations, by hand
    for (const [code, name, city, postcode] of [['UTR', 'Utrecht', 'Utrecht', '3511 AB'], ['RTM', 'Rotterdam', 'Rotterdam', '3011 AD']]) {
      await page.goto(`${base}/settings/locations/new`);
      await fill(page, { '#f-name': `Vestiging ${name}`, '#f-code': code, '#f-street': 'Stationsplein', '#f-houseNumber': '1', '#f-postcode': postcode, '#f-city': city });
      await settle(page);
      await submit(page, 'button[type=submit].primary');
      expect(page.url()).toBe(`${base}/settings/locations`);
      ids[code] = (await one<{ id: number }>('select id from locations where code = $1', [code])).id;
    }
    await readsWell(page, 'en');
    await shot(page, 'b3-locations', 'en');

    // each in its own administration: after saving, the journal choices appear by themselves once imported
    for (const [code, division] of [['UTR', D1], ['RTM', D2]] as const) {
      await page.goto(`${base}/settings/locations/${ids[code]}/exact`);
      await page.select('#f-exactDivision', String(division));
      await submit(page, 'button[type=submit].primary');
      await mark(page);
      await page.waitForFunction(() => document.querySelectorAll('#f-salesJournalCode option[value="70"]').length === 1, { timeout: 90_000 });
      await stillSamePage(page);
      await readsWell(page, 'en');
      await shot(page, `b4-location-${code}-journals`, 'en');
      await page.select('#f-salesJournalCode', '70');
      await submit(page, 'button[type=submit].primary');
      expect(await one('select exact_division, sales_journal_code from locations where id = $1', [ids[code]])).toEqual({ exact_division: division, sales_journal_code: '70' });
    }

    // ledgers of a third administration: imported from the page, the list fills in without a reload
    await page.goto(`${base}/accounting/journals?division=${D3}`);
    await settle(page);
    expect(await page.$$('#journal-list tbody tr')).toHaveLength(0);
    await mark(page);
    await page.$eval('form[action="/accounting/journals/import"] button', (b) => (b as HTMLButtonElement).click());
    await page.waitForFunction(() => document.querySelectorAll('#journal-list tbody tr').length > 5, { timeout: 90_000 });
    await stillSamePage(page);
    await readsWell(page, 'en');
    await shot(page, 'b5-journals-imported', 'en');

    // the GL accounts of the two administrations in use, imported from their page
    for (const division of [D1, D2]) {
      await page.goto(`${base}/accounting/gl-accounts?division=${division}`);
      await settle(page);
      await page.$eval('form[action="/accounting/gl-accounts/import"] button', (b) => (b as HTMLButtonElement).click());
      await page.waitForFunction(() => document.querySelector('#import-gl-accounts')?.getAttribute('data-status') === 'done', { timeout: 90_000 });
    }
    await page.goto(`${base}/accounting/gl-accounts?division=${D3}&status=linked`);
    await settle(page);
    expect(await page.$$('#gl-table tbody tr')).toHaveLength(0);
    await mark(page);
    await page.$eval('form[action="/accounting/gl-accounts/import"] button', (b) => (b as HTMLButtonElement).click());
    await page.waitForFunction(() => document.querySelectorAll('#gl-table tbody tr').length > 5, { timeout: 90_000 });
    await stillSamePage(page);
    await shot(page, 'b6-gl-imported', 'en');

    // the sync history says what started each run
    await page.goto(`${base}/sync/history`);
    await settle(page);
    const history = await page.evaluate(() => document.querySelector('main')?.innerText ?? '');
    expect(history).toContain('Location saved');
    expect(history).toContain('Import');
    await readsWell(page, 'en');

    // the dashboard: connected, the set-up done apart from the first invoice
    await visit(page, '/', 'b7-dashboard', 'en');
    expect(await page.$eval('[data-connection]', (e) => e.getAttribute('data-connection'))).toBe('connected');
    expect(await page.$$eval('[data-step]', (els) => els.map((e) => e.getAttribute('data-step')))).toEqual(['dashboard.steps.firstInvoice']);
    for (const path of ['/settings/integrations/exact', '/settings/integrations/exact/calls', '/sync', '/settings/users', '/accounting']) await visit(page, path, `b8${path.replace(/\//g, '-')}`, 'en');
    expect(page.errors).toEqual([]);
    await page.close();
  }, 400_000);

  it('reads the same pages well in Dutch on a phone', async () => {
    const page = await tab(390);
    await login(page, ADMIN);
    await page.$eval('form[action="/language"] select, form[action="/language"] button[value="nl"]', (el) => {
      if (el instanceof HTMLSelectElement) { el.value = 'nl'; el.form?.requestSubmit(); } else (el as HTMLButtonElement).click();
    });
    await page.waitForFunction(() => document.documentElement.lang === 'nl', { timeout: 30_000 });
    for (const path of ['/', '/settings/locations', `/settings/locations/${ids.UTR}/exact`, '/settings/integrations/exact', '/settings/integrations/exact/calls', '/sync', '/sync/history', `/accounting/journals?division=${D3}`, `/accounting/gl-accounts?division=${D1}`, '/accounting']) {
      await visit(page, path, `b9${path.replace(/[/?=&]/g, '-')}`, 'nl');
    }
    expect(page.errors).toEqual([]);
    await page.close();
  }, 300_000);
});

describe('(a) the accountant\'s day', () => {
  it('adds customers by hand and from Exact, invoices four product lines at two VAT rates with a discount, fixes a preflight problem, exports with PDF and sees payments', async () => {
    await t.createUser('accountant', ACCOUNTANT.email, ACCOUNTANT.password);
    const vat = async (name: string) => (await one<{ id: number }>('select id from vat_rate where name = $1', [name])).id;
    const [vat21, vat9] = [await vat('21 %'), await vat('9 %')];
    // the price list (products are maintained elsewhere; no GL account on them, so the location's default counts)
    for (const [code, name, price, rate] of [['ADV', 'Adviesuur', '95', vat21], ['BOEK', 'Handboek', '24.5', vat9], ['CUR', 'Cursusdag', '450', vat21], ['REIS', 'Reiskosten', '0.23', vat21]] as const) {
      ids[code] = (await one<{ id: number }>('insert into product (code, name, unit_price, vat_rate_id) values ($1, $2, $3, $4) returning id', [code, name, price, rate])).id;
    }
    const page = await tab(1280);
    await login(page, ACCOUNTANT);
    await readsWell(page, 'nl');
    await shot(page, 'a1-dashboard', 'nl');
    // an accountant sees no admin set-up steps
    expect(await page.$$eval('[data-step]', (els) => els.map((e) => e.getAttribute('data-step')))).toEqual(['dashboard.steps.firstInvoice']);

    // invoicing settings of the location: numbering (no default GL account yet)
    await page.goto(`${base}/settings/locations/${ids.UTR}/invoicing`);
    await fill(page, { '#f-nextNumber': '2026001' });
    await submit(page, 'form[action$="/invoicing"] button[type=submit].primary');

    // a customer by hand
    await page.goto(`${base}/customers/new`);
    await page.$eval('input[name=type][value=business]', (el) => (el as HTMLInputElement).click());
    await fill(page, { '#f-name': 'Bakkerij Journey B.V.', '#f-locationId': String(ids.UTR), '#f-street': 'Kerkstraat', '#f-houseNumber': '12', '#f-postcode': '1234 AB', '#f-city': 'Amersfoort' });
    await settle(page);
    await submit(page, 'form[action="/customers"] button[type=submit].primary');
    expect(page.url()).toMatch(/\/customers\/\d+$/);
    ids.customer = Number(page.url().split('/').pop());
    await readsWell(page, 'nl');
    await shot(page, 'a2-customer-by-hand', 'nl');

    // a customer from Exact: search as you type, import
    const { rows } = await x.control<{ rows: { Name: string; City?: string }[] }>(`data/${D1}/Accounts?limit=20`);
    const exactName = rows.map((r) => r.Name).find((n) => /^[A-Za-z]/.test(n) && n.length > 6)!;
    await page.goto(`${base}/customers/new`);
    await page.select('#s-location', String(ids.UTR));
    await page.type('#s-q', exactName.slice(0, 8));
    await page.$eval('form[action="/customers/exact-search"] button[type=submit]', (b) => (b as HTMLButtonElement).click());
    try {
      await page.waitForFunction((name) => [...document.querySelectorAll('#exact-results td')].some((td) => td.textContent?.trim() === name), { timeout: 60_000 }, exactName);
    } catch (e) {
      await shot(page, 'a3-exact-search-failed', 'nl');
      throw new Error(`no Exact search hit for ${exactName}: ${await page.evaluate(() => document.querySelector('#exact-results')?.textContent?.replace(/\s+/g, ' '))} (${(e as Error).message})`);
    }
    await shot(page, 'a3-exact-search', 'nl');
    const row = (await page.$$('#exact-results tr')).length;
    expect(row).toBeGreaterThan(1);
    await Promise.all([
      page.waitForNavigation({ timeout: 60_000 }),
      page.evaluate((name) => {
        const tr = [...document.querySelectorAll('#exact-results tr')].find((r) => [...r.querySelectorAll('td')].some((td) => td.textContent?.trim() === name))!;
        (tr.querySelector('button[value=business]') as HTMLButtonElement).click();
      }, exactName),
    ]);
    expect(page.url()).toMatch(/\/customers\/\d+$/);
    expect(await page.evaluate(() => document.querySelector('main')?.innerText ?? '')).toContain(exactName);

    // an invoice with four product lines at two VAT rates and a discount
    await page.goto(`${base}/invoices/new`);
    await settle(page);
    await page.select('#f-locationId', String(ids.UTR));
    await page.type('#f-customerQ', 'Bakkerij Journey');
    await page.waitForFunction((id) => !!document.querySelector(`#f-customerId option[value="${id}"]`), { timeout: 30_000 }, String(ids.customer));
    // the search answers after a 300 ms pause in typing and replaces the choices: wait for its last answer
    await page.waitForNetworkIdle({ idleTime: 1000, timeout: 30_000 });
    await page.select('#f-customerId', String(ids.customer));
    await settle(page);
    for (let i = 1; i <= 3; i++) {
      await page.click('#add-line');
      await page.waitForSelector(`#l${i}-product`, { timeout: 15_000 });
    }
    for (const [i, code, name] of [[0, 'ADV', 'Adviesuur'], [1, 'BOEK', 'Handboek'], [2, 'CUR', 'Cursusdag'], [3, 'REIS', 'Reiskosten']] as const) {
      await page.select(`#l${i}-product`, String(ids[code]));
      await page.waitForFunction((sel, want) => (document.querySelector(sel) as HTMLInputElement | null)?.value === want, { timeout: 15_000 }, `#l${i}-description`, name);
    }
    await fill(page, { '#l0-quantity': '3', '#l0-discount': '10', '#l3-quantity': '100' });
    await settle(page);
    // the form fits its card: nothing sticks out, no select is cut off
    const overflow = await page.evaluate(() => {
      const form = document.getElementById('invoice-form')!;
      const box = form.getBoundingClientRect();
      const out = [...form.querySelectorAll('input, select, button')].filter((el) => { const r = el.getBoundingClientRect(); return r.width > 0 && (r.right > box.right + 1 || r.left < box.left - 1); }).map((el) => el.id || el.getAttribute('name'));
      const cut = [...form.querySelectorAll('#lines-body select')].filter((el) => (el as HTMLSelectElement).getBoundingClientRect().width < 120).map((el) => el.id);
      return { out, cut, scroll: form.scrollWidth - form.clientWidth };
    });
    expect(overflow).toEqual({ out: [], cut: [], scroll: 0 });
    await fitsScreen(page);
    expect(await page.$eval('#f-customerId', (el) => (el as HTMLSelectElement).value)).toBe(String(ids.customer));
    await shot(page, 'a4-invoice-four-lines', 'nl');
    await submit(page, '#invoice-form button[type=submit]');
    if (!/\/invoices\/\d+$/.test(page.url())) throw new Error(`invoice not saved: ${await page.evaluate(() => [...document.querySelectorAll('.flash-error, .error')].map((e) => e.textContent?.trim()).filter(Boolean).join(' | '))}`);
    ids.invoice = Number(page.url().split('/').pop());
    // 256.50 + 24.50 + 450 + 23 = 754 net (the VAT per rate and its rounding are the invoice module's own tests)
    const saved = await one<{ net: string; vat: string; gross: string; status: string; lines: string }>('select net, vat, gross, status, (select count(*) from invoice_line where invoice_id = $1) as lines from invoice where id = $1', [ids.invoice]);
    expect([saved.net, saved.status, saved.lines]).toEqual(['754.00', 'draft', '4']);
    expect(Number(saved.gross)).toBeCloseTo(754 + Number(saved.vat), 2);
    expect(Number(saved.vat)).toBeGreaterThan(155);
    expect(Number(saved.vat)).toBeLessThan(155.5);

    // finalise; the export screen's preflight shows what Exact would refuse (no GL account), the accountant fixes it
    await page.goto(`${base}/invoices/${ids.invoice}/finalize`);
    await settle(page);
    // where the preflight refuses, the confirmation page lists the problems and offers no button
    if (await page.$('form[action$="/finalize"] button[type=submit]')) await submit(page, 'form[action$="/finalize"] button[type=submit]');
    else await shot(page, 'a5-finalize-refused', 'nl');
    await readsWell(page, 'nl');
    let inv = await one<{ status: string; number: string | null }>('select status, number from invoice where id = $1', [ids.invoice]);
    if (inv.status === 'draft') {
      // the preflight at "Definitief maken" refused it: the page says why
      expect(await page.evaluate(() => document.querySelector('main')?.innerText ?? '')).toMatch(/grootboekrekening/i);
    } else {
      await page.goto(`${base}/accounting/export`);
      await settle(page);
      expect(await page.evaluate(() => document.querySelector('#export-selection, main')?.textContent ?? '')).toMatch(/geen grootboekrekening/);
      await shot(page, 'a5-export-preflight-problem', 'nl');
    }
    const gl8000 = (await one<{ id: number }>(`select id from gl_account where number = '8000'`)).id;
    await page.goto(`${base}/settings/locations/${ids.UTR}/invoicing`);
    await page.select('#f-glAccountId', String(gl8000));
    await submit(page, 'form[action$="/invoicing"] button[type=submit].primary');
    inv = await one('select status, number from invoice where id = $1', [ids.invoice]);
    if (inv.status === 'draft') {
      await page.goto(`${base}/invoices/${ids.invoice}/finalize`);
      await submit(page, 'form[action$="/finalize"] button[type=submit]');
    }
    inv = await one('select status, number from invoice where id = $1', [ids.invoice]);
    expect(inv).toEqual({ status: 'final', number: '2026001' });

    // the dashboard lists it as ready for export
    await page.goto(`${base}/`);
    expect(await page.$$eval('[data-work]', (els) => els.map((e) => e.getAttribute('data-work')))).toEqual(['dashboard.work.ready']);

    // export with PDF: customers first, then the invoice
    await page.goto(`${base}/accounting/export`);
    await settle(page);
    expect(await page.$eval('input[name=includePdf]', (el) => (el as HTMLInputElement).checked)).toBe(true);
    await submit(page, 'button[name=action][value=all]');
    await page.waitForFunction(() => !document.querySelector('#run-status[hx-get]') && !!document.querySelector('#run-status'), { timeout: 120_000 });
    await settle(page);
    await readsWell(page, 'nl');
    await shot(page, 'a6-exported', 'nl');
    expect(await one('select state, exact_attachment_id is not null as pdf from invoice_export where invoice_id = $1', [ids.invoice])).toEqual({ state: 'exported', pdf: true });

    // a partial payment, then the rest, booked in Exact: visible on the invoice and in the list
    await x.control('simulate/payment', { division: D1, invoiceNumber: '2026001', amount: 400 });
    const open = (Number(saved.gross) - 400).toFixed(2);
    // the 15-minute payments job (webhooks need https, so they are off here), as often as it takes
    await waitFor(async () => {
      await t.app.get(SyncService).enqueue(D1, 'payments', 'schedule');
      return (await one<{ open: string }>('select open from invoice where id = $1', [ids.invoice])).open === open;
    }, 'partial payment seen', 90_000);
    await page.goto(`${base}/invoices/${ids.invoice}`);
    await settle(page);
    let text = await page.evaluate(() => document.querySelector('main')?.innerText ?? '');
    expect(text).toContain(open.replace('.', ','));
    await readsWell(page, 'nl');
    await shot(page, 'a7-partly-paid', 'nl');
    await x.control('simulate/payment', { division: D1, invoiceNumber: '2026001' });
    await waitFor(async () => {
      await t.app.get(SyncService).enqueue(D1, 'payments', 'schedule');
      return (await one<{ status: string }>('select status from invoice where id = $1', [ids.invoice])).status === 'paid';
    }, 'full payment seen', 90_000);
    await page.goto(`${base}/invoices`);
    await settle(page);
    text = await page.evaluate(() => document.querySelector('main')?.innerText ?? '');
    expect(text).toMatch(/Betaald/);
    await readsWell(page, 'nl');
    await shot(page, 'a8-paid', 'nl');
    // and the work list is empty again
    await visit(page, '/', 'a9-dashboard-done', 'nl');
    expect(await page.$$eval('[data-work]', (els) => els.map((e) => e.getAttribute('data-work')))).toEqual(['none']);
    expect(page.errors).toEqual([]);
    await page.close();
  }, 500_000);
});

describe('(c) the mistakes people make', () => {
  it('keeps what was typed when the session expired, and returns to the full page', async () => {
    const page = await tab(1280);
    await login(page, ACCOUNTANT);
    await page.goto(`${base}/customers/new`);
    await page.$eval('input[name=type][value=business]', (el) => (el as HTMLInputElement).click());
    await fill(page, { '#f-name': 'Slaapkop B.V.', '#f-street': 'Dorpsstraat', '#f-houseNumber': '3', '#f-postcode': '4321 BA', '#f-city': 'Zwolle' });
    await sql(t.db.url, 'delete from session'); // the night passes: the session is gone
    await submit(page, 'form[action="/customers"] button[type=submit].primary');
    expect(page.url()).toContain('/login?next=%2Fcustomers%2Fnew&expired=1');
    expect(await page.evaluate(() => document.querySelector('main')?.innerText ?? '')).toContain('Uw sessie was verlopen');
    await shot(page, 'c1-session-expired', 'nl');
    await page.type('#f-email', ACCOUNTANT.email);
    await page.type('#f-password', ACCOUNTANT.password);
    await submit(page, 'button[type=submit].primary');
    expect(page.url()).toBe(`${base}/customers/new`);
    await page.waitForSelector('form[data-restored="true"]', { timeout: 15_000 });
    expect(await page.$eval('#f-name', (el) => (el as HTMLInputElement).value)).toBe('Slaapkop B.V.');
    expect(await page.$eval('#f-city', (el) => (el as HTMLInputElement).value)).toBe('Zwolle');
    expect(await page.$eval('input[name=type][value=business]', (el) => (el as HTMLInputElement).checked)).toBe(true);
    await shot(page, 'c2-form-restored', 'nl');
    await submit(page, 'form[action="/customers"] button[type=submit].primary');
    expect(page.url()).toMatch(/\/customers\/\d+$/);
    expect(await db("select name from customers where name = 'Slaapkop B.V.'")).toHaveLength(1);

    // an htmx action after the session expired: after logging in, the full page, never a bare fragment
    await page.goto(`${base}/accounting/journals?division=${D1}`);
    await settle(page);
    await sql(t.db.url, 'delete from session');
    await Promise.all([page.waitForNavigation({ timeout: 30_000 }), page.$eval('form[action="/accounting/journals/import"] button', (b) => (b as HTMLButtonElement).click())]);
    expect(page.url()).toContain(`/login?next=${encodeURIComponent(`/accounting/journals?division=${D1}`)}`);
    await page.type('#f-email', ACCOUNTANT.email);
    await page.type('#f-password', ACCOUNTANT.password);
    await submit(page, 'button[type=submit].primary');
    expect(page.url()).toBe(`${base}/accounting/journals?division=${D1}`);
    expect(await page.$('header.topbar')).not.toBeNull();
    expect(await page.$('link[href="/css/app.css"]')).not.toBeNull();
    expect(page.errors).toEqual([]);
    await page.close();
  }, 200_000);

  it('never scrolls sideways on a phone, in Dutch and English, and shows total, open and status in the invoice list', async () => {
    const page = await tab(390);
    await login(page, ACCOUNTANT);
    for (const lang of ['nl', 'en'] as const) {
      if ((await page.evaluate(() => document.documentElement.lang)) !== lang) {
        await page.$eval(`form[action="/language"] button[value="${lang}"]`, (b) => (b as HTMLButtonElement).click());
        await page.waitForFunction((l) => document.documentElement.lang === l, { timeout: 30_000 }, lang);
      }
      for (const path of ['/', '/customers', '/customers/new', `/customers/${ids.customer}`, '/invoices', '/invoices/new', `/invoices/${ids.invoice}`, '/accounting/export', '/accounting', `/accounting/vat?division=${D1}`, '/settings/locations', `/settings/locations/${ids.UTR}/invoicing`, '/sync']) {
        await visit(page, path, `c3${path.replace(/[/?=&]/g, '-')}`, lang);
      }
      await page.goto(`${base}/invoices`);
      await settle(page);
      const row = await page.$eval(`tr[data-invoice="${ids.invoice}"]`, (tr) => {
        const visible = (sel: string) => { const el = tr.querySelector(sel) as HTMLElement | null; const r = el?.getBoundingClientRect(); return !!r && r.width > 0 && r.right <= window.innerWidth; };
        return { total: visible('[data-col="total"]'), open: visible('[data-col="open"]'), status: visible('[data-col="status"]') };
      });
      expect(row).toEqual({ total: true, open: true, status: true });
    }
    expect(page.errors).toEqual([]);
    await page.close();
  }, 300_000);
});
