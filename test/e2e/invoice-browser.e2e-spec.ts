import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'puppeteer-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/app.js';
import { sql } from '../support/sync.js';
import { launchChromium } from '../../src/common/chromium.js';
import { projectRoot } from '../../src/common/paths.js';

/** The invoice form as an accountant uses it, in real Chromium: several product lines, search as you type. */
let t: TestApp;
let browser: Browser;
let base: string;
const ids: Record<string, number> = {};
const db = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(t.db.url, text, params);
const one = async <T = Record<string, unknown>>(text: string, params: unknown[] = []) => (await db<T>(text, params))[0];
const artifacts = join(projectRoot, 'test', 'artifacts');

beforeAll(async () => {
  t = await startTestApp();
  await t.app.listen(0, '127.0.0.1');
  base = await t.app.getUrl();
  await t.createUser('accountant', 'form-accountant@example.com', 'form-accountant-password');
  ids.loc = (await one<{ id: number }>(`insert into locations (name, code, street, house_number, postcode, city, country) values ('Amsterdam', 'AMS', 'Damrak', '1', '1012 LG', 'Amsterdam', 'NL') returning id`)).id;
  ids.customer = (await one<{ id: number }>(`insert into customers (number, type, name, street, house_number, postcode, city, country) values ('1001', 'business', 'Bakkerij Zoet', 'Kerkstraat', '12', '1234 AB', 'Amersfoort', 'NL') returning id`)).id;
  for (let i = 0; i < 30; i++) await db(`insert into customers (number, type, name, city, country) values ($1, 'business', $2, 'Utrecht', 'NL')`, [String(2000 + i), `Aannemer ${String(i).padStart(2, '0')}`]);
  ids.vat21 = (await one<{ id: number }>(`select id from vat_rate where name = '21 %'`)).id;
  ids.vat9 = (await one<{ id: number }>(`select id from vat_rate where name = '9 %'`)).id;
  const product = async (code: string, name: string, price: string, vat: number) =>
    (await one<{ id: number }>(`insert into product (code, name, unit_price, vat_rate_id) values ($1, $2, $3, $4) returning id`, [code, name, price, vat])).id;
  ids.advies = await product('ADV', 'Adviesuur', '95', ids.vat21);
  ids.boek = await product('BOEK', 'Handboek', '24.5', ids.vat9);
  ids.cursus = await product('CUR', 'Cursusdag', '450', ids.vat21);
  ids.reis = await product('REIS', 'Reiskosten', '0.23', ids.vat21);
  browser = await launchChromium(process.env.CHROME_PATH);
  mkdirSync(artifacts, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function loggedIn(): Promise<Page> {
  // a context of its own: no cookies of an earlier test (a logged-in session would skip the login page)
  const page = await (await browser.createBrowserContext()).newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(`${base}/login`);
  await page.type('#f-email', 'form-accountant@example.com');
  await page.type('#f-password', 'form-accountant-password');
  await Promise.all([page.waitForNavigation(), page.$eval('button[type=submit].primary', (b) => (b as HTMLButtonElement).click())]);
  return page;
}

/** Picks a product on line i and waits until htmx has put that row back with the product's description. */
async function pickProduct(page: Page, i: number, productId: number, name: string) {
  await page.select(`#l${i}-product`, String(productId));
  await page.waitForFunction((sel, want) => (document.querySelector(sel) as HTMLInputElement | null)?.value === want, { timeout: 15_000 }, `#l${i}-description`, name);
}

describe('new invoice in a real browser', () => {
  it('picks products on lines 1–4 (each row keeps its own product), saves, and stores four distinct lines', async () => {
    const page = await loggedIn();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${base}/invoices/new`);
    await page.waitForSelector('#f-customerId');
    await page.select('#f-customerId', String(ids.customer));
    for (let i = 1; i <= 3; i++) {
      await page.click('#add-line');
      await page.waitForSelector(`#l${i}-product`, { timeout: 15_000 });
    }
    const picks: [number, number, string][] = [
      [0, ids.advies, 'Adviesuur'],
      [1, ids.boek, 'Handboek'],
      [2, ids.cursus, 'Cursusdag'],
      [3, ids.reis, 'Reiskosten'],
    ];
    for (const [i, id, name] of picks) await pickProduct(page, i, id, name);
    // every row still shows its own product, under its own index
    const rows = await page.$$eval('#lines-body tr', (trs) => trs.map((tr) => ({ id: tr.id, description: (tr.querySelector('input[name$="[description]"]') as HTMLInputElement).value })));
    expect(rows).toEqual([
      { id: 'line-0', description: 'Adviesuur' },
      { id: 'line-1', description: 'Handboek' },
      { id: 'line-2', description: 'Cursusdag' },
      { id: 'line-3', description: 'Reiskosten' },
    ]);
    await page.$eval('#l0-quantity', (el) => ((el as HTMLInputElement).value = ''));
    await page.type('#l0-quantity', '3');
    await page.$eval('#l3-quantity', (el) => ((el as HTMLInputElement).value = ''));
    await page.type('#l3-quantity', '100');
    await page.type('#l2-discount', '0'); // "0" typed after the "0" already there: 00 is still 0
    await page.screenshot({ path: join(artifacts, 'invoice-four-product-lines.png'), fullPage: true });
    await Promise.all([page.waitForNavigation(), page.$eval('#invoice-form button[type=submit]', (b) => (b as HTMLButtonElement).click())]);
    expect(page.url()).toMatch(new RegExp(`^${base}/invoices/\\d+$`));
    const invoiceId = Number(page.url().split('/').pop());
    const lines = await db<{ description: string; quantity: string; unit_price: string; product_id: number; vat_rate_id: number }>(
      'select description, quantity, unit_price, product_id, vat_rate_id from invoice_line where invoice_id = $1 order by position',
      [invoiceId],
    );
    expect(lines.map((l) => [l.description, Number(l.quantity), Number(l.unit_price), l.product_id, l.vat_rate_id])).toEqual([
      ['Adviesuur', 3, 95, ids.advies, ids.vat21],
      ['Handboek', 1, 24.5, ids.boek, ids.vat9],
      ['Cursusdag', 1, 450, ids.cursus, ids.vat21],
      ['Reiskosten', 100, 0.23, ids.reis, ids.vat21],
    ]);
    // 285 + 24.50 + 450 + 23 = 782.50 net; VAT 21 % on 758 = 159.18, 9 % on 24.50 = 2.21
    expect(await one('select net, vat, gross from invoice where id = $1', [invoiceId])).toEqual({ net: '782.50', vat: '161.39', gross: '943.89' });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
