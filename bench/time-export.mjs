// npm run bench -- time-export [entries] [replanned]
// Issue 16: 5 000 approved hour entries over 200 shop orders (division 1234567) and 50 projects (2345678), plus
// 1 000 re-planned shop orders (each moved twice before the run: one date update each), sent by the sync resource
// `planning-outgoing`. API calls are the sandbox's own counter (/_sandbox/stats) over the export only.
// seconds_at_real_limits: what Exact's real limits would impose on those calls. Each division has its own limits
// (60 calls/minute, 5 000/day) and the divisions run in parallel, so it is the largest over the divisions of
// calls_d seconds (60/minute = 1 s per call) plus one full day for every 5 000 calls beyond the first 5 000.
// The sandbox's limits are lifted during the bench so it measures Koppel, not the waiting.
import { startBenchEnvironment, waitFor } from './support.mjs';

const D1 = 1234567;
const D2 = 2345678;


export default async function run(args) {
  const entries = Number(args[0] ?? 5000);
  const replanned = Number(args[1] ?? 1000);
  const env = await startBenchEnvironment({ limits: { minutely: 1_000_000, daily: 10_000_000 }, env: { SYNC_ENABLED: 'true', SYNC_TIMERS: 'false', SYNC_POLL_SECONDS: '0.5' } });
  try {
    await env.connect([D1, D2]);
    const { MikroORM } = await import('@mikro-orm/postgresql');
    const orm = env.app.get(MikroORM);
    const q = (sql, params = []) => orm.em.getConnection().execute(sql, params);
    const data = async (division, entity) => {
      const out = [];
      for (let offset = 0; ; offset += 1000) {
        const page = await env.control(`data/${division}/${entity}?limit=1000&offset=${offset}`);
        out.push(...page.rows);
        if (out.length >= page.total || !page.rows.length) return out;
      }
    };
    // Exact side: enough open shop orders (5 operations each) and projects open for hours today
    const shopNeeded = Math.max(200, replanned);
    await env.control('planning/volume', { division: D1, salesOrderLines: 0, routingSteps: shopNeeded * 5 });
    const now = Date.now();
    for (let i = 0; i < 50; i++) {
      await env.control('planning/Projects', { division: D2, action: 'create', fields: { Code: `BENCH-${i}`, Description: `Bench project ${i}`, Type: 3, StartDate: new Date(now - 30 * 86400000).toISOString(), EndDate: new Date(now + 300 * 86400000).toISOString() } });
    }
    const steps = await data(D1, 'ShopOrderRoutingStepPlans');
    const stepsOf = new Map();
    for (const s of steps) stepsOf.set(s.ShopOrder, [...(stepsOf.get(s.ShopOrder) ?? []), s]);
    const orders = (await data(D1, 'ShopOrders')).filter((o) => o.Status === 10 && (stepsOf.get(o.ID)?.length ?? 0) >= 1).slice(0, shopNeeded);
    const projects = (await data(D2, 'Projects')).filter((p) => String(p.Code).startsWith('BENCH-'));
    const item = (await data(D2, 'Items')).find((i) => i.IsTime === 1 || i.IsTime === true);
    const [emp1] = await data(D1, 'Employees');
    const [emp2] = await data(D2, 'Employees');
    if (orders.length < shopNeeded || projects.length < 50 || !item) throw new Error(`sandbox data: ${orders.length} shop orders, ${projects.length} projects`);

    // Koppel side: what the planning imports leave (cards, activities, employees), then approved hours
    const [r1] = await q(`insert into plan_resource (division, kind, exact_id, code, name) values (?, 'employee', ?, 'E1', 'Bench werker') returning id`, [D1, emp1.ID]);
    const [r2] = await q(`insert into plan_resource (division, kind, exact_id, code, name) values (?, 'employee', ?, 'E2', 'Bench adviseur') returning id`, [D2, emp2.ID]);
    const day = (ms) => new Date(Number(ms)).toISOString().slice(0, 10);
    const shopActs = [];
    const shopCards = [];
    for (const o of orders) {
      const [c] = await q(`insert into plan_card (division, kind, exact_id, number, description, exact_start_date, due_date) values (?, 'shop_order', ?, ?, ?, ?, ?) returning id`,
        [D1, o.ID, String(o.ShopOrderNumber), o.Description ?? null, day(o.PlannedStartDate), day(o.PlannedDate)]);
      shopCards.push(c.id);
      for (const s of stepsOf.get(o.ID)) {
        const [a] = await q(`insert into plan_activity (card_id, division, kind, exact_id, sequence, description) values (?, ?, 'operation', ?, ?, ?) returning id`, [c.id, D1, s.ID, Number(s.LineNumber), s.Description ?? null]);
        if (shopCards.length <= 200) shopActs.push({ card: c.id, act: a.id });
      }
    }
    const projActs = [];
    for (const p of projects) {
      const [c] = await q(`insert into plan_card (division, kind, exact_id, number, description) values (?, 'project', ?, ?, ?) returning id`, [D2, p.ID, p.Code, p.Description]);
      const [a] = await q(`insert into plan_activity (card_id, division, kind, exact_id, sequence, description) values (?, ?, 'hour_type', ?, 1, 'Arbeid') returning id`, [c.id, D2, `${p.ID}:${item.ID}`]);
      projActs.push({ card: c.id, act: a.id });
    }
    const today = new Date().toISOString().slice(0, 10);
    const half = Math.floor(entries / 2);
    const rows = [];
    for (let i = 0; i < entries; i++) {
      const mfg = i < half;
      const t = mfg ? shopActs[i % shopActs.length] : projActs[i % projActs.length];
      rows.push([mfg ? r1.id : r2.id, t.act, t.card, mfg ? D1 : D2, today, ((i % 8) + 1) / 2, mfg ? (i % 2 ? 'run' : 'setup') : null]);
    }
    for (let i = 0; i < rows.length; i += 1000) {
      const chunk = rows.slice(i, i + 1000);
      await q(`insert into time_entry (resource_id, activity_id, card_id, division, date, hours, phase, status, decided_by, decided_at)
        values ${chunk.map(() => `(?, ?, ?, ?, ?, ?, ?, 'approved', 'bench', now())`).join(', ')}`, chunk.flat());
    }
    // 1000 orders re-planned twice each (a planner moving a card twice): one date update each is wanted
    const plus = (n) => new Date(now + n * 86400000).toISOString().slice(0, 10);
    const moved = shopCards.slice(0, replanned);
    await q(`update plan_card set planned_start = ?, planned_end = ?, version = version + 1 where id = any(?::int[])`, [plus(10), plus(12), `{${moved.join(',')}}`]);
    await q(`update plan_card set planned_start = ?, planned_end = ?, version = version + 1 where id = any(?::int[])`, [plus(14), plus(16), `{${moved.join(',')}}`]);

    await q(`insert into planning_outgoing_settings (division, production_order_outbound, shop_order_time, shop_order_planned_date) values (?, true, true, true)`, [D1]);
    await q(`insert into planning_outgoing_settings (division, project_outbound) values (?, true)`, [D2]);

    const count = async (division, endpoint) => (await env.apiCalls({ division, endpoint, method: 'POST' })) + (await env.apiCalls({ division, endpoint, method: 'GET' })) + (await env.apiCalls({ division, endpoint, method: 'PUT' }));
    const before = { d1: await env.apiCalls({ division: D1 }), d2: await env.apiCalls({ division: D2 }), mfg: await count(D1, 'manufacturing/timetransactions'), proj: await count(D2, 'project/timetransactions'), dates: await count(D1, 'manufacturing/shoporders') };
    const { SyncService } = await import(env.dist('modules/sync/sync.service.js'));
    const sync = env.app.get(SyncService);
    const started = Date.now();
    for (const d of [D1, D2]) await sync.enqueue(d, 'planning-outgoing', 'manual');
    await waitFor(async () => {
      const [open] = await q(`select count(*)::int as n from time_entry where send_state in ('none', 'queued')`);
      const [outbox] = await q(`select count(*)::int as n from planning_outbox where state = 'queued'`);
      const [busy] = await q(`select count(*)::int as n from sync_state where resource = 'planning-outgoing' and status in ('queued', 'running')`);
      if (!busy.n && (open.n || outbox.n)) for (const d of [D1, D2]) await sync.enqueue(d, 'planning-outgoing', 'manual');
      return open.n === 0 && outbox.n === 0 && busy.n === 0;
    }, 30 * 60_000, 500);
    const seconds = (Date.now() - started) / 1000;
    const [failed] = await q(`select count(*)::int as n from planning_outbox where state = 'failed'`);
    if (failed.n) throw new Error(`${failed.n} messages refused: ${JSON.stringify(await q(`select kind, last_error from planning_outbox where state = 'failed' limit 3`))}`);
    const calls = { d1: (await env.apiCalls({ division: D1 })) - before.d1, d2: (await env.apiCalls({ division: D2 })) - before.d2 };
    const timeCalls = (await count(D1, 'manufacturing/timetransactions')) - before.mfg + (await count(D2, 'project/timetransactions')) - before.proj;
    const dateCalls = (await count(D1, 'manufacturing/shoporders')) - before.dates;
    const atLimits = (n) => n + Math.max(0, Math.ceil(n / 5000) - 1) * 86400;
    const [sent] = await q(`select count(*)::int as n from planning_outbox where kind = 'shop_order_dates' and state = 'sent'`);
    console.error(`time-export: ${entries} entries + ${sent.n} date updates in ${seconds.toFixed(1)} s (calls: ${calls.d1} in ${D1}, ${calls.d2} in ${D2})`);
    return {
      bench: 'time-export',
      entries,
      api_calls: calls.d1 + calls.d2,
      calls_per_entry: Math.round((timeCalls / entries) * 1000) / 1000,
      date_updates: replanned,
      date_update_calls: dateCalls,
      seconds_at_real_limits: Math.max(atLimits(calls.d1), atLimits(calls.d2)),
    };
  } finally {
    await env.close();
  }
}
