import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { csrf, startTestApp, type Agent, type TestApp } from '../support/app.js';
import { connectExact, startExactSandbox, type ExactTestEnv } from '../support/exact.js';
import { sql, SYNC_TEST_ENV, waitFor } from '../support/sync.js';
import { D1, importLedgers, invoicingFixture, type InvoicingFixture } from '../support/invoices.js';
import { LedgersSync } from '../../src/modules/ledgers/ledgers.sync.js';
import { projectRoot } from '../../src/common/paths.js';
import { killAtGate, type Killable } from '../support/crash-gate.js';

// Issue 18: "a process killed mid-send". A real OS process of the built app (npm test builds) forwards a cash day and is
// SIGKILLed (1) after it recorded the day's batch but before the POST (held at its next write by a test-only gate), and
// (2) after Exact stored the entry but before the answer came (the sandbox's after-commit timeout fault). The batch it
// recorded before the POST stays; the next forwarding sends it, or finds it by our reference: one entry in Exact, never
// two, never none.
let x: ExactTestEnv;
let t: TestApp;
let admin: Agent;
let fx: InvoicingFixture;
const db = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(t.db.url, text, params);
const day = (offset: number) => new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);
const glId = async (number: string) => String((await db<{ id: number }>('select id from gl_account where number = $1', [number]))[0].id);

async function post(path: string, form: Record<string, unknown>, page: string) {
  const token = await csrf(admin, page);
  const res = await admin.post(path).type('form').send({ _csrf: token, ...form });
  if (res.status !== 303) throw new Error(`${path}: ${res.status}`);
}

beforeAll(async () => {
  x = await startExactSandbox();
  await x.control('limits', { minutely: 100000, daily: 1000000 });
  t = await startTestApp({ ...x.env, ...SYNC_TEST_ENV });
  const a = await t.createUser('admin');
  admin = await t.login(a.email, a.password);
  await connectExact(x, admin, [D1]);
  await importLedgers(t, D1, ['journals'] as never);
  const { importId } = await t.app.get(LedgersSync).request(D1, 'gl-accounts', 'import', { allTypes: true });
  await waitFor(async () => (await db<{ status: string }>('select status from ledger_import where id = $1', [importId]))[0]?.status === 'done', 'GL accounts imported', 60_000);
  fx = await invoicingFixture(t, { code: 'KIL' });
  await post('/accounting/transactions/types', { name: 'Baliebetaling', glAccountId: await glId('8000'), direction: 'in', cash: 'on', active: 'on' }, '/accounting/transactions/settings');
  await post(`/accounting/transactions/settings/${fx.locationId}`, { cashJournalCode: '10', miscJournalCode: '90', debtorsGlAccountId: await glId('1300') }, `/accounting/transactions/settings/${fx.locationId}`);
}, 240_000);

afterAll(async () => {
  await t?.close();
  await x?.close();
});

/** The built app forwarding the division's transactions in its own OS process (killed by the tests). */
function startForwarding(): Killable & { output: () => string } {
  const child = spawn(process.execPath, [join(projectRoot, 'test', 'support', 'transactions-process.mjs')], {
    env: { ...process.env, ...x.env, DATABASE_URL: t.db.url, DATA_DIR: t.db.dataDir, FORWARD_DIVISION: String(D1), NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<string | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  return { exited, output: () => out, kill: () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL') };
}

/** Records cash transactions of one day at the location; returns their ids. */
async function recordCash(date: string, amounts: string[]): Promise<number[]> {
  const [type] = await db<{ id: number }>(`select id from transaction_type where name = 'Baliebetaling'`);
  const ids: number[] = [];
  for (const amount of amounts) {
    await post('/accounting/transactions', { locationId: fx.locationId, typeId: String(type.id), date, amount, method: 'cash', description: `kas ${amount}` }, '/accounting/transactions/new');
    ids.push(Number((await db<{ id: number }>('select max(id) as id from desk_transaction'))[0].id));
  }
  return ids;
}

/** "Send to Exact now" in the surviving app, until these transactions are sent; their batch rows. */
async function sendNow(ids: number[]) {
  await post('/accounting/transactions/forward', {}, '/accounting/transactions');
  return waitFor(async () => {
    const r = await db<{ state: string; entry_id: string | null; b_state: string; reference: string }>(
      `select t.state, b.exact_entry_id::text as entry_id, b.state as b_state, b.reference from desk_transaction t join transaction_batch b on b.id = t.batch_id where t.id = any($1)`, [ids]);
    return r.length === ids.length && r.every((x) => x.state === 'sent') ? r : undefined;
  }, 'transactions sent after the restart', 60_000);
}

const cashLines = async () => (await x.control<{ rows: Record<string, unknown>[] }>(`data/${D1}/CashEntryLines?limit=1000`)).rows;

describe('a Koppel process killed mid-send', () => {
  it('after the day\'s batch was recorded, before the POST: the restart sends it exactly once', async () => {
    const date = day(5);
    const ids = await recordCash(date, ['4.50', '11.00']);
    const postsBefore = await x.requests({ method: 'POST', endpoint: 'financialtransaction/cashentries' });
    // the first write after the batch was recorded (raising its attempts, just before the POST) is held; killed there
    const signal = await killAtGate(t.db.url, { table: 'transaction_batch', event: 'update', when: 'old.attempts = 0 and new.attempts > 0' }, startForwarding, 'the POST of the batch');
    expect(signal).toBe('SIGKILL');
    const [batch] = await db<{ reference: string; state: string; attempts: number }>('select reference, state, attempts from transaction_batch where location_id = $1 and date = $2', [fx.locationId, date]);
    expect(batch).toMatchObject({ state: 'sending', attempts: 0 });
    expect((await db<{ state: string }>('select state from desk_transaction where id = any($1)', [ids])).map((r) => r.state)).toEqual(['sending', 'sending']);
    expect(await x.requests({ method: 'POST', endpoint: 'financialtransaction/cashentries' })).toBe(postsBefore);
    expect((await cashLines()).filter((l) => l.Notes === batch.reference)).toEqual([]);

    const rows = await sendNow(ids);
    expect(new Set(rows.map((r) => r.reference))).toEqual(new Set([batch.reference]));
    expect(await x.requests({ method: 'POST', endpoint: 'financialtransaction/cashentries' })).toBe(postsBefore + 1);
    const mine = (await cashLines()).filter((l) => l.Notes === batch.reference);
    expect(mine.map((l) => l.AmountFC)).toEqual([4.5, 11]);
    expect(new Set(mine.map((l) => String(l.EntryID)))).toEqual(new Set([rows[0].entry_id]));
    expect(await db('select id from transaction_batch where location_id = $1 and date = $2', [fx.locationId, date])).toHaveLength(1);
  });

  it('after Exact stored the entry: the next run finds it by our reference and books nothing twice', async () => {
    const ids = await recordCash(day(4), ['12.50', '30.00', '7.75']);
    // Exact stores the entry, then never answers
    await x.control('faults', { endpoints: ['CashEntries'], methods: ['POST'], afterCommit: true, timeout: true, count: 1 });
    const child = startForwarding();
    try {
      // the batch was recorded before the POST, and Exact has the entry with our reference
      const batchOf = async () =>
        (await db<{ reference: string; state: string; attempts: number }>(`select reference, state, attempts from transaction_batch where location_id = $1 and date = $2`, [fx.locationId, day(4)]))[0];
      const reference = await waitFor(async () => {
        const b = await batchOf();
        return b && (await cashLines()).some((l) => l.Notes === b.reference) ? b.reference : undefined;
      }, `the entry stored in Exact (process output: ${child.output()})`, 120_000);
      // read again now that Exact has it (the row read above may predate the attempt, which is committed before the POST)
      expect(await batchOf()).toEqual({ reference, state: 'sending', attempts: 1 });
      child.kill();
      expect(await child.exited).toBe('SIGKILL');
      expect((await db<{ state: string }>('select state from desk_transaction where id = any($1)', [ids])).map((r) => r.state)).toEqual(['sending', 'sending', 'sending']);
    } finally {
      child.kill();
      await x.control('faults', undefined, 'DELETE');
    }

    // "Send to Exact now" in the surviving app: looked up, found, marked sent
    const postsBefore = await x.requests({ method: 'POST', endpoint: 'financialtransaction/cashentries' });
    const rows = await sendNow(ids);
    expect(new Set(rows.map((r) => r.entry_id)).size).toBe(1);
    expect(await x.requests({ method: 'POST', endpoint: 'financialtransaction/cashentries' })).toBe(postsBefore);
    const mine = (await cashLines()).filter((l) => l.Notes === rows[0].reference);
    expect(mine.map((l) => l.AmountFC)).toEqual([12.5, 30, 7.75]);
    expect(new Set(mine.map((l) => String(l.EntryID)))).toEqual(new Set([rows[0].entry_id]));
    expect(await db('select id from transaction_batch where location_id = $1 and date = $2', [fx.locationId, day(4)])).toHaveLength(1);
  });
});
