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
  await Promise.all([page.waitForNavigation({ timeout: 60_000 }), page.$eval(selector, (b) => (b as HTMLButtonElement).click())]);
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
