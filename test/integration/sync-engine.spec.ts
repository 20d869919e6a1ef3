import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app.js';
import { addDivisions, gate, sql, startAppOnDatabase, stateOf, syncOf, SYNC_TEST_ENV, useLocationDivisions, waitFor, type SecondApp } from '../support/sync.js';
import type { SyncContext } from '../../src/modules/sync/sync.types.js';

// Two Koppel "processes" (two Nest apps, each with its own pg-boss, workers and lease) on ONE database.
let a: TestApp;
let b: SecondApp;
const invocations: { app: string; key: string; trigger: string }[] = [];

function record(app: string) {
  return async (ctx: SyncContext) => {
    invocations.push({ app, key: `${ctx.resource}:${ctx.division}`, trigger: ctx.trigger });
    await new Promise((r) => setTimeout(r, 150)); // long enough for both processes to see the job
    ctx.count({ updated: 1, apiCalls: 1 });
  };
}

beforeAll(async () => {
  a = await startTestApp({ ...SYNC_TEST_ENV });
  b = await startAppOnDatabase(a.db, { ...SYNC_TEST_ENV });
  useLocationDivisions(a.app);
  useLocationDivisions(b.app);
  await addDivisions(a.db.url, [201, 202, 203]);
  for (const [name, app] of [['a', a.app], ['b', b.app]] as const) {
    syncOf(app).registry.register({ name: 'test-accounts', schedule: '15min', run: record(name) });
    syncOf(app).registry.register({ name: 'test-items', schedule: '15min', run: record(name) });
    syncOf(app).registry.register({ name: 'test-nightly', schedule: 'nightly', run: record(name) });
  }
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

const allOk = async (resources: string[], divisions: number[]) => {
  for (const r of resources) for (const d of divisions) if ((await stateOf(a.db.url, d, r))?.status !== 'ok') return false;
  return true;
};

describe('two Koppel processes on one database', () => {
  it('run each division × resource job exactly once when both fire the schedule', async () => {
    const sa = syncOf(a.app).scheduler;
    const sb = syncOf(b.app).scheduler;
    const t0 = new Date('2026-05-04T08:01:00Z');
    sa.rewind(t0);
    sb.rewind(t0);
    const fire = new Date('2026-05-04T08:15:00Z');
    const [ra, rb] = await Promise.all([sa.tick(fire), sb.tick(fire)]);
    expect(ra.fired.map((f) => f.schedule)).toEqual(['15min']);
    expect(rb.fired.map((f) => f.schedule)).toEqual(['15min']);
    expect(ra.queued + rb.queued).toBe(6); // 3 divisions × 2 resources; the rest found them already queued
    await waitFor(() => allOk(['test-accounts', 'test-items'], [201, 202, 203]), 'all six jobs ok');

    const keys = invocations.map((i) => i.key).sort();
    expect(keys).toEqual(['test-accounts:201', 'test-accounts:202', 'test-accounts:203', 'test-items:201', 'test-items:202', 'test-items:203']);
    // a process whose timer fires late, after the runs finished, does not run that fire time again
    sb.rewind(t0);
    const late = await sb.tick(fire);
    expect(late).toMatchObject({ queued: 0, busy: 6 });
    const runs = await sql<{ n: string }>(a.db.url, `select count(*) as n from sync_run where trigger = 'schedule'`);
    expect(Number(runs[0].n)).toBe(6);
    expect(invocations).toHaveLength(6);
  });

  it('a trigger while the previous run is still busy does not start a second one', async () => {
    const hold = gate();
    let runs = 0;
    for (const app of [a.app, b.app]) {
      syncOf(app).registry.register({
        name: 'test-slow',
        schedule: '15min',
        run: async (ctx) => {
          if (ctx.division === 201) runs++;
          await hold.promise;
        },
      });
    }
    const sa = syncOf(a.app).service;
    const sb = syncOf(b.app).service;
    expect(await sa.enqueue(201, 'test-slow', 'manual')).toBe('queued');
    await waitFor(async () => (await stateOf(a.db.url, 201, 'test-slow'))?.status === 'running', 'slow job running');
    // both processes trigger again while it runs: nothing is enqueued
    expect(await sa.enqueue(201, 'test-slow', 'schedule')).toBe('busy');
    expect(await sb.enqueue(201, 'test-slow', 'schedule')).toBe('busy');
    const t = new Date('2026-05-04T08:30:00Z');
    syncOf(a.app).scheduler.rewind(new Date('2026-05-04T08:16:00Z'));
    const tick = await syncOf(a.app).scheduler.tick(t);
    expect(tick.busy).toBeGreaterThanOrEqual(1);
    hold.open();
    await waitFor(async () => (await stateOf(a.db.url, 201, 'test-slow'))?.status === 'ok', 'slow job ok');
    expect(runs).toBe(1);
    const rows = await sql(a.db.url, `select * from sync_run where resource = 'test-slow' and division = 201`);
    expect(rows).toHaveLength(1);
    await waitFor(() => allOk(['test-slow'], [202, 203]), 'other divisions of the tick ok');
    for (const app of [a.app, b.app]) syncOf(app).registry.unregister('test-slow');
  });
});

describe('failures and recovery', () => {
  it('a division whose calls fail does not delay the others, and its error is kept verbatim', async () => {
    const stuckInExact = gate();
    const done: number[] = [];
    for (const app of [a.app, b.app]) {
      syncOf(app).registry.register({
        name: 'test-payments',
        schedule: '15min',
        run: async (ctx) => {
          if (ctx.division === 202) {
            await stuckInExact.promise; // a slow, failing Exact administration
            const e = new Error('Exact Online 401: Unauthorized - Token niet geldig voor divisie 202') as Error & { status: number };
            e.status = 401;
            throw e;
          }
          done.push(ctx.division);
        },
      });
    }
    const result = await syncOf(a.app).service.enqueueAll('schedule', '15min');
    expect(result.queued).toBeGreaterThanOrEqual(3);
    // the others finish while division 202 still hangs in its call
    await waitFor(async () => (await allOk(['test-payments'], [201, 203])) && (await stateOf(a.db.url, 202, 'test-payments'))?.status === 'running', 'others ok while 202 runs');
    expect(done.sort()).toEqual([201, 203]);
    stuckInExact.open();
    const failed = await waitFor(async () => {
      const s = await stateOf(a.db.url, 202, 'test-payments');
      return s?.status === 'failed' ? s : undefined;
    }, '202 failed');
    expect(failed.last_error).toBe('Exact Online 401: Unauthorized - Token niet geldig voor divisie 202');
    const [run] = await sql<{ status: string; error: string }>(a.db.url, `select * from sync_run where resource = 'test-payments' and division = 202`);
    expect(run).toMatchObject({ status: 'failed', error: 'Exact Online 401: Unauthorized - Token niet geldig voor divisie 202' });
    // pg-boss keeps the job for a retry with backoff
    const [job] = await sql<{ state: string; retry_backoff: boolean }>(
      a.db.url,
      `select state, retry_backoff from pgboss.job where singleton_key = 'test-payments:202' order by created_on desc limit 1`,
    );
    expect(job).toMatchObject({ state: 'retry', retry_backoff: true });
  });

  it('the sweeper recovers a stuck run (stale heartbeat) and one whose process is gone', async () => {
    // the previous test's enqueueAll also queued the other test resources: let those runs finish first,
    // so the sweeps below only see what this test sets up
    await waitFor(async () => {
      const busy = await sql(a.db.url, `select 1 from sync_state where status in ('running', 'queued')`);
      return busy.length === 0 ? true : undefined;
    }, 'earlier runs settled', 30_000);
    const hang = gate();
    let attempt = 0;
    for (const app of [a.app, b.app]) {
      syncOf(app).registry.register({
        name: 'test-stuck',
        schedule: '15min',
        run: async (ctx) => {
          attempt++;
          if (attempt === 1) {
            await ctx.saveCursor('first-batch');
            await hang.promise; // hangs (ignores its signal), as a stuck HTTP call would
            await ctx.saveCursor('never');
          }
          expect(ctx.cursor).toBe('first-batch');
          await ctx.saveCursor('done');
        },
      });
    }
    await syncOf(a.app).service.enqueue(203, 'test-stuck', 'manual');
    const running = await waitFor(async () => {
      const s = await stateOf(a.db.url, 203, 'test-stuck');
      return s?.status === 'running' && s.cursor === 'first-batch' ? s : undefined;
    }, 'stuck job running');
    // a fresh heartbeat and a live owner: left alone
    expect(await syncOf(a.app).sweeper.sweep()).toEqual([]);
    expect(await syncOf(b.app).sweeper.sweep()).toEqual([]);
    // the clock of one process moves past SYNC_STALE_MINUTES (10): it recovers the stuck run
    const owner = running.owner === (a.app.get((await import('../../src/modules/sync/sync.lease.js')).SyncLease)).id ? a.app : b.app;
    const other = owner === a.app ? b.app : a.app;
    const clock = syncOf(other).clock;
    clock.advance(11 * 60_000);
    try {
      expect(await syncOf(other).sweeper.sweep()).toEqual(['test-stuck:203']);
    } finally {
      clock.advance(-11 * 60_000);
    }
    await waitFor(async () => (await stateOf(a.db.url, 203, 'test-stuck'))?.status === 'ok', 'recovered run ok');
    hang.open();
    const runs = await sql<{ status: string; trigger: string; error: string | null; cursor_start: string | null }>(
      a.db.url,
      `select status, trigger, error, cursor_start from sync_run where resource = 'test-stuck' order by id`,
    );
    expect(runs).toHaveLength(2);
    expect(runs[0].status).toBe('failed');
    expect(runs[0].error).toContain('Stuck: no heartbeat');
    expect(runs[1]).toMatchObject({ status: 'ok', trigger: 'recovery', cursor_start: 'first-batch' });
    expect((await stateOf(a.db.url, 203, 'test-stuck')).cursor).toBe('done');

    // a run whose owner process is gone (its lease is free) is recovered at once
    await sql(a.db.url, `update sync_state set status = 'running', owner = 12345, heartbeat_at = now() where division = 201 and resource = 'test-accounts'`);
    expect(await syncOf(b.app).sweeper.sweep()).toEqual(['test-accounts:201']);
    await waitFor(async () => (await stateOf(a.db.url, 201, 'test-accounts'))?.status === 'ok', 'dead-owner run re-run');

    // a state left "queued" although its job is gone (done elsewhere, cancelled) shows its last outcome again
    await sql(a.db.url, `update sync_state set status = 'queued' where division = 202 and resource = 'test-accounts'`);
    await syncOf(a.app).sweeper.sweep();
    expect((await stateOf(a.db.url, 202, 'test-accounts')).status).toBe('ok');
  });
});
