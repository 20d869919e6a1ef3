// `npm run bench -- invoice-list`: 100 000 invoices inserted with SQL, then the invoice list's queries
// (InvoiceListService: the page query with customer and location joined, plus the capped count) timed as the
// list page runs them: first page, a filtered page, a search, and a deep page reached by keyset cursor.
import { startBenchEnvironment } from './support.mjs';

const INVOICES = 100_000;
const CUSTOMERS = 5_000;
const LOCATIONS = 4;
const RUNS = 7;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export default async function invoiceListBench(args = []) {
  const invoices = Number(args[0]) || INVOICES;
  const env = await startBenchEnvironment();
  try {
    const { PG_POOL } = await import(env.dist('database/pg-pool.js'));
    const { InvoiceListService, parseInvoiceListQuery, encodeCursor } = await import(env.dist('modules/invoices/invoice-list.service.js'));
    const { MikroORM, RequestContext } = await import('@mikro-orm/postgresql');
    const pool = env.app.get(PG_POOL);
    const orm = env.app.get(MikroORM);
    const list = env.app.get(InvoiceListService);

    const t0 = performance.now();
    await pool.query(`insert into locations (name, code, street, house_number, postcode, city, country)
      select 'Vestiging ' || g, 'LOC' || g, 'Stationsweg', '1', '3511 AA', 'Utrecht', 'NL' from generate_series(1, ${LOCATIONS}) g`);
    await pool.query(`insert into customers (number, type, name, street, house_number, postcode, city, country)
      select lpad(g::text, 6, '0'), 'business', 'Klant ' || lpad(g::text, 5, '0') || ' BV', 'Kerkstraat', g::text, '1234 AB', 'Amersfoort', 'NL' from generate_series(1, ${CUSTOMERS}) g`);
    const locs = (await pool.query('select id from locations order by id')).rows.map((r) => r.id);
    await pool.query(
      `insert into invoice (location_id, kind, number, invoice_date, due_date, customer_id, reference, status, net, vat, gross, paid, open)
       select ($1::int[])[1 + g % ${LOCATIONS}],
              case when g % 20 = 0 then 'credit_note' else 'invoice' end,
              case when g % 50 = 0 then null else g end,
              date '2020-01-01' + (g * 2191 / ${invoices}),
              date '2020-01-01' + (g * 2191 / ${invoices}) + 30,
              (select min(id) from customers) + (g * 7919) % ${CUSTOMERS},
              'PO-' || g,
              (array['draft','final','exported','partly_paid','paid'])[1 + (g / 7) % 5],
              round((g % 997) * 3.17, 2), round((g % 997) * 3.17 * 0.21, 2), round((g % 997) * 3.17 * 1.21, 2), 0, round((g % 997) * 3.17 * 1.21, 2)
         from generate_series(1, ${invoices}) g`,
      [locs],
    );
    await pool.query('analyze invoice; analyze customers; analyze locations');
    const seeded = (performance.now() - t0) / 1000;
    console.log(`inserted ${invoices} invoices, ${CUSTOMERS} customers, ${LOCATIONS} locations in ${seeded.toFixed(1)} s`);

    const today = '2026-01-01';
    const run = (raw) => RequestContext.create(orm.em, () => list.list(parseInvoiceListQuery(raw), today));
    async function time(label, raw) {
      await run(raw); // warm
      const ms = [];
      let page;
      for (let i = 0; i < RUNS; i++) {
        const s = performance.now();
        page = await run(raw);
        ms.push(performance.now() - s);
      }
      const m = median(ms);
      console.log(`${label}: ${m.toFixed(2)} ms (median of ${RUNS}; ${page.items.length} rows, total ${page.capped ? '>' : ''}${page.total})`);
      if (!page.items.length) throw new Error(`${label}: no rows`);
      return Number(m.toFixed(2));
    }

    const first = await time('first page', {});
    const filtered = await time('filtered page', { location: String(locs[1]), status: 'paid', from: '2022-01-01', to: '2023-12-31' });
    const search = await time('search', { q: 'Klant 01234' });
    // a deep page: the cursor of the row at position 90 000 of the default order (as the "Next" links carry it)
    const [deep] = (await pool.query(`select invoice_date::text as k, id from invoice order by invoice_date desc, id desc offset ${Math.floor(invoices * 0.9)} limit 1`)).rows;
    const deepPage = await time('deep page (keyset)', { after: encodeCursor(deep.k, deep.id), page: String(Math.floor((invoices * 0.9) / 25) + 1) });
    const offsetDeep = await time('deep page by page number (offset, for comparison)', { page: String(Math.floor((invoices * 0.9) / 25)) });
    const sorted = await time('sorted by customer', { sort: 'customer', dir: 'asc' });
    console.log(`(also: offset deep page ${offsetDeep} ms, customer sort ${sorted} ms)`);
    return { bench: 'invoice-list', invoices, first_page_ms: first, filtered_ms: filtered, search_ms: search, deep_page_ms: deepPage };
  } finally {
    await env.close();
  }
}
