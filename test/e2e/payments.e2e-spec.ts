import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { csrf, startTestApp, type Agent, type TestApp } from '../support/app.js';
import { advanceClocks, connectExact, startExactSandbox, type ExactTestEnv } from '../support/exact.js';
import { sql, syncOf, waitFor } from '../support/sync.js';
import { D1, finalInvoice, importLedgers, invoicingFixture, type InvoicingFixture } from '../support/invoices.js';
import { freePort } from '../../src/common/net.js';
import { ExactClient } from '../../src/exact/exact.client.js';
import { notificationBody } from '../../src/modules/webhooks/webhook.signature.js';
import { PaymentsService, TERM_SELECT, type TermRow } from '../../src/modules/payments/payments.service.js';
import { SyncService } from '../../src/modules/sync/sync.service.js';
import { PaymentsSync } from '../../src/modules/payments/payments.sync.js';
import { InvoicesService } from '../../src/modules/invoices/invoices.service.js';

// Real HTTP both ways: Koppel listens on a real port with PUBLIC_BASE_URL, the sandbox subscribes it and calls back.
let x: ExactTestEnv;
let t: TestApp;
let admin: Agent;
let base: string;
let fx: InvoicingFixture;

const db = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(t.db.url, text, params);
const invoiceRow = async (id: number) =>
  (await db<{ status: string; paid: string; open: string; gross: string }>('select status, paid::text, open::text, gross::text from invoice where id = $1', [id]))[0];
const paymentsOf = (id: number) =>
  db<{ exact_key: string; amount: string; source: string; kind: string; entry_id: string | null; entry_number: number | null; date: string }>(
    `select exact_key, amount::text, source, kind, entry_id::text, entry_number, to_char(date, 'YYYY-MM-DD') as date from invoice_payment where invoice_id = $1 order by id`,
    [id],
  );
const minus = (a: string, b: string) => (Math.round(Number(a) * 100) - Math.round(Number(b) * 100)) / 100;

/** Clicks "export invoices" on the Accounting screen for these invoices and waits until Exact has them. */
async function exportInvoices(ids: number[]) {
  const token = await csrf(admin, '/accounting/export');
  const res = await admin.post('/accounting/export/run').type('form').send({ _csrf: token, action: 'invoices', includePdf: 'on', invoiceIds: ids.map(String) });
  expect(res.status).toBe(303);
  for (const id of ids) {
    await waitFor(async () => {
      const [row] = await db<{ state: string; exact_entry_id: string | null }>('select state, exact_entry_id from invoice_export where invoice_id = $1', [id]);
      return row?.state === 'exported' && row.exact_entry_id ? row : undefined;
    }, `invoice ${id} exported`, 60_000);
  }
}

async function pay(number: string, amount?: number) {
  return x.control<{ bankEntryId: string; entryNumber: number; amount: number }>('simulate/payment', { division: D1, invoiceNumber: Number(number), ...(amount !== undefined ? { amount } : {}) });
}

/** Nothing queued or running for payments and no FinancialTransactions notification waiting. */
async function paymentsIdle() {
  const idle = async () => {
    const [s] = await db<{ status: string }>(`select status from sync_state where division = $1 and resource = 'payments'`, [D1]);
    const [q] = await db<{ n: string }>(`select count(*) as n from webhook_inbox where topic = 'FinancialTransactions' and status in ('pending', 'processing')`);
    const [r] = await db<{ open: boolean }>(`select requested > handled as open from payment_sync_request where division = $1`, [D1]);
    const stats = await x.control<{ webhooksPending: number }>('stats');
    return (!s || !['queued', 'running'].includes(s.status)) && Number(q.n) === 0 && !r?.open && !stats.webhooksPending;
  };
  // idle twice in a row, half a second apart: no notification or payments run is still on its way
  await waitFor(async () => (await idle()) && (await new Promise((res) => setTimeout(res, 500))) === undefined && (await idle()), 'payments idle', 60_000);
}

async function paymentRuns(): Promise<number> {
  return Number((await db<{ n: string }>(`select count(*) as n from sync_run where resource = 'payments' and division = $1 and status <> 'running'`, [D1]))[0].n);
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  x = await startExactSandbox({ redirectUri: `${base}/settings/integrations/exact/callback` });
  await x.control('webhooks', { delayMs: 20, jitterMs: 50, retryBaseMs: 200 });
  t = await startTestApp({
    ...x.env,
    PORT: String(port),
    PUBLIC_BASE_URL: base,
    SYNC_TIMERS: 'false',
    SYNC_POLL_SECONDS: '0.5',
    WEBHOOK_POLL_MS: '100',
    WEBHOOK_CHECK_SECONDS: '1',
  });
  await t.app.listen(port, '127.0.0.1');
  const a = await t.createUser('admin');
  admin = await t.login(a.email, a.password);
  await connectExact(x, admin, [D1]);
  await importLedgers(t, D1);
  fx = await invoicingFixture(t);
  // Koppel subscribed itself to the payment and account topics of the division
  await waitFor(async () => {
    const subs = await db<{ topic: string }>(`select topic from webhook_subscription where division = $1 and status = 'active'`, [D1]);
    const topics = subs.map((s) => s.topic);
    return topics.includes('FinancialTransactions') && topics.includes('Accounts');
  }, 'webhook subscriptions active', 30_000);
}, 180_000);

afterAll(async () => {
  await t?.close();
  await x?.close();
});

describe('payments via the FinancialTransactions webhook', () => {
  it('partial then full payment in Exact: the invoice shows partly paid, then paid, without anyone pressing a button', async () => {
    const inv = await finalInvoice(t, fx);
    await exportInvoices([inv.id]);
    expect(await invoiceRow(inv.id)).toMatchObject({ status: 'exported', paid: '0.00' });

    const first = await pay(inv.number, 100);
    const partly = await waitFor(async () => {
      const r = await invoiceRow(inv.id);
      return r.status === 'partly_paid' ? r : undefined;
    }, 'partly paid via webhook');
    expect(partly.paid).toBe('100.00');
    expect(partly.open).toBe(minus(inv.gross, '100').toFixed(2));
    let rows = await paymentsOf(inv.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ amount: '100.00', source: 'webhook', kind: 'bank', entry_id: first.bankEntryId, entry_number: first.entryNumber });

    const second = await pay(inv.number);
    const paid = await waitFor(async () => {
      const r = await invoiceRow(inv.id);
      return r.status === 'paid' ? r : undefined;
    }, 'paid via webhook');
    expect(paid.paid).toBe(inv.gross);
    expect(paid.open).toBe('0.00');
    rows = await paymentsOf(inv.id);
    expect(rows.map((r) => r.amount)).toEqual(['100.00', minus(inv.gross, '100').toFixed(2)]);
    expect(rows[1]).toMatchObject({ source: 'webhook', entry_id: second.bankEntryId });

    // the list shows Open and Paid
    const list = await admin.get('/invoices');
    expect(list.status).toBe(200);
    expect(list.text).toContain('Openstaand');
    expect(list.text).toMatch(/<td class="num" data-col="paid">[^<]*<\/td>/);
  });

  it('a refunded credit note: negative payment, paid, open 0', async () => {
    const inv = await finalInvoice(t, fx);
    const creditId = await t.inContext(async () => {
      const svc = t.app.get(InvoicesService);
      const credit = await svc.createCreditNote(inv.id);
      return (await svc.finalize(credit.id)).id;
    });
    const [credit] = await db<{ number: string; gross: string }>('select number::text, gross::text from invoice where id = $1', [creditId]);
    expect(Number(credit.gross)).toBeLessThan(0);
    await exportInvoices([inv.id, creditId]);
    await pay(credit.number); // the whole outstanding (negative) amount paid back to the customer
    const row = await waitFor(async () => {
      const r = await invoiceRow(creditId);
      return r.status === 'paid' ? r : undefined;
    }, 'credit note refunded');
    expect(row).toMatchObject({ paid: credit.gross, open: '0.00' });
    expect((await paymentsOf(creditId)).map((p) => p.amount)).toEqual([credit.gross]);
    expect(await invoiceRow(inv.id)).toMatchObject({ status: 'exported', paid: '0.00' }); // the invoice itself is untouched
  });
});

describe('a notification that finds the payments run busy', () => {
  it('is not lost when the run is past its last look: a run follows once the busy job is complete', async () => {
    await paymentsIdle();
    const sync = t.app.get(PaymentsSync);
    const pending = async () => {
      const [r] = await db<{ requested: string; handled: string }>('select requested::text, handled::text from payment_sync_request where division = $1', [D1]);
      return BigInt(r?.requested ?? 0) - BigInt(r?.handled ?? 0);
    };
    const terms = () => x.requests({ endpoint: 'sync/cashflow/paymentterms', division: D1 });
    const runs = await paymentRuns();
    // every round of the run reads PaymentTerms slowly; one notification arrives during each round, so the run
    // goes round again until MAX_ROUNDS (5) and ends with the last request still open (the same happens when a
    // notification arrives between a run's last look and the end of its job — the race a slow machine widens)
    await x.control('faults', { endpoints: ['sync/Cashflow/PaymentTerms'], errorRate: 0, latencyMs: 2500 });
    try {
      const event = (i: number) => ({ id: 0, topic: 'FinancialTransactions', division: D1, action: 'Update', key: `busy-${i}`, endpoint: '', eventCreatedOn: new Date(), receivedAt: new Date(), attempt: 1 });
      let seen = await terms();
      await sync.onFinancialTransaction(event(0) as never); // starts a run
      for (let round = 1; round <= 5; round++) {
        await waitFor(async () => ((await terms()) > seen ? true : undefined), `round ${round} reading PaymentTerms`, 60_000);
        seen = await terms();
        await sync.onFinancialTransaction(event(round) as never); // the job is busy: counted only
      }
    } finally {
      await x.control('faults', undefined, 'DELETE');
    }
    // no schedule fires here (SYNC_TIMERS=false) and no further notification comes: only a follow-up run handles it
    await waitFor(async () => ((await pending()) === 0n ? true : undefined), 'every request handled', 60_000);
    expect(await paymentRuns()).toBeGreaterThanOrEqual(runs + 2);
  }, 120_000);
});

describe('payments via the 15-minute job when webhooks are lost', () => {
  it('picks up a partial and then a full payment on the next run of the schedule', async () => {
    const inv = await finalInvoice(t, fx);
    await exportInvoices([inv.id]);
    await paymentsIdle(); // the export's own notifications are through
    await x.control('webhooks', { enabled: false });
    try {
      const { scheduler } = syncOf(t.app);
      const runs = await paymentRuns();
      await pay(inv.number, 50);
      expect(await invoiceRow(inv.id)).toMatchObject({ status: 'exported', paid: '0.00' }); // no webhook, no run yet

      await advanceClocks(x, [t], 15 * 60);
      const tick = await scheduler.tick();
      expect(tick.fired.map((f) => f.schedule)).toContain('15min');
      const partly = await waitFor(async () => {
        const r = await invoiceRow(inv.id);
        return r.status === 'partly_paid' ? r : undefined;
      }, 'partly paid via the schedule', 60_000);
      expect(partly.paid).toBe('50.00');
      expect((await paymentsOf(inv.id)).map((r) => [r.amount, r.source])).toEqual([['50.00', 'sync']]);
      expect(await paymentRuns()).toBeGreaterThan(runs);

      await pay(inv.number);
      await advanceClocks(x, [t], 15 * 60);
      await scheduler.tick();
      const paid = await waitFor(async () => {
        const r = await invoiceRow(inv.id);
        return r.status === 'paid' ? r : undefined;
      }, 'paid via the schedule', 60_000);
      expect(paid).toMatchObject({ paid: inv.gross, open: '0.00' });
      expect((await paymentsOf(inv.id)).map((r) => r.source)).toEqual(['sync', 'sync']);
    } finally {
      await x.control('webhooks', { enabled: true });
    }
  });
});

describe('processing the same change twice changes nothing', () => {
  const snapshot = async () => ({
    payments: await db('select invoice_id, division, exact_key, amount::text, kind, date::text from invoice_payment order by id'),
    invoices: await db('select id, status, paid::text, open::text from invoice order by id'),
  });

  it('applying every PaymentTerms row again, twice, inserts and changes nothing', async () => {
    await paymentsIdle();
    const before = await snapshot();
    expect(before.payments.length).toBeGreaterThanOrEqual(4);
    const api = t.app.get(ExactClient).division(D1);
    const rows: TermRow[] = [];
    for await (const page of api.paymentTermsSync.changes(1n, TERM_SELECT)) rows.push(...(page.rows as TermRow[]));
    const payments = t.app.get(PaymentsService);
    const bankLines = () => x.requests({ endpoint: 'bulk/financial/transactionlines', division: D1 });
    for (let i = 0; i < 2; i++) {
      const calls = await bankLines();
      const r = await payments.applyTerms(t.orm.em.fork(), D1, rows, 'sync');
      expect(r.recorded).toBe(0);
      expect(r.invoicesChanged).toBe(0);
      expect(r.matched).toBeGreaterThanOrEqual(2);
      // the bank lines of every paid Koppel invoice in one call (counted by the sandbox; the result says the same)
      expect((await bankLines()) - calls).toBe(1);
      expect(r.apiCalls).toBe(1);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('a full reconciliation from the start (cursor reset) and a replayed webhook change nothing', async () => {
    await paymentsIdle();
    const before = await snapshot();
    // the whole reconciliation again, from Timestamp 1
    let runs = await paymentRuns();
    await db(`update sync_state set cursor = null where division = $1 and resource = 'payments'`, [D1]);
    expect(await t.app.get(SyncService).enqueue(D1, 'payments', 'manual')).toBe('queued');
    await waitFor(async () => (await paymentRuns()) > runs, 'reconciliation ran', 60_000);
    expect(await snapshot()).toEqual(before);

    // the same FinancialTransactions change notified again (a new notification for the bank entry of the first payment)
    const [p] = await db<{ entry_id: string }>(`select entry_id::text from invoice_payment where kind = 'bank' order by id limit 1`);
    runs = await paymentRuns();
    const body = notificationBody({
      Topic: 'FinancialTransactions', ClientId: x.client.clientId, Division: D1, Action: 'Update', Key: p.entry_id,
      ExactOnlineEndpoint: `${x.sandbox.url}/api/v1/${D1}/financialtransaction/BankEntries(guid'${p.entry_id}')`, EventCreatedOn: new Date().toISOString(),
    }, x.client.webhookSecret);
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${base}/webhooks/exact`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      expect(res.status).toBe(200);
    }
    await waitFor(async () => (await paymentRuns()) > runs, 'webhook-triggered run', 60_000);
    expect(await snapshot()).toEqual(before);
  });
});

describe('matching rules', () => {
  it('falls back to the invoice number (with our YourRef) when the entry ID was never recorded; a term matched without bank lines is settled once', async () => {
    const inv = await finalInvoice(t, fx);
    await exportInvoices([inv.id]);
    // as if the export crashed before it stored the entry ID
    await db('update invoice_export set exact_entry_id = null where invoice_id = $1', [inv.id]);
    const term = {
      ID: '0b6f3c1e-1111-4222-8333-944455556666', Timestamp: 1n, LineType: 20, Status: 50, IsFullyPaid: true, LastPaymentDate: new Date('2026-11-25T00:00:00Z'),
      InvoiceNumber: Number(inv.number), EntryNumber: Number(inv.number), YourRef: inv.number, AmountDC: Number(inv.gross),
      TransactionEntryID: '0b6f3c1e-9999-4222-8333-944455556666', Account: null,
    } as TermRow;
    const payments = t.app.get(PaymentsService);
    // someone else's entry with the same number (other YourRef) is never taken for ours
    expect((await payments.applyTerms(t.orm.em.fork(), D1, [{ ...term, YourRef: 'X-1' }], 'sync')).matched).toBe(0);
    const first = await payments.applyTerms(t.orm.em.fork(), D1, [term], 'sync');
    expect(first).toMatchObject({ matched: 1, recorded: 1, invoicesChanged: 1 });
    expect(await invoiceRow(inv.id)).toMatchObject({ status: 'paid', paid: inv.gross, open: '0.00' });
    expect(await paymentsOf(inv.id)).toEqual([expect.objectContaining({ kind: 'settlement', amount: inv.gross, date: '2026-11-25' })]);
    const again = await payments.applyTerms(t.orm.em.fork(), D1, [term], 'sync');
    expect(again).toMatchObject({ matched: 1, recorded: 0, invoicesChanged: 0 });
    // a payable (LineType 22) is never a receivable of ours
    expect((await payments.applyTerms(t.orm.em.fork(), D1, [{ ...term, LineType: 22 }], 'sync')).matched).toBe(0);
  });
});

describe('the payments popup (SHOW_TRANSACTION)', () => {
  it('is off by default; when turned on, clicking Open/Paid opens the list of payments', async () => {
    const [row] = await db<{ invoice_id: number }>(`select invoice_id from invoice_payment group by invoice_id having count(*) = 2 order by invoice_id limit 1`);
    const id = row.invoice_id;
    let list = await admin.get('/invoices');
    expect(list.text).not.toContain(`data-payments-link="${id}"`);
    expect(list.text).toContain('name="showTransactions"');

    const token = await csrf(admin, '/invoices');
    const saved = await admin.post('/settings/payments').type('form').send({ _csrf: token, showTransactions: 'on', back: '/invoices' });
    expect(saved.status).toBe(303);
    list = await admin.get('/invoices');
    expect(list.text).toContain(`data-payments-link="${id}"`);
    expect(list.text).toContain(`hx-get="/invoices/${id}/payments"`);

    const popup = await admin.get(`/invoices/${id}/payments`).set('HX-Request', 'true');
    expect(popup.status).toBe(200);
    expect(popup.text).toContain('<dialog open');
    expect(popup.text).not.toContain('<html');
    const payments = await paymentsOf(id);
    for (const p of payments) {
      expect(popup.text).toContain(`data-amount="${p.amount}"`);
      expect(popup.text).toContain(p.entry_id!);
      expect(popup.text).toContain(`boeking ${p.entry_number} in dagboek 20`);
    }
    // without htmx the same list is a page
    const page = await admin.get(`/invoices/${id}/payments`);
    expect(page.text).toContain('<html');

    // the detail page has a payments section
    const detail = await admin.get(`/invoices/${id}`);
    expect(detail.text).toContain('id="payments"');
    for (const p of payments) expect(detail.text).toContain(`data-amount="${p.amount}"`);

    // a planner neither sees the payments nor changes the setting (issue 13, roles)
    const pl = await t.createUser('planner');
    const planner = await t.login(pl.email, pl.password);
    expect((await planner.get(`/invoices/${id}/payments`).set('HX-Request', 'true')).status).toBe(403);
    const pt = await csrf(planner, '/');
    expect((await planner.post('/settings/payments').type('form').send({ _csrf: pt, showTransactions: '' })).status).toBe(403);
  });
});

describe('customers created in Exact arrive through the Accounts webhook (issue 6)', () => {
  it('creates the customer in Koppel without a sync run', async () => {
    const name = `Webhook Klant ${Date.now()} B.V.`;
    const created = await x.control<{ ID: string; Code: string }>('accounts', { division: D1, Name: name, Status: 'C', IsSales: true, City: 'Zwolle', Country: 'NL' });
    const customer = await waitFor(async () => {
      const [c] = await db<{ id: number; number: string; name: string }>('select id, number, name from customers where name = $1', [name]);
      return c;
    }, 'customer created by the Accounts webhook');
    expect(customer.number).toBe(String(created.Code).trim());
    const [link] = await db<{ exact_id: string }>('select exact_id::text from customer_exact_links where customer_id = $1 and division = $2', [customer.id, D1]);
    expect(link.exact_id.toLowerCase()).toBe(created.ID.toLowerCase());
    const [done] = await db<{ n: string }>(`select count(*) as n from webhook_inbox where topic = 'Accounts' and status = 'done' and content like $1`, [`%${created.ID}%`]);
    expect(Number(done.n)).toBeGreaterThanOrEqual(1);
  });
});
