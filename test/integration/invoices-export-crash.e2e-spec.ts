import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/app.js';
import { connectExact, startExactSandbox, type ExactTestEnv } from '../support/exact.js';
import { sql, SYNC_TEST_ENV } from '../support/sync.js';
import { attachmentSha, D1, finalInvoice, importLedgers, invoicingFixture, type InvoicingFixture } from '../support/invoices.js';
import { projectRoot } from '../../src/common/paths.js';

// "Export 200 invoices and kill the Koppel process at random moments (several times), restart, finish:
// every invoice is in Exact exactly once, with its PDF." Real OS processes of the built app (npm test builds).
const COUNT = 200;
let x: ExactTestEnv;
let t: TestApp;
let fx: InvoicingFixture;
const invoices: { id: number; number: string; sha256: string }[] = [];

beforeAll(async () => {
  x = await startExactSandbox();
  await x.control('limits', { minutely: 100000, daily: 1000000 });
  t = await startTestApp({ ...x.env, ...SYNC_TEST_ENV });
  const a = await t.createUser('admin');
  await connectExact(x, await t.login(a.email, a.password), 'all');
  await importLedgers(t, D1);
  fx = await invoicingFixture(t, { code: 'CRS', nextNumber: '2040001' });
  for (let i = 0; i < COUNT; i++) invoices.push(await finalInvoice(t, fx));
}, 300_000);

afterAll(async () => {
  await t?.close();
  await x?.close();
});

/** Starts the export process; resolves with its last line, or with null when it was killed. */
function exportProcess(killAfterMs?: number): Promise<string | null> {
  const child = spawn(process.execPath, [join(projectRoot, 'test', 'support', 'export-process.mjs')], {
    env: { ...process.env, ...x.env, DATABASE_URL: t.db.url, DATA_DIR: t.db.dataDir, EXPORT_LOCATION: String(fx.locationId), NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (d) => (errors += d));
  let last: string | null = null;
  createInterface({ input: child.stdout }).on('line', (line) => {
    last = line;
    if (line === 'ready' && killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  });
  return new Promise((resolve, reject) =>
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') return resolve(null);
      if (code !== 0) return reject(new Error(`export process failed (${code}): ${errors.slice(-2000)}`));
      resolve(last);
    }),
  );
}

describe('crash safety of the export', () => {
  it('exports 200 invoices exactly once, with their PDFs, although the process is killed several times', async () => {
    for (const ms of [400 + Math.random() * 400, 700 + Math.random() * 600, 300 + Math.random() * 900]) {
      const result = await exportProcess(ms);
      if (result !== null) break; // finished before the kill: fine, nothing left to interrupt
    }
    const final = await exportProcess();
    expect(final).not.toBeNull();

    const rows = await sql<{ invoice_id: number; state: string; exact_entry_id: string; exact_document_id: string; last_error: string | null }>(t.db.url, 'select invoice_id, state, exact_entry_id, exact_document_id, last_error from invoice_export where invoice_id = any($1)', [invoices.map((i) => i.id)]);
    expect(rows).toHaveLength(COUNT);
    expect(rows.filter((r) => r.state !== 'exported')).toEqual([]);

    const { rows: entries } = await x.control<{ rows: Record<string, unknown>[] }>(`data/${D1}/SalesEntries?limit=1000&q=CRS-`);
    const ours = entries.filter((e) => invoices.some((i) => String(e.EntryNumber) === i.number));
    const perNumber = new Map<string, number>();
    for (const e of ours) perNumber.set(String(e.EntryNumber), (perNumber.get(String(e.EntryNumber)) ?? 0) + 1);
    expect(perNumber.size).toBe(COUNT);
    expect([...perNumber.values()].every((n) => n === 1)).toBe(true);

    const { rows: docs } = await x.control<{ rows: Record<string, unknown>[] }>(`data/${D1}/Documents?limit=1000&q=CRS-`);
    const subjects = docs.map((d) => String(d.Subject));
    expect(new Set(subjects).size).toBe(subjects.length); // no duplicate documents either
    const byInvoice = new Map(rows.map((r) => [r.invoice_id, r]));
    for (const inv of invoices.filter((_, i) => i % 20 === 0)) {
      expect(await attachmentSha(x, byInvoice.get(inv.id)!.exact_document_id)).toBe(inv.sha256);
    }
    const entryDocs = new Set(ours.map((e) => String(e.Document)));
    expect(entryDocs.size).toBe(COUNT);
  }, 300_000);
});
