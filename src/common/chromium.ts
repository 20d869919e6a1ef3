import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';

/** Flags for a headless Chromium on a server as root with no outside network (see platform notes). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--font-render-hinting=none',
];

/** CHROME_PATH, else Debian's /usr/bin/chromium, else the Chromium shipped in @sparticuz/chromium. */
export async function resolveChromePath(chromePath?: string): Promise<string> {
  if (chromePath) return chromePath;
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(p)) return p;
  const { default: chromium } = await import('@sparticuz/chromium');
  return chromium.executablePath();
}

export async function launchChromium(chromePath?: string): Promise<Browser> {
  return puppeteer.launch({ executablePath: await resolveChromePath(chromePath), headless: true, args: CHROMIUM_ARGS });
}
