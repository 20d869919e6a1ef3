import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { Browser, Page, PDFOptions } from 'puppeteer-core';
import { join } from 'node:path';
import { APP_CONFIG, type AppConfig } from '../../../config/config.js';
import { launchChromium } from '../../../common/chromium.js';
import { createViewEngine, VIEWS_DIR } from '../../../common/views.js';
import { translator, type Lang } from '../../../common/i18n/i18n.js';
import { DomainError } from '../../../common/errors.js';

export class PdfRenderError extends DomainError {
  constructor(message: string) {
    super('pdf_failed', message, 500, 'invoices.pdf.failed');
  }
}

const RENDER_TIMEOUT_MS = 30_000;
const MAX_PARALLEL = 2;
const MAX_IDLE_PAGES = 2;

/**
 * HTML → A4 PDF in one shared Chromium for the whole process: launched on first use, pages reused,
 * a timeout per render, relaunched after a crash, closed on shutdown.
 */
@Injectable()
export class PdfRenderer implements OnApplicationShutdown {
  private readonly logger = new Logger('PdfRenderer');
  private readonly hbs = createViewEngine();
  private browser?: Promise<Browser>;
  private idle: Page[] = [];
  private running = 0;
  private waiting: (() => void)[] = [];
  private closed = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Renders views/pdf/<template>.hbs with the model (and t/lang for the helpers) into a PDF. */
  async render(template: string, model: Record<string, unknown>, lang: Lang, footer?: { left: string }): Promise<Buffer> {
    return this.pdf(await this.html(template, model, lang), footer?.left ?? '', translator(lang)('invoices.pdf.page'));
  }

  /** The HTML a PDF is printed from (also used by the pdf bench's bare-Puppeteer baseline). */
  html(template: string, model: Record<string, unknown>, lang: Lang): Promise<string> {
    return this.hbs.render(join(VIEWS_DIR, 'pdf', `${template}.hbs`), { ...model, t: translator(lang), lang }, { layout: false } as never);
  }

  /** The shared Chromium (launched on first use); for the pdf bench's baseline on the same browser. */
  browserForBench(): Promise<Browser> {
    return this.launch();
  }

  private async slot(): Promise<void> {
    if (this.running < MAX_PARALLEL) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
  }

  private release(): void {
    this.running--;
    this.waiting.shift()?.();
  }

  private launch(): Promise<Browser> {
    if (this.closed) throw new PdfRenderError('The PDF renderer is shut down');
    this.browser ??= launchChromium(this.config.chromePath).then((b) => {
      b.on('disconnected', () => {
        if (!this.closed) this.logger.warn('Chromium went away; it is started again on the next PDF');
        this.browser = undefined;
        this.idle = [];
      });
      return b;
    }, (e) => {
      this.browser = undefined;
      throw new PdfRenderError(`Chromium could not be started: ${(e as Error).message}. Set CHROME_PATH to a Chromium or Chrome binary.`);
    });
    return this.browser;
  }

  private async page(): Promise<Page> {
    const browser = await this.launch();
    const page = this.idle.pop();
    if (page && !page.isClosed()) return page;
    const fresh = await browser.newPage();
    await fresh.setJavaScriptEnabled(false);
    // the PDF is made from our own HTML only: every request the page makes (images, fonts, styles, frames,
    // redirects) is blocked unless it is inline (data:) or about:blank
    await fresh.setRequestInterception(true);
    fresh.on('request', (request) => {
      if (request.isInterceptResolutionHandled()) return;
      const url = request.url();
      if (url.startsWith('data:') || url.startsWith('about:')) void request.continue().catch(() => undefined);
      else void request.abort('blockedbyclient').catch(() => undefined);
    });
    return fresh;
  }

  private async pdf(html: string, footerLeft: string, pageWord: string): Promise<Buffer> {
    await this.slot();
    let page: Page | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      page = await this.page();
      const p = page;
      const work = (async () => {
        await p.setContent(html, { waitUntil: 'load' });
        return p.pdf(pdfOptions(footerLeft, pageWord));
      })();
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new PdfRenderError(`PDF rendering took longer than ${RENDER_TIMEOUT_MS / 1000} s`)), RENDER_TIMEOUT_MS);
      });
      const bytes = await Promise.race([work, timeout]);
      if (this.idle.length < MAX_IDLE_PAGES) this.idle.push(p);
      else await p.close();
      page = undefined;
      return Buffer.from(bytes);
    } catch (e) {
      if (page) await page.close().catch(() => undefined); // a page that failed is never reused
      if (e instanceof PdfRenderError) throw e;
      throw new PdfRenderError(`PDF rendering failed: ${(e as Error).message}`);
    } finally {
      if (timer) clearTimeout(timer);
      this.release();
    }
  }

  /** For tests: simulate a crash. */
  async crashForTest(): Promise<void> {
    const b = await this.browser;
    b?.process()?.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const b = this.browser;
    this.browser = undefined;
    if (b) await (await b.catch(() => undefined))?.close().catch(() => undefined);
  }
}

/** Page format, margins and the footer (location · number, page x / y) of every PDF. */
export function pdfOptions(footerLeft: string, pageWord: string): PDFOptions {
  return {
    format: 'A4',
    printBackground: true,
    margin: { top: '18mm', bottom: '20mm', left: '16mm', right: '16mm' },
    displayHeaderFooter: true,
    headerTemplate: '<span></span>',
    footerTemplate: `<div style="font-size:8px;width:100%;padding:0 16mm;display:flex;justify-content:space-between;color:#666;font-family:sans-serif"><span>${escapeHtml(footerLeft)}</span><span>${escapeHtml(pageWord)} <span class="pageNumber"></span> / <span class="totalPages"></span></span></div>`,
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
