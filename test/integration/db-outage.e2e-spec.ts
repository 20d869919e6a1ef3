import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rm } from 'node:fs/promises';
import { csrf, startTestApp, type Agent, type TestApp } from '../support/app.js';
import { connectExact, startExactSandbox, type ExactTestEnv } from '../support/exact.js';
import { sql, SYNC_TEST_ENV, waitFor } from '../support/sync.js';
import { D1, exportRunEnded, finalInvoice, importLedgers, invoicingFixture, type InvoicingFixture } from '../support/invoices.js';
import { stopPostgres } from '../support/pg-outage.js';
import { ExportRunService } from '../../src/modules/accounting-export/accounting-export.service.js';

// Issue 13: PostgreSQL stopped for a while during an export and a form submit. The form answers a translated 503
// that keeps what was typed; the interrupted run does not stay "running"; the invoice claimed by the live process
// is not lost ("busy" is not "failed", and its own stale claim is recognised); the re-run exports everything once.
const COUNT = 20;
let x: ExactTestEnv;
let t: TestApp;
let admin: Agent;
let fx: InvoicingFixture;
let restarted: { start(): Promise<void>; stop(): Promise<void> } | undefined;
const invoices: { id: number; number: string }[] = [];

beforeAll(async () => {
  x = await startExactSandbox();
  await x.control('limits', { minutely: 100000, daily: 1000000 });
  t = await startTestApp({ ...x.env, ...SYNC_TEST_ENV });
  const a = await t.createUser('admin');
  admin = await t.login(a.email, a.password);
  await connectExact(x, admin, 'all');
  await importLedgers(t, D1);
  fx = await invoicingFixture(t, { code: 'DBO', nextNumber: '3050001' });
  for (let i = 0; i < COUNT; i++) invoices.push(await finalInvoice(t, fx));
}, 300_000);

afterAll(async () => {
  await t?.app.close().catch(() => undefined);
  await restarted?.stop();
  if (t) await rm(t.db.dataDir, { recursive: true, force: true });
  await x?.close();
});

const exported = async () => Number((await sql<{ n: string }>(t.db.url, `select count(*) as n from invoice_export where state = 'exported' and invoice_id = any($1)`, [invoices.map((i) => i.id)]))[0].n);

async function startRun(): Promise<number> {
  const token = await csrf(admin, '/accounting/export');
  const res = await admin.post('/accounting/export/run').type('form').send({ _csrf: token, action: 'invoices', includePdf: 'on', invoiceIds: invoices.map((i) => String(i.id)) });
  expect(res.status).toBe(303);
  return Number(/runs\/(\d+)/.exec(res.headers.location)![1]);
}

describe('the database goes away for a while', () => {
  it('keeps the typed form, ends the run as interrupted, and the re-run exports every invoice once', async () => {
    const runs = t.app.get(ExportRunService);
    const formToken = await csrf(admin, '/customers/new');
    const runId = await startRun();
    await waitFor(async () => (await exported()) >= 2, 'the export under way', 120_000);

    restarted = await stopPostgres(t.db);
    // a form sent while the database is down
    const name = 'Bakkerij Stilstand & Zn';
    const res = await admin.post('/customers').type('form').send({ _csrf: formToken, type: 'business', name, street: 'Dijkstraat', houseNumber: '4', postcode: '8011 AB', country: 'NL', city: 'Zwolle', locationId: String(fx.locationId) });
    expect(res.status).toBe(503);
    expect(res.text).toContain('De database is even niet bereikbaar');
    expect(res.text).not.toMatch(/\b(errors|validation|customers)\.[a-zA-Z]+\b/); // no raw i18n keys
    expect(res.text).toContain('value="Bakkerij Stilstand &amp; Zn"'); // what was typed is kept, ready to send again
    expect(res.text).toContain('Opnieuw versturen');
    expect((await t.agent().get('/healthz')).status).toBe(503);
    // the run's worker hits the missing database and stops; its end is written once the database is back
    await waitFor(async () => runs.isEnding(runId), 'the run worker stopped by the outage', 120_000);

    await restarted.start();
    await waitFor(async () => (await t.agent().get('/healthz')).status === 200, 'healthy again', 60_000);
    const interrupted = await exportRunEnded(t, runId, 60_000);
    expect(interrupted.state).toBe('interrupted');

    // the re-run takes every invoice, also one whose claim the live process kept when the database went away
    const again = await startRun();
    const run = await exportRunEnded(t, again, 180_000);
    // it takes what is not yet exported (the first run's exported invoices are done), none of them busy or failed
    expect(run.done).toBeGreaterThan(0);
    expect({ state: run.state, exported: run.exported, failed: run.failed, blocked: run.blocked, busy: run.summary?.busy }).toEqual({ state: 'done', exported: run.done, failed: 0, blocked: 0, busy: undefined });
    expect(await exported()).toBe(COUNT);
    const { rows: entries } = await x.control<{ rows: Record<string, unknown>[] }>(`data/${D1}/SalesEntries?limit=1000&q=DBO-`);
    const numbers = entries.map((e) => String(e.EntryNumber)).filter((n) => invoices.some((i) => i.number === n));
    expect(numbers.sort()).toEqual(invoices.map((i) => i.number).sort());

    // the kept form, sent again now that the database is back, saves the customer once
    const fields = [...res.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(([, k, v]) => [k, v.replace(/&amp;/g, '&').replace(/&#x27;/g, "'").replace(/&quot;/g, '"')]);
    const resend = await admin.post('/customers').type('form').send(Object.fromEntries(fields));
    expect(resend.status).toBe(303);
    expect(await sql(t.db.url, 'select id from customers where name = $1', [name])).toHaveLength(1);
  }, 600_000);
});
