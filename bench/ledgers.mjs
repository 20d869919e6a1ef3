// `npm run bench -- ledgers`: imports the GL accounts (all types) and the journals of one sandbox division into an
// empty Koppel through the sync engine (the same path as the "Import from Exact" buttons), and counts Exact calls.
// Then `health_check_calls`: the Exact calls of one full connection health check of the division with every feature on
// (a location with sales and credit journal, GL account, cost centre and unit carried on invoice lines, PDFs sent, a
// customer still to be sent, a final invoice to export, every planning option and outgoing switch, transactions),
// counted by the sandbox, as it runs nightly and after a location is saved: master data read again, the rights Exact
// allowed before not asked again (refusals are). The same check asking every right (the
// first check, "Check now", after connecting) is printed on the line before the JSON (a key of its own is not among the issue's).
import { startBenchEnvironment } from './support.mjs';

const DIVISION = 1234567;

export default async function ledgersBench(args = []) {
  const division = Number(args[0]) || DIVISION;
  const env = await startBenchEnvironment({ env: { SYNC_ENABLED: 'true', SYNC_TIMERS: 'false', SYNC_POLL_SECONDS: '0.5' } });
  try {
    await env.connect('all');
    const { LedgersSync } = await import(env.dist('modules/ledgers/ledgers.sync.js'));
    const { PG_POOL } = await import(env.dist('database/pg-pool.js'));
    const pool = env.app.get(PG_POOL);
    const jobs = env.app.get(LedgersSync);
    const callsBefore = await env.apiCalls();

    const t0 = performance.now();
    await jobs.request(division, 'gl-accounts', 'import', { allTypes: true });
    await jobs.request(division, 'journals', 'import');
    const deadline = Date.now() + 120_000;
    let rows = [];
    for (;;) {
      rows = (await pool.query("select resource, status, error, created, api_calls from ledger_import where division = $1 order by id", [division])).rows;
      if (rows.length === 2 && rows.every((r) => r.status === 'done' || r.status === 'failed')) break;
      if (Date.now() > deadline) throw new Error(`imports did not finish: ${JSON.stringify(rows)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - t0) / 1000;
    const failed = rows.filter((r) => r.status === 'failed');
    if (failed.length) throw new Error(`import failed: ${failed.map((r) => `${r.resource}: ${r.error}`).join('; ')}`);
    const count = async (table) => (await pool.query(`select count(*)::int n from ${table}`)).rows[0].n;
    const glAccounts = await count('gl_account');
    const journals = await count('journal');
    const apiCalls = (await env.apiCalls()) - callsBefore;
    console.log(`imported ${glAccounts} GL accounts and ${journals} journals of division ${division} in ${seconds.toFixed(2)} s with ${apiCalls} Exact calls`);
    const health = await healthCheck(env, pool, jobs, division);
    console.log(`a full connection health check of division ${division} with every feature on took ${health.warm} Exact calls (${health.cold} cold: first check, "Check now", after connecting)`);
    return { bench: 'ledgers', gl_accounts: glAccounts, journals, api_calls: apiCalls, seconds: Number(seconds.toFixed(3)), health_check_calls: health.warm };
  } finally {
    await env.close();
  }
}

/** Switches every feature on for the division and counts the calls of one full health check (sandbox counter). */
async function healthCheck(env, pool, jobs, division) {
  const q = async (text, params = []) => (await pool.query(text, params)).rows;
  for (const key of ['costDimensionsEnabled', 'invoiceLinesCarryCostDimensions']) {
    await q(`insert into ledger_setting (key, value) values ($1, 'true'::jsonb) on conflict (key) do update set value = 'true'::jsonb`, [key]);
  }
  for (const resource of ['vat-codes', 'cost-centers']) {
    const { importId } = await jobs.request(division, resource, 'import');
    const deadline = Date.now() + 120_000;
    while ((await q('select status from ledger_import where id = $1', [importId]))[0]?.status !== 'done') {
      if (Date.now() > deadline) throw new Error(`${resource} import did not finish`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const [gl] = await q(`select id from gl_account where number = '8000'`);
  const [cc] = await q('select id from cost_center order by id limit 1');
  const [cu] = await q('select id from cost_unit order by id limit 1');
  const [vat] = await q(`select id from vat_rate where name = '21 %'`);
  const [loc] = await q(`insert into locations (name, code, street, house_number, postcode, city, country, exact_division, sales_journal_code, credit_journal_code) values ('Bench', 'HLT', 'Markt', '1', '1234 AB', 'Zwolle', 'NL', $1, '70', '75') returning id`, [division]);
  await q('insert into location_invoicing (location_id, gl_account_id, cost_center_id, cost_unit_id, next_number, include_pdf) values ($1, $2, $3, $4, 1, true)', [loc.id, gl.id, cc?.id ?? null, cu?.id ?? null]);
  const [customer] = await q(`insert into customers (number, name, type, street, house_number, postcode, city, country, location_id) values ('HLT1', 'Bench klant', 'business', 'Dorpsstraat', '1', '1234 AB', 'Zwolle', 'NL', $1) returning id`, [loc.id]);
  const { MikroORM, RequestContext } = await import('@mikro-orm/postgresql');
  const orm = env.app.get(MikroORM);
  const { InvoicesService } = await import(env.dist('modules/invoices/invoices.service.js'));
  await RequestContext.create(orm.em, async () => {
    const svc = env.app.get(InvoicesService);
    const inv = await svc.create({ locationId: String(loc.id), customerId: String(customer.id), invoiceDate: new Date().toISOString().slice(0, 10), 'lines[0][description]': 'Advies', 'lines[0][quantity]': '1', 'lines[0][unitPrice]': '95', 'lines[0][vatRateId]': String(vat.id) });
    await svc.finalize(inv.id);
  });
  // the features other modules register: every planning option, every outgoing switch, desk transactions
  const { PLANNING_OPTIONS } = await import(env.dist('modules/planning/planning.options.js'));
  const all = JSON.stringify(Object.fromEntries(PLANNING_OPTIONS.map((o) => [o, true])));
  await q(`insert into planning_settings (division, options) values ($1, $2::jsonb) on conflict (division) do update set options = excluded.options`, [division, all]);
  await q(`insert into planning_outgoing_settings (division, production_order_outbound, shop_order_time, shop_order_planned_date, project_outbound, sales_order_outbound, sales_order_delivery_date) values ($1, true, true, true, true, true, true) on conflict (division) do nothing`, [division]);
  await q(`insert into transaction_location_settings (location_id, cash_journal_code, misc_journal_code, debtors_gl_account_id) values ($1, '20', '90', $2)`, [loc.id, gl.id]);
  const { ConnectionHealthService } = await import(env.dist('modules/connection-health/connection-health.service.js'));
  const health = env.app.get(ConnectionHealthService);
  const counted = async (fresh) => {
    const before = await env.apiCalls();
    const result = await health.check(division, { fresh });
    return { result, calls: (await env.apiCalls()) - before };
  };
  // cold: the first check, "Check now" or after connecting: every right is asked (one users/UserHasRights per right)
  const cold = await counted(true);
  // the full check as it runs nightly and after a location is saved: the rights Exact allowed are not asked again
  // (HealthRights: until the connection changes, a call is refused or 7 days pass); the master data is read again
  const { result, calls } = await counted(false);
  const off = result.features.filter((f) => !f.enabled).map((f) => f.key);
  if (off.length) throw new Error(`features off in the health bench: ${off.join(', ')}`);
  if (result.error) throw new Error(`health check failed: ${result.error}`);
  if (!cc || !cu) throw new Error('no cost centre or cost unit imported for the health bench');
  if (JSON.stringify(result.problems) !== JSON.stringify(cold.result.problems)) throw new Error('the check reusing rights found other problems than the cold one');
  console.log(`health check: ${result.problems.length} problem(s): ${result.problems.map((p) => p.code).join(', ') || 'none'}; Koppel counted ${cold.result.calls} calls cold, ${result.calls} reusing rights`);
  return { cold: cold.calls, warm: calls };
}
