import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'puppeteer-core';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/app.js';
import { launchChromium } from '../../src/common/chromium.js';
import { projectRoot } from '../../src/common/paths.js';
import { CustomersService } from '../../src/modules/customers/customers.service.js';
import { sql } from '../support/sync.js';
import { MikroORM, RequestContext } from '@mikro-orm/postgresql';

let t: TestApp;
let browser: Browser;
let base: string;

beforeAll(async () => {
  t = await startTestApp();
  await t.app.listen(0, '127.0.0.1');
  base = await t.app.getUrl();
  browser = await launchChromium(process.env.CHROME_PATH);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('in a real browser', () => {
  it('creates the first admin, logs in, adds a location with inline validation, and shows the locations page', async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

    await page.goto(`${base}/`);
    expect(page.url()).toBe(`${base}/setup`);
    await page.type('#f-name', 'Browser Admin');
    await page.type('#f-email', 'browser@example.com');
    await page.type('#f-password', 'browser-password-1');
    await page.type('#f-passwordRepeat', 'browser-password-1');
    await page.waitForNetworkIdle({ idleTime: 200 });
    await Promise.all([page.waitForNavigation(), page.$eval('button[type=submit].primary', (b) => (b as HTMLButtonElement).click())]);
    expect(await page.content()).toContain('Browser Admin');

    await page.goto(`${base}/settings/locations/new`);
    await page.type('#f-postcode', '12');
    await page.focus('#f-city'); // blur → htmx validates the postcode inline with the CSRF header
    await page.waitForFunction(() => document.querySelector('#err-postcode')?.textContent?.includes('postcode'), { timeout: 10_000 });
    await page.$eval('#f-postcode', (el) => ((el as HTMLInputElement).value = ''));
    for (const [sel, val] of [['#f-name', 'Vestiging Gent'], ['#f-code', 'GNT'], ['#f-street', 'Korenmarkt'], ['#f-houseNumber', '1'], ['#f-postcode', '9000'], ['#f-city', 'Gent'], ['#f-vatNumber', 'BE0123456789']]) {
      await page.type(sel, val);
    }
    await page.select('#f-country', 'BE');
    await page.waitForNetworkIdle({ idleTime: 200 });
    await Promise.all([page.waitForNavigation(), page.$eval('button[type=submit].primary', (b) => (b as HTMLButtonElement).click())]);
    expect(page.url()).toBe(`${base}/settings/locations`);
    const html = await page.content();
    expect(html).toContain('Vestiging Gent');
    expect(html).toContain('Locatie Vestiging Gent is aangemaakt.');

    mkdirSync(join(projectRoot, 'test', 'artifacts'), { recursive: true });
    const file = join(projectRoot, 'test', 'artifacts', 'locations.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).toBeGreaterThan(10_000);
    expect(errors).toEqual([]);
  });

  it('filters the customer list as you type, without a click and without reloading the page', async () => {
    const [{ id: locationId }] = await sql<{ id: number }>(t.db.url, `select id from locations where name = 'Vestiging Gent'`);
    const address = { street: 'Kerkstraat', houseNumber: '12', postcode: '1234 AB', city: 'Amersfoort', country: 'NL' };
    for (const name of ['Bakkerij Zoet', 'Garage Snel', 'Bakkerij Brood & Co']) {
      await RequestContext.create(t.app.get(MikroORM).em, () => t.app.get(CustomersService).create({ type: 'business', name, ...address, locationId: String(locationId) }));
    }
    const page = await browser.newPage();
    await page.setViewport({ width: 390, height: 800 });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${base}/customers`);
    const rows = () => page.$$eval('#customers-table tbody tr', (trs) => trs.map((tr) => tr.textContent?.replace(/\s+/g, ' ').trim() ?? ''));
    expect((await rows()).length).toBe(3);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42)); // gone if the page reloads
    await page.type('#q', 'bakker');
    await page.waitForFunction(() => document.querySelectorAll('#customers-table tbody tr').length === 2, { timeout: 30_000 });
    const found = await rows();
    expect(found.some((r) => r.includes('Bakkerij Zoet'))).toBe(true);
    expect(found.some((r) => r.includes('Bakkerij Brood & Co'))).toBe(true);
    expect(found.some((r) => r.includes('Garage Snel'))).toBe(false);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    await page.waitForFunction(() => location.search.includes('q=bakker'), { timeout: 30_000 }); // the address keeps the search

    // the same on the locations list (every list's search box works this way)
    await page.goto(`${base}/settings/locations`);
    expect(await page.$eval('#locations-table', (el) => el.textContent)).toContain('Vestiging Gent');
    await page.type('#q', 'zzz');
    await page.waitForFunction(() => !document.querySelector('#locations-table')?.textContent?.includes('Vestiging Gent'), { timeout: 30_000 });
    expect(errors).toEqual([]);
  });
});
