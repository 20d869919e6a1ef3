// `npm run bench -- planning-board`: 10 000 open plan cards with 30 000 activities on 200 resources (inserted with
// SQL, as the planning imports leave them: most activities planned over half a year around today, the rest in
// the unplanned list; schedules and leave for the Exact-led employees). Then, over HTTP with a logged-in planner's
// session: the server time of the week board (GET /planning/board) and of one move (POST /planning/board/moves as
// htmx sends it), and GET /healthz in the same run as the baseline. Last line:
// {"bench":"planning-board","cards":N,"activities":N,"resources":N,"week_p95_ms":N,"move_p95_ms":N,"baseline_p95_ms":N}
import { csrfOf, p95, plannerSession, startBenchEnvironment } from './support.mjs';

const CARDS = 10_000;
const ACTIVITIES_PER_CARD = 3;
const RESOURCES = 200;
const RUNS = 60;
const WARMUP = 8;

export default async function planningBoardBench(args = []) {
  const cards = Number(args[0]) || CARDS;
  const activities = cards * ACTIVITIES_PER_CARD;
  const env = await startBenchEnvironment();
  try {
    const { PG_POOL } = await import(env.dist('database/pg-pool.js'));
    const { MikroORM, RequestContext } = await import('@mikro-orm/postgresql');
    const pool = env.app.get(PG_POOL);
    const orm = env.app.get(MikroORM);

    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
    const t0 = performance.now();
    // 150 employees in 6 departments (a third of them with their Exact schedule), 50 machines
    await pool.query(`insert into plan_resource (kind, name, code, "group", weekly_hours, exact_schedule, division, exact_id)
      select case when g <= 150 then 'employee' else 'machine' end,
             case when g <= 150 then 'Medewerker ' || lpad(g::text, 3, '0') else 'Werkplek ' || lpad(g::text, 3, '0') end,
             'R' || g, case when g <= 150 then 'Afdeling ' || (1 + g % 6) else 'Machines ' || (1 + g % 3) end,
             case when g % 3 = 0 and g <= 150 then null else '[8,8,8,8,8,0,0]'::jsonb end,
             g % 3 = 0 and g <= 150, 1, 'res-' || g
        from generate_series(1, ${RESOURCES}) g`);
    const [{ first: firstResource }] = (await pool.query('select min(id) as first from plan_resource')).rows;
    await pool.query(`insert into resource_schedule_entry (resource_id, division, exact_id, from_date, main, schedule_type, hours, week_hours)
      select id, 1, 'sch-' || id, date '2020-01-01', true, 3, 36, '[8,8,8,8,4,0,0]'::jsonb from plan_resource where exact_schedule`);
    // a leave day every few weeks for the Exact-led employees, over the year around today
    await pool.query(`insert into resource_leave (resource_id, division, exact_id, date, hours, kind, status)
      select r.id, 1, 'lv-' || r.id || '-' || d, date '${today}' - 180 + d, case when d % 2 = 0 then 8 else 4 end,
             case when d % 5 = 0 then 'absence' else 'leave' end, case when d % 7 = 0 then 'submitted' else 'approved' end
        from plan_resource r, generate_series(0, 360, 17) d where r.exact_schedule`);
    await pool.query(`insert into plan_card (division, kind, exact_id, number, description, relation_name, due_date, warehouse_code, planned_start, planned_end)
      select 1, (array['sales_order','shop_order','purchase_order','quotation','project'])[1 + g % 5], 'card-' || g, 'PC-' || lpad(g::text, 6, '0'),
             'Order ' || g || ' omschrijving', 'Klant ' || (g % 900), date '${today}' - 90 + (g % 200), 'W' || (g % 4), null, null
        from generate_series(1, ${cards}) g`);
    const [{ first: firstCard }] = (await pool.query('select min(id) as first from plan_card')).rows;
    // 85 % of the activities planned: 1–3 days each, from 13 weeks back to 13 weeks ahead; the rest unplanned
    await pool.query(`insert into plan_activity (card_id, division, kind, exact_id, sequence, description, estimated_hours, resource_id, planned_start, planned_end)
      select ${firstCard} + (g - 1) / ${ACTIVITIES_PER_CARD}, 1, 'operation', 'op-' || g, (g % ${ACTIVITIES_PER_CARD}) * 10, 'Bewerking ' || g, 1 + (g % 8),
             case when g % 20 < 17 then ${firstResource} + (g * 7919) % ${RESOURCES} end,
             case when g % 20 < 17 then date '${today}' - 91 + (g * 31) % 182 end,
             case when g % 20 < 17 then date '${today}' - 91 + (g * 31) % 182 + (g % 3) end
        from generate_series(1, ${activities}) g`);
    await pool.query(`update plan_card c set planned_start = p.s, planned_end = p.e from
      (select card_id, min(planned_start) s, max(planned_end) e from plan_activity where resource_id is not null group by card_id) p where p.card_id = c.id`);
    await pool.query('analyze plan_resource; analyze plan_card; analyze plan_activity; analyze resource_leave; analyze resource_schedule_entry');
    const counts = (await pool.query(`select (select count(*) from plan_card where status = 'open')::int as cards, (select count(*) from plan_activity)::int as activities,
      (select count(*) from plan_resource where active)::int as resources,
      (select count(*) from plan_activity where planned_start <= date '${today}' + 6 and planned_end >= date '${today}' - 6)::int as near`)).rows[0];
    console.log(`seeded ${counts.cards} cards, ${counts.activities} activities, ${counts.resources} resources in ${((performance.now() - t0) / 1000).toFixed(1)} s (${counts.near} activities within a week of today)`);

    if (process.env.BENCH_PROFILE) {
      const { BoardService } = await import(env.dist('modules/planning-board/board.service.js'));
      const { PlanningPlanService } = await import(env.dist('modules/planning/planning-plan.service.js'));
      const board = env.app.get(BoardService);
      const plan = env.app.get(PlanningPlanService);
      const q = { view: 'week' };
      const time = async (label, fn) => { await RequestContext.create(orm.em, fn); const s = performance.now(); for (let i = 0; i < 5; i++) await RequestContext.create(orm.em, fn); console.log(label, ((performance.now() - s) / 5).toFixed(1), 'ms'); };
      const period = board.period('week');
      const res = await RequestContext.create(orm.em, () => plan.resources());
      const ids = res.map((r) => r.id);
      await time('resources', () => plan.resources());
      await time('cells (first chunk, one statement)', () => plan.cells({ filter: {}, page: { offset: 0, limit: 15 }, from: period.from, to: period.to }));
      await time('cells (all resources)', () => plan.cells({ filter: { ids }, from: period.from, to: period.to }));
      await time('unplanned', () => board.unplanned(q));
      await time('stamp', () => plan.changeStamp());
      await time('rows', () => board.rows(res, period.days));
      await time('board', () => board.board(q));
      const { rows: [a] } = await pool.query(`select a.id, c.version from plan_activity a join plan_card c on c.id = a.card_id where a.resource_id is not null and a.planned_start = date '${today}' limit 1`);
      let v = a.version;
      await time('move', async () => { const r = await board.move({ item: 'activity', id: a.id, version: v, resource: ids[3], start: today, end: today, confirmLeave: true }, 'x', q); v += 1; if (r.outcome !== 'moved') throw new Error(r.outcome); });
      await time('move (planning only)', async () => { const r = await plan.move({ item: 'activity', id: a.id, version: v, resourceId: ids[4], start: today, end: today, confirmLeave: true, by: 'x' }); v += 1; if (r.outcome !== 'moved') throw new Error(r.outcome); });
    }
    const { http, base } = await plannerSession(env);

    async function timed(fn) {
      const s = performance.now();
      const res = await fn();
      await res.text();
      const ms = performance.now() - s;
      return { ms, res };
    }

    // the week board (a full page, as a planner opens it)
    const week = [];
    let page = '';
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const { ms, res } = await timed(() => http('/planning/board'));
      if (res.status !== 200) throw new Error(`board: ${res.status}`);
      if (i >= WARMUP) week.push(ms);
      if (i === 0) page = await (await http('/planning/board')).text();
    }
    const chips = (page.match(/class="chip /g) ?? []).length;
    const cells = (page.match(/role="gridcell"/g) ?? []).length;
    console.log(`week board: ${cells} cells, ${chips} chips, ${Math.round(page.length / 1024)} KB; p95 ${p95(week)} ms`);
    const token = csrfOf(page);

    // moves: planned activities of this week re-planned one day later on another resource, as htmx posts them
    const { rows: movable } = await pool.query(`select a.id, a.card_id from plan_activity a
       where a.resource_id is not null and a.planned_start >= date '${today}' - 3 and a.planned_start <= date '${today}' + 3 order by a.id limit ${WARMUP + RUNS}`);
    if (movable.length < WARMUP + RUNS) throw new Error('not enough activities to move');
    const move = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const a = movable[i];
      const { rows: [card] } = await pool.query('select version from plan_card where id = $1', [a.card_id]);
      const start = new Date(Date.parse(`${today}T00:00:00Z`) + ((i % 5) - 2) * 86_400_000).toISOString().slice(0, 10);
      const body = new URLSearchParams({ _csrf: token, item: 'activity', id: String(a.id), version: String(card.version), resource: String(firstResource + ((i * 37) % RESOURCES)), start, end: start, confirmLeave: '1', return: '/planning/board' });
      const { ms, res } = await timed(() => http('/planning/board/moves', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'HX-Request': 'true' }, body }));
      if (res.status !== 200) throw new Error(`move ${i}: ${res.status}`);
      if (i >= WARMUP) move.push(ms);
    }
    console.log(`move: p95 ${p95(move)} ms`);

    // the baseline: the smallest page of the same app, same process, same run
    const baseline = [];
    for (let i = 0; i < WARMUP + RUNS * 2; i++) {
      const { ms, res } = await timed(() => fetch(`${base}/healthz`));
      if (res.status !== 200) throw new Error(`healthz: ${res.status}`);
      if (i >= WARMUP) baseline.push(ms);
    }
    console.log(`healthz: p95 ${p95(baseline)} ms`);
    // for reading the figures: the smallest page a logged-in user gets (session, user, layout), same run
    const small = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const { ms } = await timed(() => http('/account/password'));
      if (i >= WARMUP) small.push(ms);
    }
    console.log(`a logged-in user's smallest page (/account/password): p95 ${p95(small)} ms`);

    return {
      bench: 'planning-board',
      cards: counts.cards,
      activities: counts.activities,
      resources: counts.resources,
      week_p95_ms: p95(week),
      move_p95_ms: p95(move),
      baseline_p95_ms: p95(baseline),
    };
  } finally {
    await env.close();
  }
}
