// npm run bench -- export [count]
// "Export customers & invoices" of 1000 invoices with PDFs and 1000 without, against the sandbox:
// Exact API calls per invoice and wall time; seconds_at_real_limits = the time Exact's 60 calls/minute
// would impose on those calls (the sandbox's limit is lifted so the bench measures Koppel itself).
import { startBenchEnvironment, waitFor } from './support.mjs';

const DIVISION = 1234567;


export default async function run(args) {
  const count = Number(args[0] ?? 1000);
  const env = await startBenchEnvironment({ limits: { minutely: 1_000_000, daily: 10_000_000 }, env: { SYNC_ENABLED: 'true', SYNC_TIMERS: 'false', SYNC_POLL_SECONDS: '0.5' } });
  try {
    await env.connect();
    const { MikroORM, RequestContext } = await import('@mikro-orm/postgresql');
    const orm = env.app.get(MikroORM);
    const q = (sql, params = []) => orm.em.getConnection().execute(sql, params);
    const { LedgersSync } = await import(env.dist('modules/ledgers/ledgers.sync.js'));
    for (const resource of ['gl-accounts', 'journals', 'vat-codes']) {
      const { importId } = await env.app.get(LedgersSync).request(DIVISION, resource, 'import');
      await waitFor(async () => (await q('select status from ledger_import where id = ?', [importId]))[0]?.status === 'done');
    }
    // two locations (with / without PDF), one customer each, one template invoice made final (PDF stored)
    const { InvoicesService } = await import(env.dist('modules/invoices/invoices.service.js'));
    const [gl] = await q(`select id from gl_account where number = '8000'`);
    const [vat] = await q(`select id from vat_rate where name = '21 %'`);
    const ids = {};
    for (const [code, pdf, start] of [['PDF', true, 3000001], ['NOP', false, 4000001]]) {
      const [loc] = await q(`insert into locations (name, code, street, house_number, postcode, city, country, exact_division, sales_journal_code) values (?, ?, 'Markt', '1', '1234 AB', 'Zwolle', 'NL', ?, '70') returning id`, [`Bench ${code}`, code, DIVISION]);
      await q(`insert into location_invoicing (location_id, gl_account_id, next_number, include_pdf) values (?, ?, ?, ?)`, [loc.id, gl.id, start, pdf]);
      const customers = [];
      for (let i = 0; i < 20; i++) {
        const [c] = await q(`insert into customers (number, name, type, street, house_number, postcode, city, country, location_id) values (?, ?, 'business', 'Dorpsstraat', ?, '1234 AB', 'Zwolle', 'NL', ?) returning id`, [`B${code}${i}`, `Bench klant ${code} ${i}`, String(i + 1), loc.id]);
        customers.push(c.id);
      }
      const template = await RequestContext.create(orm.em, async () => {
        const svc = env.app.get(InvoicesService);
        const inv = await svc.create({ locationId: String(loc.id), customerId: String(customers[0]), invoiceDate: '2026-11-20', 'lines[0][description]': 'Advies', 'lines[0][quantity]': '2', 'lines[0][unitPrice]': '95', 'lines[0][vatRateId]': String(vat.id), 'lines[1][description]': 'Reiskosten', 'lines[1][quantity]': '1', 'lines[1][unitPrice]': '25', 'lines[1][vatRateId]': String(vat.id) });
        return svc.finalize(inv.id);
      });
      // clone it count-1 times in SQL (same lines and PDF), spread over the customers
      await q(`insert into invoice (location_id, kind, number, invoice_date, due_date, customer_id, status, language, net, vat, gross, paid, open, finalized_at)
               select location_id, kind, number + g, invoice_date, due_date, (array[${customers.join(',')}])[1 + g % ${customers.length}], status, language, net, vat, gross, paid, open, finalized_at
               from invoice, generate_series(1, ?) g where invoice.id = ?`, [count - 1, template.id]);
      await q(`insert into invoice_line (invoice_id, position, description, quantity, unit_price, discount_percent, vat_rate_id)
               select i.id, l.position, l.description, l.quantity, l.unit_price, l.discount_percent, l.vat_rate_id from invoice i, invoice_line l
               where l.invoice_id = ? and i.location_id = ? and i.id <> ?`, [template.id, loc.id, template.id]);
      await q(`insert into invoice_pdf (invoice_id, bytes, sha256, size, created_at) select i.id, p.bytes, p.sha256, p.size, p.created_at from invoice i, invoice_pdf p
               where p.invoice_id = ? and i.location_id = ? and i.id <> ?`, [template.id, loc.id, template.id]);
      ids[code] = { location: loc.id, pdf };
    }

    const { ExportRunService } = await import(env.dist('modules/accounting-export/accounting-export.service.js'));
    const runs = env.app.get(ExportRunService);
    const result = {};
    let totalSeconds = 0;
    let totalCalls = 0;
    for (const code of ['PDF', 'NOP']) {
      const before = await env.apiCalls();
      const t0 = performance.now();
      const id = await runs.start('all', { locationId: ids[code].location }, ids[code].pdf, null);
      const run = await waitFor(async () => {
        const r = await runs.get(id);
        return r.state !== 'running' ? r : undefined;
      }, 600_000);
      const seconds = (performance.now() - t0) / 1000;
      const calls = (await env.apiCalls()) - before;
      console.error(`${code}: ${run.exported}/${count} exported, ${run.blocked} blocked, ${run.failed} failed, ${calls} calls in ${seconds.toFixed(1)} s`);
      result[code] = { calls, seconds, exported: run.exported };
      totalSeconds += seconds;
      totalCalls += calls;
    }
    const perRunConstant = 20 / 40 + 20; // customers: one lookup per 40 + one POST each (20 customers)
    return {
      bench: 'export',
      invoices: count * 2,
      exported: result.PDF.exported + result.NOP.exported,
      calls_per_invoice_with_pdf: Number(((result.PDF.calls - perRunConstant) / count).toFixed(3)),
      calls_per_invoice: Number(((result.NOP.calls - perRunConstant) / count).toFixed(3)),
      api_calls: totalCalls,
      seconds: Number(totalSeconds.toFixed(1)),
      seconds_at_real_limits: Math.round((totalCalls / 60) * 60),
    };
  } finally {
    await env.close();
  }
}
