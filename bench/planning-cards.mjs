// `npm run bench -- planning-cards`: Planning → Cards with 100 000 cards (inserted with SQL as the planning imports
// leave them: five kinds, two thirds open, a customer on a third, warehouse codes, 40 000 activities; the Warehouse
// option's master data). Over HTTP with a logged-in planner's session, as htmx asks for the table (HX-Request): the
// first page (open, by due date), a type filter, the warehouse filter, a customer's cards, a search, sorting by
// number backwards, and the next page of a keyset. GET /healthz in the same run is the baseline. Last line:
// {"bench":"planning-cards","cards":N,"list_p95_ms":N,"kind_p95_ms":N,"warehouse_p95_ms":N,"customer_p95_ms":N,
//  "search_p95_ms":N,"sort_number_p95_ms":N,"next_page_p95_ms":N,"baseline_p95_ms":N}
//   npm run bench -- planning-cards [cards=100000]
import { p95, plannerSession, startBenchEnvironment } from './support.mjs';

const CARDS = 100_000;
const RUNS = 40;
const WARMUP = 5;

export default async function planningCardsBench(args = []) {
  const cards = Number(args[0]) || CARDS;
  const env = await startBenchEnvironment();
  try {
    const { PG_POOL } = await import(env.dist('database/pg-pool.js'));
    const pool = env.app.get(PG_POOL);

    const t0 = performance.now();
    const location = (await pool.query(`insert into locations (name, code, street, house_number, postcode, city, country)
      values ('Vestiging', 'V1', 'Stationsweg', '1', '3511 AA', 'Utrecht', 'NL') returning id`)).rows[0].id;
    await pool.query(`insert into customers (number, name, type, country, location_id)
      select 'K' || g, 'Klant ' || g, 'business', 'NL', $1 from generate_series(1, 900) g`, [location]);
    const [{ first: firstCustomer }] = (await pool.query('select min(id) as first from customers')).rows;
    await pool.query(`insert into plan_master (division, kind, exact_id, code, name, data)
      select 1, 'warehouse', 'wh-' || g, 'W' || g, 'Magazijn ' || g, '{}'::jsonb from generate_series(0, 5) g`);
    await pool.query(`insert into plan_card (division, kind, exact_id, number, description, relation_name, customer_id, due_date, warehouse_code, status, archived_reason)
      select 1, (array['sales_order','shop_order','purchase_order','quotation','sales_order_line'])[1 + g % 5], 'card-' || g, lpad(g::text, 7, '0'),
             'Order ' || g || ' omschrijving', 'Klant ' || (g % 900), case when g % 3 = 0 then ${firstCustomer} + (g % 900) end,
             case when g % 11 <> 0 then current_date - 200 + (g % 400) end, 'W' || (g % 6),
             case when g % 3 = 2 then 'archived' else 'open' end, case when g % 3 = 2 then 'completed' end
        from generate_series(1, ${cards}) g`);
    const [{ first: firstCard }] = (await pool.query('select min(id) as first from plan_card')).rows;
    await pool.query(`insert into plan_activity (card_id, division, kind, exact_id, sequence, description, estimated_hours)
      select ${firstCard} + (g * 5) % ${cards}, 1, 'operation', 'op-' || g, g % 4, 'Bewerking ' || g, 1 + g % 8 from generate_series(1, ${Math.round(cards * 0.4)}) g`);
    await pool.query('analyze plan_card; analyze plan_activity; analyze plan_master; analyze customers');
    const counts = (await pool.query(`select count(*)::int as cards, count(*) filter (where status = 'open')::int as open from plan_card`)).rows[0];
    console.error(`seeded ${counts.cards} cards (${counts.open} open) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    if (process.env.BENCH_PROFILE) {
      // where the time goes: the service's own queries, and the plans of the count and the page
      const { PlanningCardsService } = await import(env.dist('modules/planning/planning-cards.service.js'));
      const svc = env.app.get(PlanningCardsService);
      for (const raw of [{}, { kind: 'shop_order' }, { warehouse: 'W3' }, { q: 'Klant 123' }, { sort: 'number', dir: 'desc' }]) {
        const f = svc.parseFilter(raw);
        const s = performance.now();
        for (let i = 0; i < 5; i++) await svc.list(f);
        const c = performance.now();
        for (let i = 0; i < 5; i++) await svc.choices();
        const st = performance.now();
        for (let i = 0; i < 5; i++) await svc.syncStatus();
        console.error(JSON.stringify(raw), 'list', ((c - s) / 5).toFixed(1), 'ms; choices', ((st - c) / 5).toFixed(1), 'ms; status', ((performance.now() - st) / 5).toFixed(1), 'ms');
      }
      const plan = async (sql) => console.error((await pool.query(`explain (analyze, buffers off, timing off) ${sql}`)).rows.map((r) => r['QUERY PLAN']).join('\n'));
      await plan(`select count(*) from plan_card c where c.status = 'open'`);
      await plan(`select count(*) from plan_card c where c.status = 'open' and (c.number ilike '%Klant 123%' or c.description ilike '%Klant 123%' or c.relation_name ilike '%Klant 123%')`);
    }
    const { http, base } = await plannerSession(env);

    /** p95 of the table as htmx asks for it; checks the page has rows (an empty answer would be fast for nothing) */
    async function measure(label, path, minRows = 1) {
      const ms = [];
      let html = '';
      for (let i = 0; i < WARMUP + RUNS; i++) {
        const s = performance.now();
        const res = await http(path, { headers: { 'HX-Request': 'true' } });
        html = await res.text();
        if (res.status !== 200) throw new Error(`${label}: ${res.status}`);
        if (i >= WARMUP) ms.push(performance.now() - s);
      }
      const rows = (html.match(/href="\/planning\/cards\/\d+"/g) ?? []).length;
      if (rows < minRows) throw new Error(`${label}: ${rows} rows`);
      console.error(`${label}: ${rows} rows, p95 ${p95(ms)} ms`);
      return { p95: p95(ms), html };
    }
    const list = await measure('first page (open, due date)', '/planning/cards', 50);
    const full = await http('/planning/cards');
    if (full.status !== 200) throw new Error(`full page: ${full.status}`);
    const kind = await measure('type shop orders', '/planning/cards?kind=shop_order', 50);
    const warehouse = await measure('warehouse W3', '/planning/cards?warehouse=W3', 50);
    const customer = await measure('one customer', `/planning/cards?customer=${firstCustomer + 12}`, 5);
    const search = await measure('search "Klant 123"', `/planning/cards?q=${encodeURIComponent('Klant 123')}`, 5);
    const sortNumber = await measure('sort by number, backwards', '/planning/cards?sort=number&dir=desc', 50);
    const next = /rel="next" href="([^"]+)"/.exec(list.html)?.[1]?.replace(/&amp;/g, '&');
    if (!next) throw new Error('no next page');
    const page2 = await measure('next page (keyset)', next, 50);

    const baseline = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const s = performance.now();
      const res = await fetch(`${base}/healthz`);
      await res.text();
      if (i >= WARMUP) baseline.push(performance.now() - s);
    }
    return {
      bench: 'planning-cards', cards: counts.cards, list_p95_ms: list.p95, kind_p95_ms: kind.p95, warehouse_p95_ms: warehouse.p95, customer_p95_ms: customer.p95,
      search_p95_ms: search.p95, sort_number_p95_ms: sortNumber.p95, next_page_p95_ms: page2.p95, baseline_p95_ms: p95(baseline),
    };
  } finally {
    await env.close();
  }
}
