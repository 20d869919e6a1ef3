// npm run bench -- pdf [count]
// PDFs per second and memory with one shared Chromium: 30-line invoices through the real renderer
// (views/pdf/invoice.hbs, Puppeteer), rendered as the app does (at most 2 at once).
// Baseline in the same run (raw_pdfs_per_s): bare Puppeteer page.setContent + page.pdf of the same HTML with the
// same PDF options, on the same Chromium, by the same 4 concurrent callers (each with its own page).
import 'reflect-metadata';

const dist = (p) => new URL(`../dist/src/${p}`, import.meta.url).href;

export default async function run(args) {
  const count = Number(args[0] ?? 200);
  const { PdfRenderer, pdfOptions } = await import(dist('modules/invoices/pdf/pdf-renderer.service.js'));
  const { translator } = await import(dist('common/i18n/i18n.js'));
  const { invoicePdfModel } = await import(dist('modules/invoices/pdf/invoice-pdf.model.js'));
  const { loadConfig } = await import(dist('config/config.js'));
  const renderer = new PdfRenderer(loadConfig({}));
  const model = (i) =>
    invoicePdfModel({
      lang: i % 2 ? 'en' : 'nl',
      location: { name: 'Vestiging Utrecht', street: 'Oudegracht', houseNumber: '12', postcode: '3511 AB', city: 'Utrecht', country: 'NL', vatNumber: 'NL858812345B01' },
      customer: { name: `Klant ${i} B.V.`, number: `K-${i}`, street: 'Markt', houseNumber: String(i), postcode: '1234 AB', city: 'Zwolle', country: 'NL' },
      number: `2026-${String(i).padStart(5, '0')}`,
      invoiceDate: new Date('2026-11-20T00:00:00Z'),
      dueDate: new Date('2026-12-20T00:00:00Z'),
      paymentReference: `UTR-${i}`,
      isCredit: false,
      lines: Array.from({ length: 30 }, (_, l) => ({ description: `Regel ${l + 1}: werkzaamheden en materiaal`, quantity: String((l % 5) + 1), unitPrice: `${(l * 7.35 + 12).toFixed(2)}`, discountPercent: l % 10 === 0 ? '5' : undefined, vatPercentage: l % 4 === 0 ? '9' : '21', vatRateId: l % 4 === 0 ? 'low' : 'high' })),
    }).model;
  try {
    await renderer.render('invoice', model(0), 'nl'); // warm-up: launches (and on first use unpacks) Chromium
    let peakRss = process.memoryUsage().rss;
    const t0 = performance.now();
    let bytes = 0;
    await Promise.all(
      Array.from({ length: 4 }, async (_, w) => {
        for (let i = w; i < count; i += 4) {
          const pdf = await renderer.render('invoice', model(i), i % 2 ? 'en' : 'nl');
          bytes += pdf.length;
          peakRss = Math.max(peakRss, process.memoryUsage().rss);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    // the browser's own memory counts too: add Chromium's processes (RSS from /proc), measured while it runs
    const browserRss = await chromiumRss();
    console.error(`${count} PDFs in ${seconds.toFixed(2)} s, ${(bytes / count / 1024).toFixed(0)} KiB each`);

    // baseline: the same HTML (made before the clock starts), bare Puppeteer on the same browser, same 4 callers
    const lang = (i) => (i % 2 ? 'en' : 'nl');
    const html = await Promise.all(Array.from({ length: count }, (_, i) => renderer.html('invoice', model(i), lang(i))));
    const browser = await renderer.browserForBench();
    const pages = await Promise.all(Array.from({ length: 4 }, async () => {
      const page = await browser.newPage();
      await page.setJavaScriptEnabled(false);
      await page.setContent(html[0], { waitUntil: 'load' }); // warm-up, not counted
      await page.pdf(pdfOptions('', 'Pagina'));
      return page;
    }));
    const r0 = performance.now();
    let rawBytes = 0;
    await Promise.all(pages.map(async (page, w) => {
      for (let i = w; i < count; i += 4) {
        await page.setContent(html[i], { waitUntil: 'load' });
        const pdf = await page.pdf(pdfOptions('', translator(lang(i))('invoices.pdf.page')));
        rawBytes += pdf.length;
      }
    }));
    const rawSeconds = (performance.now() - r0) / 1000;
    await Promise.all(pages.map((p) => p.close()));
    console.error(`baseline (bare Puppeteer, same HTML and browser): ${count} PDFs in ${rawSeconds.toFixed(2)} s, ${(rawBytes / count / 1024).toFixed(0)} KiB each`);
    return {
      bench: 'pdf', pdfs: count, pdfs_per_s: Number((count / seconds).toFixed(1)), raw_pdfs_per_s: Number((count / rawSeconds).toFixed(1)),
      rss_mb: Math.round((peakRss + browserRss) / 1048576), node_rss_mb: Math.round(peakRss / 1048576), chromium_rss_mb: Math.round(browserRss / 1048576),
    };
  } finally {
    await renderer.onApplicationShutdown();
  }
}

/** Resident memory of the Chromium processes started by this process (descendants of our pid). */
async function chromiumRss() {
  const { readdirSync, readFileSync } = await import('node:fs');
  const parent = new Map();
  const rss = new Map();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      parent.set(Number(pid), Number(status.match(/PPid:\s+(\d+)/)?.[1]));
      rss.set(Number(pid), Number(status.match(/VmRSS:\s+(\d+) kB/)?.[1] ?? 0) * 1024);
    } catch {
      /* gone */
    }
  }
  const isOurs = (pid) => {
    for (let p = parent.get(pid); p; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  };
  let total = 0;
  for (const [pid, bytes] of rss) if (isOurs(pid)) total += bytes;
  return total;
}
