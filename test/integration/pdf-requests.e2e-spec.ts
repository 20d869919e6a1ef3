import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config/config.js';
import { PdfRenderer } from '../../src/modules/invoices/pdf/pdf-renderer.service.js';

// A real Chromium renders HTML that tries to reach a local server in every way a page can; the server counts hits.
let probe: Server;
let hits: string[] = [];
let base = '';
let renderer: PdfRenderer;

beforeAll(async () => {
  probe = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(200, { 'Content-Type': 'text/css' }).end('body{color:red}');
  });
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  renderer = new PdfRenderer(loadConfig({ NODE_ENV: 'test' }));
});
afterAll(async () => {
  await renderer?.onApplicationShutdown();
  await new Promise((r) => probe?.close(r));
});

const renderHtml = (html: string) => (renderer as unknown as { pdf(h: string, f: string, p: string): Promise<Buffer> }).pdf(html, '', 'Page');

describe('the PDF page makes no requests', () => {
  it('blocks images, styles, fonts, frames and imports; inline data: still renders', async () => {
    hits = [];
    const dot = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const pdf = await renderHtml(`<!doctype html><html><head>
      <link rel="stylesheet" href="${base}/style.css">
      <style>@import url("${base}/import.css"); @font-face { font-family: x; src: url("${base}/font.woff"); } body { font-family: x; background: url("${base}/bg.png"); }</style>
      </head><body><p>Factuur</p>
      <img src="${base}/img.png"><img src="${dot}">
      <iframe src="${base}/frame.html"></iframe><object data="${base}/obj"></object>
      <video poster="${base}/poster.png"></video>
      </body></html>`);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(hits).toEqual([]);
  });

  it('keeps blocking on a reused page', async () => {
    hits = [];
    for (let i = 0; i < 3; i++) await renderHtml(`<img src="${base}/again-${i}.png">`);
    expect(hits).toEqual([]);
  });
});
