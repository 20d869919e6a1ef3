import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { csrf, startTestApp, type Agent, type TestApp } from '../support/app.js';
import { connectExact, startExactSandbox, type ExactTestEnv } from '../support/exact.js';
import { sql, SYNC_TEST_ENV, waitFor } from '../support/sync.js';
import { D1, exactEntries, exportRun, exportRunEnded, finalInvoice, importLedgers, invoicingFixture, type InvoicingFixture } from '../support/invoices.js';
import { InvoicesService } from '../../src/modules/invoices/invoices.service.js';
import { LedgerSettingsService } from '../../src/modules/ledgers/ledger-settings.service.js';
import { LedgersSync } from '../../src/modules/ledgers/ledgers.sync.js';
import { GlAccount } from '../../src/modules/ledgers/gl-account.entity.js';
import { Location } from '../../src/modules/locations/location.entity.js';

/**
 * What the export puts into Exact, line by line, read back from the sandbox's own data; a failing invoice
 * among others; invoice numbers taken concurrently; and the Accounting → Export screen's filters and buttons.
 */

let x: ExactTestEnv;
let t: TestApp;
let admin: Agent;
let fx: InvoicingFixture;

beforeAll(async () => {
  x = await startExactSandbox();
  t = await startTestApp({ ...x.env, ...SYNC_TEST_ENV });
  const a = await t.createUser('admin');
  admin = await t.login(a.email, a.password);
  await connectExact(x, admin, 'all');
  await importLedgers(t, D1);
  fx = await invoicingFixture(t);
}, 180_000);

afterAll(async () => {
  await t?.close();
  await x?.close();
});

const db = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(t.db.url, text, params);
const exportRow = async (invoiceId: number) => (await db<Record<string, unknown>>('select * from invoice_export where invoice_id = $1', [invoiceId]))[0];
type Row = Record<string, unknown>;

/** Posts one of the Export screen's buttons (with the page's CSRF token) and waits for the run it starts. */
async function button(action: string, body: Record<string, unknown> = {}): Promise<{ runId: number; text: string }> {
  const token = await csrf(admin, '/accounting/export');
  const res = await admin.post('/accounting/export/run').type('form').send({ _csrf: token, action, includePdf: 'on', ...body });
  expect(res.status).toBe(303);
  const url = res.headers.location as string;
  const runId = Number(url.split('/').pop());
  await exportRunEnded(t, runId, 90_000);
  return { runId, text: (await admin.get(url)).text };
}

/** The invoice numbers listed in the selection of the Export screen for a query. */
async function listed(query: string): Promise<Set<string>> {
  const page = await admin.get(`/accounting/export?${query}`).set('HX-Request', 'true');
  expect(page.status).toBe(200);
  return new Set([...page.text.matchAll(/<a href="\/invoices\/\d+">(\d+)<\/a>/g)].map((m) => m[1]));
}

/** A final invoice of the fixture with a date and one simple line. */
async function datedInvoice(f: InvoicingFixture, invoiceDate: string) {
  return t.inContext(async () => {
    const svc = t.app.get(InvoicesService);
    const inv = await svc.create({
      locationId: String(f.locationId), customerId: String(f.customerId), invoiceDate,
      'lines[0][description]': `Werk ${invoiceDate}`, 'lines[0][quantity]': '1', 'lines[0][unitPrice]': '10.00', 'lines[0][vatRateId]': String(f.vatHigh),
    });
    const fin = await svc.finalize(inv.id);
    return { id: fin.id, number: fin.number! };
  });
}

describe('the sales entry in Exact, line by line', () => {
  it('carries GL account, VAT code, amounts, quantity, description, cost centre and cost unit of every line', async () => {
    await t.app.get(LedgerSettingsService).set({ costDimensionsEnabled: true, invoiceLinesCarryCostDimensions: true });
    const ledgers = t.app.get(LedgersSync);
    const { importId } = await ledgers.request(D1, 'cost-centers', 'import');
    await waitFor(async () => {
      const [row] = await db<{ status: string; error: string | null }>('select status, error from ledger_import where id = $1', [importId]);
      if (row?.status === 'failed') throw new Error(`cost centres failed: ${row.error}`);
      return row?.status === 'done' ? true : undefined;
    }, 'cost centres imported', 30_000);
    const [cc] = await db<{ id: number }>(`select id from cost_center where code = '300'`);
    const [cu] = await db<{ id: number }>(`select id from cost_unit where code = 'P02'`);
    // a second revenue account for the second line, set on the line itself
    const [other] = await db<{ id: number; number: string; exact_id: string }>(
      `select a.id, a.number, l.exact_id from gl_account a join gl_account_link l on l.gl_account_id = a.id and l.division = $1
        where a.number <> '8000' and l.status = 'linked' order by a.number limit 1`, [D1]);
    expect(other).toBeDefined();
    const mapped = async (vatRateId: number) => (await db<{ vat_code: string }>('select vat_code from vat_mapping where vat_rate_id = $1 and division = $2', [vatRateId, D1]))[0].vat_code;
    const highCode = await mapped(fx.vatHigh);
    const lowCode = await mapped(fx.vatLow);
    expect(highCode).not.toBe(lowCode);

    const loc = await invoicingFixture(t, { code: 'LIN', nextNumber: '4100001' });
    const inv = await finalInvoice(t, loc, {
      'lines[0][costCenterId]': String(cc.id),
      'lines[0][costUnitId]': String(cu.id),
      'lines[1][glAccountId]': String(other.id),
    });
    await button('all', { locationId: loc.locationId });
    expect((await exportRow(inv.id)).state).toBe('exported');
    const [entry] = await exactEntries(x, D1, inv.number);
    expect(entry).toBeDefined();
    const { rows } = await x.control<{ rows: Row[] }>(`data/${D1}/SalesEntryLines?limit=1000&q=${encodeURIComponent(String(entry.EntryID))}`);
    const lines = rows.filter((r) => r.EntryID === entry.EntryID).sort((a, b) => Number(a.LineNumber) - Number(b.LineNumber));
    const trim = (v: unknown) => (v === null || v === undefined ? null : String(v).trim());
    const view = lines.map((l) => ({
      gl: trim(l.GLAccountCode), vat: trim(l.VATCode), amount: Number(l.AmountFC), vatAmount: Number(l.VATAmountFC), quantity: Number(l.Quantity),
      description: l.Description, costCenter: trim(l.CostCenter), costUnit: trim(l.CostUnit),
    }));
    // 3 × 95.00 at 21 % with 10 % discount (its own line, same account, VAT and dimensions), 1 × 19.99 at 9 %;
    // VAT on the rate's total (256.50 × 21 % = 53.865 → 53.87), the cent over the lines' own rounding on the largest line
    expect(view).toEqual([
      { gl: '8000', vat: highCode, amount: 285, vatAmount: 59.86, quantity: 3, description: 'Advies', costCenter: '300', costUnit: 'P02' },
      { gl: '8000', vat: highCode, amount: -28.5, vatAmount: -5.99, quantity: 1, description: 'Advies (korting 10%)', costCenter: '300', costUnit: 'P02' },
      { gl: other.number, vat: lowCode, amount: 19.99, vatAmount: 1.8, quantity: 1, description: 'Boek', costCenter: null, costUnit: null },
    ]);
    // the lines point at the linked Exact accounts, and add up to the entry and the invoice
    expect(lines[2].GLAccount).toBe(other.exact_id);
    expect(Number(entry.AmountDC)).toBeCloseTo(332.16, 2);
    expect(Number(entry.AmountDC)).toBeCloseTo(Number(inv.gross), 2);
    expect(Number(entry.VATAmountDC)).toBeCloseTo(55.67, 2);
    await t.app.get(LedgerSettingsService).set({ costDimensionsEnabled: false, invoiceLinesCarryCostDimensions: false });
  });
});

describe('one failing invoice in a run', () => {
  it('does not stop the others: they are exported, the failure is recorded with Exact\'s text and can be re-queued', async () => {
    const loc = await invoicingFixture(t, { code: 'FLR', nextNumber: '4200001' });
    const invoices = [];
    for (let i = 0; i < 4; i++) invoices.push(await finalInvoice(t, loc));
    // Exact refuses exactly one sales entry (a definite 400, so Koppel looks it up once and marks it failed)
    await x.control('faults', { endpoints: ['salesentry/SalesEntries'], methods: ['POST'], status: 400, count: 1 });
    const { runId } = await button('all', { locationId: loc.locationId });
    await x.control('faults', undefined, 'DELETE');
    const states = await Promise.all(invoices.map(async (i) => (await exportRow(i.id)).state));
    expect(states.filter((s) => s === 'failed')).toHaveLength(1);
    expect(states.filter((s) => s === 'exported')).toHaveLength(3);
    const failed = invoices[states.indexOf('failed')];
    expect(String((await exportRow(failed.id)).last_error ?? '')).not.toBe('');
    for (const inv of invoices) expect(await exactEntries(x, D1, inv.number)).toHaveLength(inv === failed ? 0 : 1);
    const ended = await exportRun(t, runId);
    const run = { state: ended.state, done: ended.done, exported: ended.exported, failed: ended.failed };
    expect(run).toEqual({ state: 'done', done: 4, exported: 3, failed: 1 });

    // the failure shows on the Export screen; "Re-queue" puts it back and the next run sends it
    const page = await admin.get(`/accounting/export?locationId=${loc.locationId}`);
    expect(page.text).toContain(failed.number);
    const token = await csrf(admin, '/accounting/export');
    const rq = await admin.post('/accounting/export/requeue').type('form').send({ _csrf: token, locationId: loc.locationId });
    expect(rq.status).toBe(303);
    expect(rq.headers.location).toContain(`locationId=${loc.locationId}`);
    expect((await exportRow(failed.id)).state).toBe('queued');
    expect((await exportRow(failed.id)).last_error).toBeNull();
    const after = await admin.get(rq.headers.location as string);
    expect(after.text).toContain('1 factuur staat weer in de wachtrij.');
    await button('all', { locationId: loc.locationId });
    expect((await exportRow(failed.id)).state).toBe('exported');
    for (const inv of invoices) expect(await exactEntries(x, D1, inv.number)).toHaveLength(1);
  });
});

describe('invoice numbers', () => {
  it('stay unique and gapless per location when many invoices are made final at the same moment', async () => {
    const a = await invoicingFixture(t, { code: 'CNA', nextNumber: '5000001' });
    const b = await invoicingFixture(t, { code: 'CNB', nextNumber: '5000001' });
    const drafts = async (f: InvoicingFixture, n: number) => {
      const ids: number[] = [];
      for (let i = 0; i < n; i++) {
        ids.push(await t.inContext(async () => (await t.app.get(InvoicesService).create({
          locationId: String(f.locationId), customerId: String(f.customerId), invoiceDate: '2026-11-20',
          'lines[0][description]': `Regel ${i}`, 'lines[0][quantity]': '1', 'lines[0][unitPrice]': '5.00', 'lines[0][vatRateId]': String(f.vatHigh),
        })).id));
      }
      return ids;
    };
    const idsA = await drafts(a, 8);
    const idsB = await drafts(b, 6);
    const token = await csrf(admin, '/invoices');
    // every "Make final" click at once, through HTTP, both locations interleaved
    const all = [...idsA, ...idsB].sort(() => Math.random() - 0.5);
    const res = await Promise.all(all.map((id) => admin.post(`/invoices/${id}/finalize`).type('form').send({ _csrf: token })));
    expect(res.map((r) => r.status)).toEqual(all.map(() => 303));
    const numbers = async (ids: number[]) => (await db<{ number: string; status: string }>('select number, status from invoice where id = any($1::int[]) order by number', [ids]));
    const na = await numbers(idsA);
    const nb = await numbers(idsB);
    expect(na.every((r) => r.status === 'final')).toBe(true);
    expect(nb.every((r) => r.status === 'final')).toBe(true);
    expect(na.map((r) => r.number)).toEqual(Array.from({ length: 8 }, (_, i) => String(5000001 + i)));
    expect(nb.map((r) => r.number)).toEqual(Array.from({ length: 6 }, (_, i) => String(5000001 + i)));
  });
});

describe('Accounting → Export: filters and buttons', () => {
  it('filters by date, number range and journal, on the screen and in what a button sends', async () => {
    const loc = await invoicingFixture(t, { code: 'FLT', nextNumber: '6000001' });
    const jan = await datedInvoice(loc, '2026-01-15');
    const feb = await datedInvoice(loc, '2026-02-15');
    const mar = await datedInvoice(loc, '2026-03-15');
    // a second location books into another sales journal (71)
    const other = await invoicingFixture(t, { code: 'J71', nextNumber: '6100001' });
    await t.orm.em.fork().nativeUpdate(Location, { id: other.locationId }, { salesJournalCode: '71' } as never);
    const j71 = await datedInvoice(other, '2026-02-20');

    const mine = (s: Set<string>) => [jan, feb, mar, j71].filter((i) => s.has(i.number)).map((i) => i.number);
    // dates (inclusive on both ends)
    expect(mine(await listed(`locationId=${loc.locationId}&dateFrom=2026-02-01&dateTo=2026-03-15`))).toEqual([feb.number, mar.number]);
    expect(mine(await listed('dateFrom=2026-02-01&dateTo=2026-02-28'))).toEqual([feb.number, j71.number]);
    // numbers (inclusive), compared as numbers
    expect(mine(await listed(`locationId=${loc.locationId}&numberFrom=${jan.number}&numberTo=${feb.number}`))).toEqual([jan.number, feb.number]);
    expect(mine(await listed(`numberFrom=6000003`))).toEqual([mar.number, j71.number]);
    // journals: only 71, only 70, both
    expect(mine(await listed('journals=71'))).toEqual([j71.number]);
    expect(mine(await listed(`journals=70&dateFrom=2026-01-01&dateTo=2026-03-31`))).toEqual([jan.number, feb.number, mar.number]);
    expect(mine(await listed('journals=70&journals=71&dateFrom=2026-02-01&dateTo=2026-02-28'))).toEqual([feb.number, j71.number]);
    // the full page keeps the chosen filters in its button form
    const page = await admin.get('/accounting/export?journals=71&dateFrom=2026-02-01');
    expect(page.text).toContain('<input type="hidden" name="journals" value="71">');
    expect(page.text).toContain('<input type="hidden" name="dateFrom" value="2026-02-01">');

    // "Export invoices" with a filter sends exactly what the filter shows
    await button('invoices', { dateFrom: '2026-02-01', dateTo: '2026-02-28', journals: '70' });
    expect(await exactEntries(x, D1, feb.number)).toHaveLength(1);
    for (const inv of [jan, mar, j71]) {
      expect(await exportRow(inv.id)).toBeUndefined();
      expect(await exactEntries(x, D1, inv.number)).toHaveLength(0);
    }
  });

  it('re-queues only the chosen failed or blocked invoices', async () => {
    const loc = await invoicingFixture(t, { code: 'RQ1', nextNumber: '6200001' });
    await t.orm.em.fork().nativeUpdate(Location, { id: loc.locationId }, { salesJournalCode: '99' } as never); // not a sales journal: blocked
    const one = await datedInvoice(loc, '2026-04-01');
    const two = await datedInvoice(loc, '2026-04-02');
    await button('invoices', { locationId: loc.locationId });
    expect((await exportRow(one.id)).state).toBe('blocked');
    expect((await exportRow(two.id)).state).toBe('blocked');
    const token = await csrf(admin, '/accounting/export');
    const res = await admin.post('/accounting/export/requeue').type('form').send({ _csrf: token, locationId: loc.locationId, invoiceIds: String(one.id) });
    expect(res.status).toBe(303);
    expect((await exportRow(one.id)).state).toBe('queued');
    expect((await exportRow(two.id)).state).toBe('blocked');
    // fixed journal: the re-queued invoice goes out with the next run
    await t.orm.em.fork().nativeUpdate(Location, { id: loc.locationId }, { salesJournalCode: '70' } as never);
    await button('invoices', { invoiceIds: String(one.id) });
    expect((await exportRow(one.id)).state).toBe('exported');
    expect(await exactEntries(x, D1, one.number)).toHaveLength(1);
    expect((await exportRow(two.id)).state).toBe('blocked');
  });

  it('"Export accounts" synchronises the GL accounts: a hand-made account is linked to Exact\'s by number', async () => {
    // 1300 (Debiteuren) exists in Exact but is no revenue account, so the import did not bring it
    const acc = await t.inContext(async () => {
      const a = t.orm.em.create(GlAccount, { number: '1300', name: 'Debiteuren (handmatig)' });
      await t.orm.em.flush();
      return a.id;
    });
    expect(await db('select 1 from gl_account_link where gl_account_id = $1', [acc])).toHaveLength(0);
    const before = Number((await db<{ n: string }>(`select count(*) n from ledger_import where resource = 'gl-accounts' and division = $1`, [D1]))[0].n);
    const { runId, text } = await button('accounts');
    const run = await exportRun(t, runId);
    expect(run.summary.accounts).toEqual(expect.arrayContaining([{ division: D1, state: 'queued' }]));
    expect(text).toContain(`Grootboekrekeningen van administratie ${D1}`);
    const link = await waitFor(async () => (await db<{ status: string; exact_id: string }>('select status, exact_id from gl_account_link where gl_account_id = $1 and division = $2', [acc, D1]))[0], '1300 linked', 60_000);
    expect(link.status).toBe('linked');
    const { rows } = await x.control<{ rows: Row[] }>(`data/${D1}/GLAccounts?limit=1000&q=1300`);
    expect(link.exact_id).toBe(rows.find((r) => String(r.Code).trim() === '1300')?.ID);
    const after = Number((await db<{ n: string }>(`select count(*) n from ledger_import where resource = 'gl-accounts' and division = $1`, [D1]))[0].n);
    expect(after).toBeGreaterThan(before);
  });
});
