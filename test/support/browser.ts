import type { Browser, Page } from 'puppeteer-core';
import type { TestApp } from './app.js';
import { launchChromium } from '../../src/common/chromium.js';

/**
 * A real Chromium logged in to the test app as `who`: the app listens on a free port, the page has logged in through
 * the login form and collects page errors. Close `browser` when done.
 */
export async function browserLoggedIn(t: TestApp, who: { email: string; password: string }, width = 1280): Promise<{ browser: Browser; page: Page; base: string; errors: string[] }> {
  await t.app.listen(0, '127.0.0.1');
  const base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
  const browser = await launchChromium(process.env.CHROME_PATH);
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.setViewport({ width, height: 900 });
  await page.goto(`${base}/login`);
  await page.type('#f-email', who.email);
  await page.type('#f-password', who.password);
  await Promise.all([page.waitForNavigation(), page.$eval('button[type=submit].primary', (b) => (b as HTMLButtonElement).click())]);
  return { browser, page, base, errors };
}
