import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { csrf, startTestApp, type Agent, type TestApp } from '../support/app.js';
import { connectExact, startExactSandbox, type ExactTestEnv } from '../support/exact.js';
import { sql, SYNC_TEST_ENV, waitFor } from '../support/sync.js';
import { D1, finalInvoice, importLedgers, invoicingFixture, type InvoicingFixture } from '../support/invoices.js';
import { LedgersSync } from '../../src/modules/ledgers/ledgers.sync.js';
import { SyncService } from '../../src/modules/sync/sync.service.js';

// Issue 18 against the sandbox over real HTTP: cash and non-cash days, a desk payment Exact matches, a refund, a late
// transaction for a sent day, each preflight problem, and a 500 from Exact after the entry was stored.
let x: ExactTestEnv;
let t: TestApp;
let admin: Agent;
let fx: InvoicingFixture;
const typeIds: Record<string, number> = {};

const db = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(t.db.url, text, params);
const day = (offset: number) => new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);
const glId = async (number: string) => Number((await db<{ id: number }>('select id from gl_account where number = $1', [number]))[0].id);
type Row = Record<string, unknown>;
const rows = async (entity: string) => (await x.control<{ rows: Row[] }>(`data/${D1}/${entity}?limit=1000`)).rows;
const linesOf = async (entity: string, entryId: string) => (await rows(entity)).filter((l) => String(l.EntryID) === entryId).sort((a, b) => Number(a.LineNumber) - Number(b.LineNumber));

async function post(path: string, form: Record<string, unknown>, page = '/accounting/transactions') {
  const token = await csrf(admin, page);
  return admin.post(path).type('form').send({ _csrf: token, ...form });
}

async function record(form: Record<string, unknown>): Promise<number> {
  const res = await post('/accounting/transactions', { locationId: fx.locationId, method: 'cash', ...form }, '/accounting/transactions/new');
  if (res.status !== 303) throw new Error(`recording failed: ${res.status} ${res.text.slice(0, 500)}`);
  return Number((await db<{ id: number }>('select max(id) as id from desk_transaction'))[0].id);
}

/** "Send to Exact now" and wait until these transactions left the queue. */
async function forward(ids: number[]) {
  const res = await post('/accounting/transactions/forward', {});
  expect(res.status).toBe(303);
  return waitFor(async () => {
    const r = await db<{ id: number; state: string; last_error: string | null; entry_id: string | null; entry_number: number | null; sequence: number | null; reference: string | null }>(
      `select t.id, t.state, t.last_error, b.exact_entry_id::text as entry_id, b.exact_entry_number as entry_number, b.sequence, b.reference
         from desk_transaction t left join transaction_batch b on b.id = t.batch_id where t.id = any($1) order by t.id`, [ids]);
    const [s] = await db<{ status: string }>(`select status from sync_state where division = $1 and resource = 'transactions'`, [D1]);
    return r.every((x) => ['sent', 'failed', 'blocked'].includes(x.state)) && s?.status !== 'running' && s?.status !== 'queued' ? r : undefined;
  }, 'transactions forwarded', 60_000);
}

/**
 * Runs the existing payments sync until the invoice has `status` (polling: a run asked for while another is busy
 * joins it), then once more: what it recorded must stay recorded once.
 */
async function paymentsUntil(invoiceId: number, status: 'paid' | 'partly_paid') {
  const sync = t.app.get(SyncService);
  const finished = async () => Number((await db<{ n: string }>(`select count(*) as n from sync_run where resource = 'payments' and status <> 'running'`))[0].n);
  const runOnce = async () => {
    const before = await finished();
    await waitFor(async () => (await sync.enqueue(D1, 'payments', 'manual')) === 'queued', 'payments run queued', 60_000);
    await waitFor(async () => (await finished()) > before, 'payments run finished', 60_000);
  };
  await waitFor(async () => {
    await runOnce();
    return (await db<{ status: string }>('select status from invoice where id = $1', [invoiceId]))[0].status === status;
  }, `invoice ${invoiceId} ${status}`, 120_000);
  await runOnce();
}

/** A final invoice, exported to Exact (its receivable is open there). */
async function exportedInvoice() {
  const inv = await finalInvoice(t, fx);
  const token = await csrf(admin, '/accounting/export');
  expect((await admin.post('/accounting/export/run').type('form').send({ _csrf: token, action: 'invoices', invoiceIds: [String(inv.id)] })).status).toBe(303);
  await waitFor(async () => (await db<{ state: string }>('select state from invoice_export where invoice_id = $1', [inv.id]))[0]?.state === 'exported', `invoice ${inv.id} exported`, 60_000);
  return inv;
}

/** The payments of an invoice as Koppel recorded them (oldest first). */
const paymentsOf = (invoiceId: number) =>
  db<{ kind: string; amount: string; journal_code: string | null }>('select kind, amount::text, journal_code from invoice_payment where invoice_id = $1 order by id', [invoiceId]);

/** The labels of the payments section on the invoice page, as a user reads them. */
async function paymentLabels(invoiceId: number): Promise<string[]> {
  const html = (await admin.get(`/invoices/${invoiceId}`)).text;
  const section = html.slice(html.indexOf('id="payments"'));
  return [...section.matchAll(/class="payment-kind">([^<:]*)/g)].map((m) => m[1].trim());
}

/** The transactions the report lists for these filters (ids, in the report's order). */
async function reportIds(filter: Record<string, string | number>): Promise<number[]> {
  const qs = new URLSearchParams(Object.entries(filter).map(([k, v]) => [k, String(v)])).toString();
  const html = (await admin.get(`/accounting/transactions?${qs}`)).text;
  return [...html.matchAll(/<tr data-transaction="(\d+)"/g)].map((m) => Number(m[1]));
}

/** A location of its own in the same administration, set up for transactions (journals 10 / 90, debtors 1300). */
async function ownLocation(code: string): Promise<number> {
  const loc = await t.inContext(async () => (await invoicingFixture(t, { code })).locationId);
  expect((await settings(loc, { cashJournalCode: '10', miscJournalCode: '90', debtorsGlAccountId: String(await glId('1300')) })).status).toBe(303);
  return loc;
}

/** The state of each of these transactions once every one of them is in `state`. */
const until = (ids: number[], state: string, what: string) =>
  waitFor(async () => {
    const r = await db<{ id: number; state: string }>('select id, state from desk_transaction where id = any($1) order by id', [ids]);
    return r.length === ids.length && r.every((x) => x.state === state) ? r : undefined;
  }, what, 60_000);

async function addType(name: string, gl: string, opts: { cash?: boolean; direction?: 'in' | 'out' } = {}) {
  const res = await post('/accounting/transactions/types', { name, glAccountId: String(await glId(gl)), direction: opts.direction ?? 'in', active: 'on', ...(opts.cash === false ? {} : { cash: 'on' }) }, '/accounting/transactions/settings');
  if (res.status !== 303) throw new Error(`type: ${res.status} ${(res.text.match(/role="alert"[^<]*<[^>]*>[^<]*|class="error"[^>]*>[^<]+/g) ?? []).join(' | ')} ${res.text.slice(0, 300)}`);
  typeIds[name] = Number((await db<{ id: number }>('select id from transaction_type where name = $1', [name]))[0].id);
}

async function settings(locationId: number, form: Record<string, unknown>) {
  return post(`/accounting/transactions/settings/${locationId}`, form, `/accounting/transactions/settings/${locationId}`);
}

beforeAll(async () => {
  x = await startExactSandbox();
  await x.control('limits', { minutely: 100000, daily: 1000000 });
  t = await startTestApp({ ...x.env, ...SYNC_TEST_ENV });
  const a = await t.createUser('admin');
  admin = await t.login(a.email, a.password);
  await connectExact(x, admin, [D1]);
  await importLedgers(t, D1, ['journals', 'vat-codes'] as never);
  // English screens (the texts below are checked as a user reads them)
  expect((await post('/language', { language: 'en', back: '/' }, '/')).status).toBe(303);
  // every GL account type (debtors, cash, bank), not only revenue
  const { importId } = await t.app.get(LedgersSync).request(D1, 'gl-accounts', 'import', { allTypes: true });
  await waitFor(async () => (await db<{ status: string }>('select status from ledger_import where id = $1', [importId]))[0]?.status === 'done', 'GL accounts imported', 60_000);
  fx = await invoicingFixture(t);
  await addType('Baliebetaling', '8000');
  await addType('Terugbetaling', '8000', { direction: 'out' });
  await addType('Pin', '1100', { cash: false });
  const res = await settings(fx.locationId, { cashJournalCode: '10', miscJournalCode: '90', descriptionTemplate: '{code} {date} {type}: {description}', debtorsGlAccountId: String(await glId('1300')) });
  expect(res.status).toBe(303);
}, 240_000);

afterAll(async () => {
  await t?.close();
  await x?.close();
});

describe('recording', () => {
  it('refuses bad input with clear messages and keeps what was typed (422)', async () => {
    const res = await post('/accounting/transactions', { locationId: fx.locationId, typeId: typeIds.Pin, date: day(-3), amount: '12,345', method: 'other', description: 'bijna goed' }, '/accounting/transactions/new');
    expect(res.status).toBe(422);
    expect(res.text).toContain('value="12,345"');
    expect(res.text).toContain('value="bijna goed"');
    expect(res.text).toContain('at most two decimals');
    expect(res.text).toContain('cannot be in the future');
    const res2 = await post('/accounting/transactions', { locationId: fx.locationId, typeId: typeIds.Pin, date: day(1), amount: '10', method: 'other' }, '/accounting/transactions/new');
    expect(res2.status).toBe(422);
    expect(res2.text).toContain('booked against a customer');
    expect(Number((await db<{ n: string }>('select count(*) as n from desk_transaction'))[0].n)).toBe(0);
  });
});

describe('preflight', () => {
  it('names each problem of a location: journal types, blocked or unknown journals, GL accounts, the financial period, no administration', async () => {
    const loc = await t.inContext(async () => {
      const f = await invoicingFixture(t, { code: 'PRF' });
      return f.locationId;
    });
    const page = async () => (await admin.get(`/accounting/transactions/settings/${loc}`)).text;
    expect(await page()).toContain('data-problem="transactions.problems.noSettings"');
    // a sales journal as cash journal, a blocked journal, no debtors account, a blocked GL for a type
    await settings(loc, { cashJournalCode: '70', miscJournalCode: '79', [`glType[${typeIds.Pin}]`]: String(await glId('8015')) });
    let html = await page();
    expect(html).toContain('data-problem="transactions.problems.cashJournalType"');
    expect(html).toContain('data-problem="transactions.problems.journalBlocked"');
    expect(html).toContain('data-problem="transactions.problems.glNotSet"');
    expect(html).toContain('data-problem="transactions.problems.gl_gl_account_blocked"');
    await settings(loc, { cashJournalCode: '10', miscJournalCode: '999', debtorsGlAccountId: String(await glId('1300')) });
    html = await page();
    expect(html).toContain('data-problem="transactions.problems.journalUnknown"');
    expect(html).not.toContain('transactions.problems.cashJournalType');
    await settings(loc, { cashJournalCode: '10', miscJournalCode: '90', debtorsGlAccountId: String(await glId('1300')) });
    expect(await page()).toContain('data-preflight="ok"');

    // a day in a year without financial periods: blocked with the reason, nothing sent
    const year = new Date().getUTCFullYear() - 2;
    const old = await record({ locationId: loc, typeId: typeIds.Baliebetaling, date: `${year}-06-01`, amount: '5' });
    const before = await x.requests({ method: 'POST' });
    const [r] = await forward([old]);
    expect(r.state).toBe('blocked');
    expect((await db<{ problems: { key: string }[] }>('select problems from desk_transaction where id = $1', [old]))[0].problems.map((p) => p.key)).toEqual(['transactions.problems.noPeriod']);
    expect(await x.requests({ method: 'POST', endpoint: /entries/ })).toBe(0);
    expect(await x.requests({ method: 'POST' })).toBe(before);
    expect((await admin.get(`/accounting/transactions?locationId=${loc}&state=blocked`)).text).toContain(`has no financial periods for ${year}`);
    // a location without administration
    await t.inContext(async () => {
      await t.orm.em.getConnection().execute('update locations set exact_division = null where id = ?', [loc]);
    });
    expect(await page()).toContain('data-problem="transactions.problems.noDivision"');
  });
});

describe('forwarding', () => {
  it('a cash day becomes one cash entry (a line per transaction, a refund negative), a non-cash day one balanced general journal entry', async () => {
    const d = day(1);
    const cash = [
      await record({ typeId: typeIds.Baliebetaling, date: d, amount: '25,00', description: 'Kop koffie en taart' }),
      await record({ typeId: typeIds.Baliebetaling, date: d, amount: '100.10', description: 'Cadeaubon' }),
      await record({ typeId: typeIds.Terugbetaling, date: d, amount: '20', description: 'Retour cadeaubon' }),
    ];
    const other = [
      await record({ typeId: typeIds.Pin, date: d, amount: '60', method: 'other', customerId: fx.customerId, description: 'Pinbetaling' }),
      await record({ typeId: typeIds.Pin, date: d, amount: '15.5', method: 'other', customerId: fx.customerId, description: 'Pinbetaling 2' }),
    ];
    const res = await forward([...cash, ...other]);
    expect(res.map((r) => r.state)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
    const cashEntry = String(res[0].entry_id);
    expect(new Set(res.slice(0, 3).map((r) => r.entry_id))).toEqual(new Set([cashEntry]));
    const generalEntry = String(res[3].entry_id);
    expect(res[4].entry_id).toBe(generalEntry);
    expect(generalEntry).not.toBe(cashEntry);

    const entries = (await rows('CashEntries')).filter((e) => String(e.EntryID) === cashEntry);
    expect(entries).toHaveLength(1);
    expect(String(entries[0].JournalCode).trim()).toBe('10');
    const lines = await linesOf('CashEntryLines', cashEntry);
    expect(lines.map((l) => l.AmountFC)).toEqual([25, 100.1, -20]);
    expect(lines[0].Description).toBe(`UTR ${d} Baliebetaling: Kop koffie en taart`);
    expect(new Set(lines.map((l) => l.Notes))).toEqual(new Set([res[0].reference]));

    const gj = (await rows('GeneralJournalEntries')).filter((e) => String(e.EntryID) === generalEntry);
    expect(gj).toHaveLength(1);
    expect(String(gj[0].JournalCode).trim()).toBe('90');
    const gjLines = await linesOf('GeneralJournalEntryLines', generalEntry);
    expect(gjLines.map((l) => l.AmountFC)).toEqual([60, -60, 15.5, -15.5]);
    expect(gjLines.filter((l) => l.Account).length).toBe(2);

    // the report shows Exact's entry numbers
    const report = (await admin.get(`/accounting/transactions?locationId=${fx.locationId}&state=sent`)).text;
    expect(report).toContain(`entry ${String(res[0].entry_number)} in journal 10`);
    expect(report).toContain(`entry ${String(res[3].entry_number)} in journal 90`);
  });

  it('a transaction added to a day already sent goes into a supplementary entry; the first entry stays as it was', async () => {
    const d = day(1);
    const [first] = (await db<{ exact_entry_id: string }>(`select exact_entry_id::text from transaction_batch where location_id = $1 and date = $2 and kind = 'cash' and sequence = 1`, [fx.locationId, d]));
    const late = await record({ typeId: typeIds.Baliebetaling, date: d, amount: '7.25', description: 'Laat' });
    const [r] = await forward([late]);
    expect(r.state).toBe('sent');
    expect(r.sequence).toBe(2);
    expect(r.entry_id).not.toBe(first.exact_entry_id);
    expect((await linesOf('CashEntryLines', first.exact_entry_id)).map((l) => l.AmountFC)).toEqual([25, 100.1, -20]);
    expect((await linesOf('CashEntryLines', String(r.entry_id))).map((l) => l.AmountFC)).toEqual([7.25]);
    expect((await admin.get(`/accounting/transactions?locationId=${fx.locationId}`)).text).toContain('supplementary entry');
  });

  it('a 500 from Exact after the entry was stored: looked up by our reference, one entry, marked sent', async () => {
    const d = day(2);
    const id = await record({ typeId: typeIds.Baliebetaling, date: d, amount: '42', description: 'Storing' });
    await x.control('faults', { status: 500, endpoints: ['CashEntries'], methods: ['POST'], afterCommit: true, count: 1 });
    try {
      const [r] = await forward([id]);
      expect(r.state).toBe('sent');
      expect(await x.requests({ method: 'POST', endpoint: 'financialtransaction/cashentries', status: 500 })).toBe(1);
      const mine = (await rows('CashEntryLines')).filter((l) => l.Notes === r.reference);
      expect(mine).toHaveLength(1);
      expect(String(mine[0].EntryID)).toBe(r.entry_id);
    } finally {
      await x.control('faults', undefined, 'DELETE');
    }
    // forwarding again sends nothing twice
    await forward([id]);
    expect((await rows('CashEntryLines')).filter((l) => l.AmountFC === 42)).toHaveLength(1);
  });

  it('a 500 from Exact before anything was stored: the batch waits (no failure), the next run looks it up and posts it once', async () => {
    const id = await record({ typeId: typeIds.Baliebetaling, date: day(8), amount: '13', description: 'Storing vooraf' });
    const failedPosts = await x.requests({ method: 'POST', endpoint: 'financialtransaction/cashentries', status: 500 });
    await x.control('faults', { status: 500, endpoints: ['CashEntries'], methods: ['POST'], count: 1 });
    try {
      expect((await post('/accounting/transactions/forward', {})).status).toBe(303);
      const batch = await waitFor(async () => {
        const [b] = await db<{ state: string; attempts: number; last_error: string | null }>('select b.state, b.attempts, b.last_error from desk_transaction t join transaction_batch b on b.id = t.batch_id where t.id = $1', [id]);
        return b && b.attempts >= 1 && (b.state !== 'sending' || b.last_error) ? b : undefined;
      }, 'the first attempt ended', 60_000);
      expect(batch.state).not.toBe('failed');
    } finally {
      await x.control('faults', undefined, 'DELETE');
    }
    const [r] = await forward([id]);
    expect(r.state).toBe('sent');
    expect(await x.requests({ method: 'POST', endpoint: 'financialtransaction/cashentries', status: 500 })).toBe(failedPosts + 1);
    expect((await db<{ attempts: number }>('select attempts from transaction_batch where reference = $1', [r.reference]))[0].attempts).toBe(2);
    const mine = (await rows('CashEntryLines')).filter((l) => l.Notes === r.reference);
    expect(mine.map((l) => l.AmountFC)).toEqual([13]);
  });

  it('a refusal by Exact shows Exact\'s text; after the fix a re-queue sends it', async () => {
    const d = day(3);
    const id = await record({ typeId: typeIds.Baliebetaling, date: d, amount: '9', description: 'Geweigerd' });
    await x.control('faults', { status: 400, endpoints: ['CashEntries'], methods: ['POST'], count: 1 });
    try {
      const [r] = await forward([id]);
      expect(r.state).toBe('failed');
      expect(r.last_error).toContain('Injected fault');
    } finally {
      await x.control('faults', undefined, 'DELETE');
    }
    expect((await admin.get(`/accounting/transactions?state=failed`)).text).toContain('Injected fault');
    const res = await post('/accounting/transactions/requeue', { ids: String(id) });
    expect(res.status).toBe(303);
    const [r2] = await forward([id]);
    expect(r2.state).toBe('sent');
  });
});

describe('desk payment of an invoice', () => {
  it('is booked on the debtors account with the invoice number; Exact matches it and the invoice shows the payment once', async () => {
    const inv = await exportedInvoice();

    // the form opened from the invoice is filled in with the invoice, its customer and what is open
    const form = (await admin.get(`/accounting/transactions/new?invoiceId=${inv.id}`)).text;
    expect(form).toContain(`value="${inv.gross}"`);
    const id = await record({ typeId: typeIds.Baliebetaling, date: day(0), amount: inv.gross, invoiceId: String(inv.id), customerId: String(fx.customerId), description: 'Betaling aan de balie' });
    const [r] = await forward([id]);
    expect(r.state).toBe('sent');
    const [line] = await linesOf('CashEntryLines', String(r.entry_id));
    expect(line.OurRef).toBe(Number(inv.number));
    expect(line.Account).toBeTruthy();
    const receivable = (await rows('Receivables')).find((x) => x.InvoiceNumber === Number(inv.number));
    expect(receivable).toMatchObject({ Status: 50, IsFullyPaid: true });

    // Koppel learns it through the existing payments sync — run until paid and once more, recorded once
    await paymentsUntil(inv.id, 'paid');
    const [invRow] = await db<{ status: string; paid: string }>('select status, paid::text from invoice where id = $1', [inv.id]);
    expect(invRow).toEqual({ status: 'paid', paid: inv.gross });
    expect(await paymentsOf(inv.id)).toEqual([{ kind: 'bank', amount: inv.gross, journal_code: '10' }]);
    // booked in the cash journal: a cash entry, not a bank entry
    expect(await paymentLabels(inv.id)).toEqual(['Cash entry']);
    // a payment by PIN at the desk (general journal, customer credited with the invoice number): Exact matches it too,
    // and Koppel shows it once, as the general journal line it is
    const inv2 = await exportedInvoice();
    const pinId = await record({ typeId: typeIds.Pin, method: 'other', date: day(0), amount: inv2.gross, invoiceId: String(inv2.id), description: 'Pin aan de balie' });
    const [p2] = await forward([pinId]);
    expect(p2.state).toBe('sent');
    const gjLines = await linesOf('GeneralJournalEntryLines', String(p2.entry_id));
    expect(gjLines.find((l) => l.Account)).toMatchObject({ OurRef: Number(inv2.number), AmountFC: -Number(inv2.gross) });
    expect((await rows('Receivables')).find((x) => x.InvoiceNumber === Number(inv2.number))).toMatchObject({ Status: 50, IsFullyPaid: true });
    await paymentsUntil(inv2.id, 'paid');
    expect((await db<{ status: string; paid: string }>('select status, paid::text from invoice where id = $1', [inv2.id]))[0]).toEqual({ status: 'paid', paid: inv2.gross });
    expect(await paymentsOf(inv2.id)).toEqual([{ kind: 'general', amount: inv2.gross, journal_code: '90' }]);
    expect(await paymentLabels(inv2.id)).toEqual(['General journal entry']);

    // and the invoice page lists the desk transaction
    expect((await admin.get(`/invoices/${inv.id}`)).text).toContain(`data-transaction="${id}"`);
    const customerPage = (await admin.get(`/customers/${fx.customerId}`)).text;
    expect(customerPage).toContain('id="desk-transactions"');
    expect(customerPage).toContain(`data-transaction="${id}"`);
    // a planner opens the customer but not Accounting → Transactions: no section, no link to it (nor to the invoice page)
    const pl = await t.createUser('planner');
    const planner = await t.login(pl.email, pl.password);
    const plannerPage = await planner.get(`/customers/${fx.customerId}`);
    expect(plannerPage.status).toBe(200);
    const [{ name }] = await db<{ name: string }>('select name from customers where id = $1', [fx.customerId]);
    expect(plannerPage.text).toContain(name);
    expect(plannerPage.text).not.toContain('id="desk-transactions"');
    expect(plannerPage.text).not.toContain('data-transaction=');
    expect(plannerPage.text).not.toContain('/accounting/transactions');
    expect((await planner.get(`/invoices/${inv.id}`)).status).toBe(403);
  });
});

describe('partial desk payment by PIN (general journal)', () => {
  it('shows the invoice as partly paid once Exact reports it, recorded once; the rest paid in cash makes it paid', async () => {
    const inv = await exportedInvoice();
    const cents = Math.round(Number(inv.gross) * 100);
    const part = (Math.round(cents * 0.4) / 100).toFixed(2);
    const rest = ((cents - Math.round(cents * 0.4)) / 100).toFixed(2);
    const pin = await record({ typeId: typeIds.Pin, method: 'other', date: day(0), amount: part, invoiceId: String(inv.id), description: 'Aanbetaling per pin' });
    const [p] = await forward([pin]);
    expect(p.state).toBe('sent');
    // Exact matched part of the receivable: still open, with a last payment date
    const receivable = (await rows('Receivables')).find((x) => x.InvoiceNumber === Number(inv.number));
    expect(receivable).toMatchObject({ Status: 20, IsFullyPaid: false });
    expect(receivable?.LastPaymentDate).toBeTruthy();

    await paymentsUntil(inv.id, 'partly_paid');
    expect((await db<{ status: string; paid: string; open: string }>('select status, paid::text, open::text from invoice where id = $1', [inv.id]))[0])
      .toEqual({ status: 'partly_paid', paid: part, open: rest });
    expect(await paymentsOf(inv.id)).toEqual([{ kind: 'general', amount: part, journal_code: '90' }]);
    expect(await paymentLabels(inv.id)).toEqual(['General journal entry']);

    // the rest in cash at the desk: paid, two payments (no "matched in Exact" remainder), each by its journal
    const cash = await record({ typeId: typeIds.Baliebetaling, date: day(0), amount: rest, invoiceId: String(inv.id), description: 'Restant contant' });
    const [c] = await forward([cash]);
    expect(c.state).toBe('sent');
    expect((await rows('Receivables')).find((x) => x.InvoiceNumber === Number(inv.number))).toMatchObject({ Status: 50, IsFullyPaid: true });
    await paymentsUntil(inv.id, 'paid');
    expect((await db<{ status: string; paid: string; open: string }>('select status, paid::text, open::text from invoice where id = $1', [inv.id]))[0])
      .toEqual({ status: 'paid', paid: inv.gross, open: '0.00' });
    expect(await paymentsOf(inv.id)).toEqual([{ kind: 'general', amount: part, journal_code: '90' }, { kind: 'bank', amount: rest, journal_code: '10' }]);
    expect((await paymentLabels(inv.id)).sort()).toEqual(['Cash entry', 'General journal entry']);
  });
});

describe('the rest of the issue', () => {
  it('the type\'s "cash" setting is the payment method when none is chosen; a type can be renamed and switched off', async () => {
    await addType('Storting', '8000');
    const cash = await record({ typeId: typeIds.Storting, date: day(1), amount: '3', method: '' });
    expect((await db<{ method: string }>('select method from desk_transaction where id = $1', [cash]))[0].method).toBe('cash');
    // Pin is not a cash type: without a method it is a payment by other means, so it needs a customer
    const refused = await post('/accounting/transactions', { locationId: fx.locationId, typeId: typeIds.Pin, date: day(1), amount: '4', method: '' }, '/accounting/transactions/new');
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('booked against a customer');
    const other = await record({ typeId: typeIds.Pin, date: day(1), amount: '4', method: '', customerId: String(fx.customerId) });
    expect((await db<{ method: string }>('select method from desk_transaction where id = $1', [other]))[0].method).toBe('other');
    // the form offers "as set for the type", chosen by default
    expect((await admin.get('/accounting/transactions/new')).text).toMatch(/<input type="radio" name="method" value="" checked>/);

    // renamed, made non-cash, then switched off: no longer offered, and refused when sent anyway
    const id = typeIds.Storting;
    const gl = String(await glId('8000'));
    const edit = (form: Record<string, unknown>) => post(`/accounting/transactions/types/${id}`, { glAccountId: gl, direction: 'in', ...form }, '/accounting/transactions/settings');
    expect((await edit({ name: 'Storting bank', active: 'on' })).status).toBe(303);
    expect((await db<{ name: string; cash: boolean; active: boolean }>('select name, cash, active from transaction_type where id = $1', [id]))[0]).toEqual({ name: 'Storting bank', cash: false, active: true });
    // a name already taken is refused with a message, the type stays as it was
    const taken = await edit({ name: 'Pin', active: 'on' });
    expect(taken.status).toBe(303);
    expect((await admin.get('/accounting/transactions/settings')).text).toContain('The type was not saved');
    expect((await db<{ name: string }>('select name from transaction_type where id = $1', [id]))[0].name).toBe('Storting bank');
    expect((await edit({ name: 'Storting bank' })).status).toBe(303);
    expect((await db<{ active: boolean }>('select active from transaction_type where id = $1', [id]))[0].active).toBe(false);
    expect((await admin.get('/accounting/transactions/new')).text).not.toContain(`<option value="${id}"`);
    const off = await post('/accounting/transactions', { locationId: fx.locationId, typeId: id, date: day(1), amount: '5', method: 'cash' }, '/accounting/transactions/new');
    expect(off.status).toBe(422);
  });

  it('preflight: journals not set, a cash journal as the other journal, GL accounts unknown to or gone from the administration', async () => {
    const loc = await t.inContext(async () => (await invoicingFixture(t, { code: 'PR2' })).locationId);
    const problems = async () => [...(await admin.get(`/accounting/transactions/settings/${loc}`)).text.matchAll(/data-problem="([^"]+)"/g)].map((m) => m[1]);
    expect((await settings(loc, { descriptionTemplate: '{date}' })).status).toBe(303);
    expect(await problems()).toEqual(expect.arrayContaining(['transactions.problems.cashJournalNotSet', 'transactions.problems.miscJournalNotSet', 'transactions.problems.glNotSet']));
    // a GL account made in Koppel only: not known in the administration
    expect((await post('/accounting/gl-accounts', { number: '8998', name: 'Alleen in Koppel' }, '/accounting/gl-accounts/new')).status).toBe(303);
    await settings(loc, { cashJournalCode: '10', miscJournalCode: '10', debtorsGlAccountId: String(await glId('8998')) });
    let found = await problems();
    expect(found).toEqual(expect.arrayContaining(['transactions.problems.miscJournalType', 'transactions.problems.gl_gl_account_unknown']));
    expect(found).not.toContain('transactions.problems.cashJournalNotSet');
    const html = (await admin.get(`/accounting/transactions/settings/${loc}`)).text;
    expect(html).toContain('Journal 10 is not a general journal (type 10)');
    expect(html).toContain(`GL account 8998 (debtors) is not known in administration ${D1}`);
    // synchronising the GL accounts finds it is not in Exact at all
    const { importId } = await t.app.get(LedgersSync).request(D1, 'gl-accounts', 'synchronise');
    await waitFor(async () => (await db<{ status: string }>('select status from ledger_import where id = $1', [importId]))[0]?.status === 'done', 'GL accounts synchronised', 60_000);
    found = await problems();
    expect(found).toContain('transactions.problems.gl_gl_account_missing');
    expect(found).not.toContain('transactions.problems.gl_gl_account_unknown');
    // nothing is sent for a location with problems: its transactions wait, blocked, with the reasons
    const id = await record({ locationId: loc, typeId: typeIds.Baliebetaling, date: day(2), amount: '6' });
    await forward([id]);
    expect((await db<{ state: string; problems: { key: string }[] }>('select state, problems from desk_transaction where id = $1', [id]))[0])
      .toMatchObject({ state: 'blocked', problems: expect.arrayContaining([expect.objectContaining({ key: 'transactions.problems.miscJournalType' })]) });
    // (other locations' transactions went in the same run) no batch of this location, so nothing of it was posted
    expect(await db('select id from transaction_batch where location_id = $1', [loc])).toEqual([]);
  });

  it('a day blocked for a missing financial year goes by itself once the year is in Exact', async () => {
    const loc = await ownLocation('BLK');
    const year = new Date().getUTCFullYear() - 3;
    const id = await record({ locationId: loc, typeId: typeIds.Baliebetaling, date: `${year}-03-02`, amount: '8' });
    const [r] = await forward([id]);
    expect(r.state).toBe('blocked');
    await x.control('financial-years', { division: D1, year });
    expect((await post('/accounting/transactions/forward', {})).status).toBe(303);
    await until([id], 'sent', 'the blocked day sent after the fix');
    const [b] = await db<{ reference: string }>('select b.reference from desk_transaction t join transaction_batch b on b.id = t.batch_id where t.id = $1', [id]);
    expect((await rows('CashEntryLines')).filter((l) => l.Notes === b.reference).map((l) => l.AmountFC)).toEqual([8]);
  });

  it('the report filters by location, date, type and export state; "re-queue all" takes the failed ones of the filter', async () => {
    const loc = await ownLocation('FLT');
    const a = await record({ locationId: loc, typeId: typeIds.Baliebetaling, date: day(6), amount: '3' });
    const b = await record({ locationId: loc, typeId: typeIds.Terugbetaling, date: day(7), amount: '4' });
    const c = await record({ locationId: loc, typeId: typeIds.Baliebetaling, date: day(7), amount: '5' });
    const sorted = (ids: number[]) => [...ids].sort((p, q) => p - q);
    expect(sorted(await reportIds({ locationId: loc }))).toEqual([a, b, c]);
    expect(sorted(await reportIds({ locationId: loc, typeId: typeIds.Baliebetaling }))).toEqual([a, c]);
    expect(sorted(await reportIds({ locationId: loc, dateFrom: day(7), dateTo: day(7) }))).toEqual([b, c]);
    expect(sorted(await reportIds({ locationId: loc, state: 'queued' }))).toEqual([a, b, c]);
    expect(await reportIds({ locationId: loc, state: 'sent' })).toEqual([]);

    // Exact refuses both days: failed, with Exact's text
    await x.control('faults', { status: 400, endpoints: ['CashEntries'], methods: ['POST'], count: 2 });
    try {
      const res = await forward([a, b, c]);
      expect(res.map((r) => r.state)).toEqual(['failed', 'failed', 'failed']);
    } finally {
      await x.control('faults', undefined, 'DELETE');
    }
    expect(sorted(await reportIds({ locationId: loc, state: 'failed' }))).toEqual([a, b, c]);
    expect((await admin.get(`/accounting/transactions?locationId=${loc}&state=failed`)).text).toContain('Injected fault');
    // re-queue all of one day: only that day goes back into the queue
    expect((await post('/accounting/transactions/requeue', { locationId: loc, dateFrom: day(7), dateTo: day(7) })).status).toBe(303);
    expect(sorted(await reportIds({ locationId: loc, state: 'queued' }))).toEqual([b, c]);
    expect(await reportIds({ locationId: loc, state: 'failed' })).toEqual([a]);
    const sent = await forward([b, c]);
    expect(sent.map((r) => r.state)).toEqual(['sent', 'sent']);
    const page = (await admin.get(`/accounting/transactions?locationId=${loc}&state=sent`)).text;
    expect(page).toContain(`entry ${String(sent[0].entry_number)} in journal 10`);
    expect(sorted(await reportIds({ locationId: loc, state: 'sent', typeId: typeIds.Terugbetaling }))).toEqual([b]);
  });

  it('the 15-minute schedule forwards closed days only; today waits for "Send to Exact now"', async () => {
    const loc = await ownLocation('SCH');
    const yesterday = await record({ locationId: loc, typeId: typeIds.Baliebetaling, date: day(1), amount: '10' });
    const today = await record({ locationId: loc, typeId: typeIds.Baliebetaling, date: day(0), amount: '11' });
    const sync = t.app.get(SyncService);
    await waitFor(async () => (await sync.enqueue(D1, 'transactions', 'schedule')) === 'queued', 'scheduled run queued', 60_000);
    await until([yesterday], 'sent', 'yesterday sent by the schedule');
    await waitFor(async () => (await db<{ status: string }>(`select status from sync_state where division = $1 and resource = 'transactions'`, [D1]))[0]?.status !== 'running', 'the scheduled run ended', 60_000);
    expect((await db<{ state: string }>('select state from desk_transaction where id = $1', [today]))[0].state).toBe('queued');
    const [r] = await forward([today]);
    expect(r.state).toBe('sent');
  });
});

describe('reversal', () => {
  it('a booked transaction is not changed but reversed by a new one with the opposite amount', async () => {
    const [orig] = await db<{ id: number; amount: string }>(`select id, amount::text from desk_transaction where description = 'Cadeaubon'`);
    const res = await post(`/accounting/transactions/${orig.id}/reverse`, {});
    expect(res.status).toBe(303);
    const [rev] = await db<{ amount: string; state: string; reversal_of_id: number }>('select amount::text, state, reversal_of_id from desk_transaction where reversal_of_id = $1', [orig.id]);
    expect(rev).toEqual({ amount: '-100.10', state: 'queued', reversal_of_id: orig.id });
    await post(`/accounting/transactions/${orig.id}/reverse`, {});
    expect(await db('select id from desk_transaction where reversal_of_id = $1', [orig.id])).toHaveLength(1);
  });
});
