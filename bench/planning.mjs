// `npm run bench -- planning`: the first planning import of a division with 100 000 sales order lines and 20 000
// shop-order operations (options SalesOrder, ProductionOrder, Activity) through the sync engine, then one simulated
// quiet day (96 quarter-hour ticks on the sandbox clock and Koppel's) with webhooks on and one with webhooks off.
// API calls come from the sandbox's own counter (/_sandbox/stats), counting the planning sync's endpoints (sync/…
// and system/Divisions); the webhook subscriptions made once at activation are reported on stderr, not counted.
//   npm run bench -- planning [salesOrderLines=100000] [routingSteps=20000]
import { startBenchEnvironment } from './support.mjs';
import { freePort } from '../dist/src/common/net.js';

const DIVISION = 1234567;

export default async function planningBench(args = []) {
  const lines = Number(args[0] ?? 100_000);
  const steps = Number(args[1] ?? 20_000);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = await startBenchEnvironment({
    limits: { minutely: 1_000_000, daily: 10_000_000 },
    env: { SYNC_ENABLED: 'true', SYNC_TIMERS: 'false', SYNC_POLL_SECONDS: '0.5', PORT: String(port), PUBLIC_BASE_URL: base, WEBHOOK_CHECK_SECONDS: '3600' },
  });
  const { app, control, dist } = env;
  try {
    await env.connect([DIVISION]);
    await app.listen(port, '127.0.0.1');
    const { PlanningService } = await import(dist('modules/planning/planning.service.js'));
    const { SyncService } = await import(dist('modules/sync/sync.service.js'));
    const { Clock } = await import(dist('common/clock.js'));
    const { APP_CONFIG } = await import(dist('config/config.js'));
    const { PG_POOL } = await import(dist('database/pg-pool.js'));
    const pool = app.get(PG_POOL);
    const planning = app.get(PlanningService);
    const sync = app.get(SyncService);
    const clock = app.get(Clock);

    const t = Date.now();
    await control('planning/volume', { division: DIVISION, salesOrderLines: lines, routingSteps: steps });
    console.error(`sandbox volume: ${lines} sales order lines, ${steps} operations (${Date.now() - t} ms)`);

    /** calls of the planning sync (sync endpoints, sync/Deleted, system/Divisions) and all others of the division */
    const counts = async () => {
      const { requests } = await control('stats');
      let planningCalls = 0;
      let other = 0;
      for (const r of requests) {
        if (r.clientId !== env.client.clientId || r.division !== DIVISION) continue;
        if (/^(sync\/|system\/divisions)/.test(r.endpoint)) planningCalls += r.n;
        else other += r.n;
      }
      return { planning: planningCalls, other };
    };
    const state = async () => (await pool.query(`select status, last_error from sync_state where division = $1 and resource = 'planning'`, [DIVISION])).rows[0];
    const runsDone = async () => Number((await pool.query(`select count(*) n from sync_run where division = $1 and resource = 'planning' and status <> 'running'`, [DIVISION])).rows[0].n);
    const waitIdle = async (minRuns) => {
      const deadline = Date.now() + 600_000;
      for (;;) {
        const s = await state();
        if (s && (await runsDone()) >= minRuns && ['ok', 'failed'].includes(s.status)) {
          if (s.status === 'failed') throw new Error(`planning sync failed: ${s.last_error}`);
          return;
        }
        if (Date.now() > deadline) throw new Error('planning sync did not finish');
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    await planning.save(DIVISION, { SalesOrder: 'on', ProductionOrder: 'on', Activity: 'on' });
    const c0 = await counts();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await planning.activate(DIVISION);
    await waitIdle(1);
    const initialS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const c1 = await counts();
    const settings = (await pool.query('select summaries, active_options from planning_settings where division = $1', [DIVISION])).rows[0];
    const feeds = Object.entries(settings.summaries).filter(([k]) => k !== 'deleted');
    const records = feeds.reduce((n, [, s]) => n + s.records, 0);
    const initialMin = feeds.reduce((n, [, s]) => n + Math.ceil(s.records / 1000), 0);
    const cards = Number((await pool.query('select count(*) n from plan_card where division = $1', [DIVISION])).rows[0].n);
    const activities = Number((await pool.query('select count(*) n from plan_activity where division = $1', [DIVISION])).rows[0].n);
    console.error(`first import: ${records} records (${feeds.map(([k, s]) => `${k} ${s.records}`).join(', ')}) → ${cards} cards, ${activities} activities in ${initialS.toFixed(2)} s (this process's CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, sandbox included); ${c1.planning - c0.planning} sync calls (+${c1.other - c0.other} other: webhook subscriptions)`);

    /** one day of quarter-hour ticks: move both clocks, run the planning resource as the 15-minute schedule would */
    const quietDay = async () => {
      const before = await counts();
      for (let i = 0; i < 96; i++) {
        await control('clock', { advanceSeconds: 900 });
        clock.advance(900_000);
        const n = await runsDone();
        // the previous job may still be completing in pg-boss for a moment: ask again until it is queued
        const until = Date.now() + 120_000;
        while ((await sync.enqueue(DIVISION, 'planning', 'schedule')) !== 'queued') {
          if (Date.now() > until) throw new Error('planning run busy on a quiet day');
          await new Promise((r) => setTimeout(r, 20));
        }
        await waitIdle(n + 1);
      }
      return (await counts()).planning - before.planning;
    };
    const webhooksDay = await quietDay();
    // webhooks off: no https PUBLIC_BASE_URL (the same app, its configuration as it would start without one)
    app.get(APP_CONFIG).publicBaseUrl = 'http://koppel.example.nl';
    const pollingDay = await quietDay();
    const entitiesOn = feeds.length;
    console.error(`quiet day: ${webhooksDay} calls with webhooks, ${pollingDay} polling; naive ${(entitiesOn + 1) * 96}`);
    return {
      bench: 'planning',
      records,
      entities_on: entitiesOn,
      initial_calls: c1.planning - c0.planning,
      initial_min_calls: initialMin,
      initial_s: Number(initialS.toFixed(2)),
      records_per_s: Math.round(records / initialS),
      quiet_day_calls_webhooks: webhooksDay,
      quiet_day_calls_polling: pollingDay,
      naive_polling_calls: (entitiesOn + 1) * 96,
    };
  } finally {
    await env.close();
  }
}
