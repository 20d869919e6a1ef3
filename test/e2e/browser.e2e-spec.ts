import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'puppeteer-core';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/app.js';
import { launchChromium } from '../../src/common/chromium.js';
import { projectRoot } from '../../src/common/paths.js';

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
});
