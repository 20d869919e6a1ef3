import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'puppeteer-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/app.js';
import { startExactSandbox, type ExactTestEnv } from '../support/exact.js';
import { launchChromium } from '../../src/common/chromium.js';
import { freePort } from '../../src/common/net.js';
import { projectRoot } from '../../src/common/paths.js';

let x: ExactTestEnv;
let t: TestApp;
let browser: Browser;
let base: string;

beforeAll(async () => {
  x = await startExactSandbox();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const client = await x.control<{ clientId: string; clientSecret: string; webhookSecret: string }>('clients', { redirectUri: `${base}/settings/integrations/exact/callback` });
  t = await startTestApp({ ...x.env, EXACT_CLIENT_ID: client.clientId, EXACT_CLIENT_SECRET: client.clientSecret, PUBLIC_BASE_URL: base });
  await t.app.listen(port, '127.0.0.1');
  await t.createUser('admin', 'exact-admin@example.com', 'exact-admin-password');
  browser = await launchChromium(process.env.CHROME_PATH);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await x?.close();
});

describe('connecting Exact Online in a real browser', () => {
  it('goes through the consent page and comes back connected', async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(`${base}/login`);
    await page.type('#f-email', 'exact-admin@example.com');
    await page.type('#f-password', 'exact-admin-password');
    await page.waitForNetworkIdle({ idleTime: 200 });
    await Promise.all([page.waitForNavigation(), page.$eval('button[type=submit].primary', (b) => (b as HTMLButtonElement).click())]);
    await page.goto(`${base}/settings/integrations/exact`);
    await page.waitForNetworkIdle({ idleTime: 200 });
    await Promise.all([page.waitForNavigation(), page.$eval('#exact-status form[action$="/connect"] button', (b) => (b as HTMLButtonElement).click())]);
    expect(page.url()).toContain(`${x.sandbox.url}/api/oauth2/auth`);
    await page.click('#allow');
    // back through Koppel's callback (which reads the user and divisions from Exact) to the integration page
    try {
      await page.waitForFunction((url) => location.href === url && !!document.querySelector('#exact-status .badge-ok'), { timeout: 45_000 }, `${base}/settings/integrations/exact`);
    } catch (e) {
      const text = await page.evaluate(() => document.body?.innerText ?? '').catch(() => '?');
      throw new Error(`did not come back connected: at ${page.url()}: ${text.replace(/\s+/g, ' ').slice(0, 600)} (${(e as Error).message})`);
    }
    // the confirmation, shown once (its save completes before the redirect is sent: flash-redirect.e2e-spec.ts)
    const messages = await page.$$eval('#flash .flash', (els) => els.map((e) => e.className + ' ' + e.textContent));
    expect(messages).toEqual([expect.stringMatching(/^flash flash-success .*Exact Online is gekoppeld/)]);
    const html = await page.content();
    expect(html).toContain('Gekoppeld');
    expect(html).toContain('Van Dijk Installatietechniek');
    mkdirSync(join(projectRoot, 'test', 'artifacts'), { recursive: true });
    await page.screenshot({ path: join(projectRoot, 'test', 'artifacts', 'exact-connected.png'), fullPage: true });
  }, 90_000);
});
