// npm run bench -- transactions [count]
// Issue 18: 5 000 desk transactions over 2 locations and 30 days, half of them cash, forwarded to the sandbox through the
// sync engine ("Send to Exact now"). API calls come from the sandbox's own request counter; the aim is at most
// 2 × locations × days + 10 (one cash and one general journal entry per location and day, plus look-ups).
// The customers of the non-cash transactions are in Exact already (sent when they were saved); that is set up
// before counting.
import { startBenchEnvironment, waitFor } from './support.mjs';

const DIVISION = 1234567;
const LOCATIONS = 2;
const DAYS = 30;


export default async function run(args) {
  const count = Number(args[0] ?? 5000);
  const env = await startBenchEnvironment({ limits: { minutely: 1_000_000, daily: 10_000_000 }, env: { SYNC_ENABLED: 'true', SYNC_TIMERS: 'false', SYNC_POLL_SECONDS: '0.5' } });
  try {
    await env.connect();
    const { MikroORM } = await import('@mikro-orm/postgresql');
    const orm = env.app.get(MikroORM);
    const q = (sql, params = []) => orm.em.getConnection().execute(sql, params);
    const { LedgersSync } = await import(env.dist('modules/ledgers/ledgers.sync.js'));
    for (const [resource, allTypes] of [['gl-accounts', true], ['journals', false]]) {
      const { importId } = await env.app.get(LedgersSync).request(DIVISION, resource, 'import', { allTypes });
      await waitFor(async () => (await q('select status from ledger_import where id = ?', [importId]))[0]?.status === 'done');
    }
    const gl = async (number) => (await q('select id from gl_account where number = ?', [number]))[0].id;
    const [sale] = await q(`insert into transaction_type (name, gl_account_id, cash, direction, active) values ('Baliebetaling', ?, true, 'in', true) returning id`, [await gl('8000')]);
    const [refund] = await q(`insert into transaction_type (name, gl_account_id, cash, direction, active) values ('Terugbetaling', ?, true, 'out', true) returning id`, [await gl('8000')]);
    const [pin] = await q(`insert into transaction_type (name, gl_account_id, cash, direction, active) values ('Pin', ?, false, 'in', true) returning id`, [await gl('1100')]);
    const { CustomerExportService } = await import(env.dist('modules/customers/customer-export.service.js'));
    const debtors = await gl('1300');
    const locations = [];
    for (let l = 0; l < LOCATIONS; l++) {
      const code = `TX${l + 1}`;
      const [loc] = await q(`insert into locations (name, code, street, house_number, postcode, city, country, exact_division, sales_journal_code) values (?, ?, 'Markt', '1', '1234 AB', 'Zwolle', 'NL', ?, '70') returning id`, [`Balie ${code}`, code, DIVISION]);
      await q(`insert into transaction_location_settings (location_id, cash_journal_code, misc_journal_code, debtors_gl_account_id) values (?, ?, ?, ?)`, [loc.id, l === 0 ? '10' : '11', l === 0 ? '90' : '91', debtors]);
      const customers = [];
      for (let i = 0; i < 10; i++) {
        const [c] = await q(`insert into customers (number, name, type, street, house_number, postcode, city, country, location_id) values (?, ?, 'business', 'Dorpsstraat', ?, '1234 AB', 'Zwolle', 'NL', ?) returning id`, [`T${code}${i}`, `Balieklant ${code} ${i}`, String(i + 1), loc.id]);
        await env.app.get(CustomerExportService).ensureInExact(c.id, DIVISION);
        customers.push(c.id);
      }
      locations.push({ id: loc.id, customers });
    }
    // count transactions: location, day (1..30 days ago), half cash (a tenth of those refunds), half other with a customer
    const day = (n) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
    const rows = [];
    for (let i = 0; i < count; i++) {
      const loc = locations[i % LOCATIONS];
      const cash = Math.floor(i / LOCATIONS) % 2 === 0;
      const isRefund = cash && i % 20 === 0;
      const cents = 100 + ((i * 7919) % 20000);
      const amount = ((isRefund ? -cents : cents) / 100).toFixed(2);
      const type = cash ? (isRefund ? refund.id : sale.id) : pin.id;
      rows.push([loc.id, type, day(1 + (Math.floor(i / (LOCATIONS * 2)) % DAYS)), amount, cash ? 'cash' : 'other', cash ? null : loc.customers[i % loc.customers.length], `Bench ${i}`]);
    }
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      await q(`insert into desk_transaction (location_id, type_id, date, amount, method, customer_id, description) values ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`, chunk.flat());
    }
    const days = Number((await q(`select count(distinct date) as n from desk_transaction`))[0].n);

    const { TransactionsSync } = await import(env.dist('modules/transactions/transactions.sync.js'));
    const before = await env.apiCalls({ division: DIVISION });
    const t0 = performance.now();
    await env.app.get(TransactionsSync).forwardNow([DIVISION]);
    await waitFor(async () => {
      const [r] = await q(`select count(*) filter (where state in ('queued', 'sending')) as open, count(*) filter (where state = 'sent') as sent from desk_transaction`);
      const [s] = await q(`select status from sync_state where division = ? and resource = 'transactions'`, [DIVISION]);
      return Number(r.open) === 0 && s && !['queued', 'running'].includes(s.status) ? r : undefined;
    }, 900_000);
    const seconds = (performance.now() - t0) / 1000;
    const apiCalls = (await env.apiCalls({ division: DIVISION })) - before;
    const [states] = await q(`select count(*) filter (where state = 'sent') as sent, count(*) filter (where state <> 'sent') as other from desk_transaction`);
    const [batches] = await q(`select count(*) as n, count(*) filter (where kind = 'cash') as cash from transaction_batch where state = 'sent'`);
    console.error(`${states.sent}/${count} sent (${states.other} not), ${batches.n} entries (${batches.cash} cash), ${apiCalls} calls in ${seconds.toFixed(1)} s; aim ≤ ${2 * LOCATIONS * days + 10}`);
    if (Number(states.other) > 0) throw new Error(`${states.other} transactions were not sent`);
    return { bench: 'transactions', transactions: count, days, api_calls: apiCalls, calls_per_transaction: Number((apiCalls / count).toFixed(4)) };
  } finally {
    await env.close();
  }
}
