import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SchedulerRegistry } from '@nestjs/schedule';
import pg from 'pg';
import { startTestApp, type TestApp } from '../support/app.js';
import { addDivisions, gate, sql, startAppOnDatabase, stateOf, syncOf, SYNC_TEST_ENV, useLocationDivisions, waitFor, type SecondApp } from '../support/sync.js';
import { SyncLease } from '../../src/modules/sync/sync.lease.js';
import { WebhookInbox } from '../../src/modules/webhooks/webhook.inbox.js';
import { WebhookWorker } from '../../src/modules/webhooks/webhook.worker.js';
import { WebhookMaintenance, SUBSCRIPTIONS_CHECK_TASK } from '../../src/modules/webhooks/webhook.maintenance.js';

// Issue 19 item 1: one engine for all background work — a person's work before the night's queue, one lease that
// any host can read, and a process started with SYNC_ENABLED=false that does no background work at all.

const LOCK_CLASS = 0x4b53; // the advisory-lock class of Koppel processes (SyncLease)

/** Counts the sync jobs of a resource in pg-boss by state. */
async function jobStates(url: string, resource: string): Promise<Record<string, number>> {
  const rows = await sql<{ state: string; n: string }>(url, `select state, count(*) as n from pgboss.job where name = 'koppel-sync' and data->>'resource' = $1 group by state`, [resource]);
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}

describe('work a person started goes before scheduled work', () => {
  let t: TestApp;
  const NIGHT = Array.from({ length: 19 }, (_, i) => 301 + i);

  beforeAll(async () => {
    // one general slot: the first nightly job holds it, the other 18 wait in the queue ("In de wachtrij")
    t = await startTestApp({ ...SYNC_TEST_ENV, SYNC_CONCURRENCY: '1' });
    useLocationDivisions(t.app);
    await addDivisions(t.db.url, NIGHT);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('an import started from a screen runs before 18 queued nightly jobs, also one whose own nightly job was queued', async () => {
    const hold = gate();
    const starts: string[] = [];
    let first = true;
    const { registry, service } = syncOf(t.app);
    registry.register({
      name: 'test-night',
      schedule: 'nightly',
      run: async (ctx) => {
        starts.push(`night:${ctx.division}`);
        if (first) {
          first = false;
          await hold.promise;
        }
      },
    });
    registry.register({ name: 'test-import', schedule: '15min', run: async (ctx) => void starts.push(`import:${ctx.division}:${ctx.trigger}`) });
    try {
      // the night's jobs, as the nightly trigger queues them (one per division)
      for (const d of NIGHT) expect(await service.enqueue(d, 'test-night', 'schedule')).toBe('queued');
      await waitFor(async () => starts.length === 1, 'the first nightly job running');
      const held = starts[0];
      await waitFor(async () => ((await jobStates(t.db.url, 'test-night')).created ?? 0) === 18 || undefined, '18 nightly jobs queued');

      // the person's import: its own job, while the night's queue waits
      expect(await service.enqueue(NIGHT[0], 'test-import', 'manual')).toBe('queued');
      await waitFor(async () => starts.some((s) => s.startsWith('import:')), 'the import started', 30_000);
      // a person asking for a job the night already queued: no second job, the waiting one is lifted
      const waitingNight = NIGHT.map((d) => `night:${d}`).find((k) => k !== held)!;
      const division = Number(waitingNight.split(':')[1]);
      expect(await service.enqueue(division, 'test-night', 'manual')).toBe('busy');
      await waitFor(async () => starts.includes(waitingNight), 'the lifted nightly job started', 30_000);

      // both ran while the first nightly job still held the only general slot, before any other nightly job
      expect(starts).toEqual([held, `import:${NIGHT[0]}:manual`, waitingNight]);
      expect((await jobStates(t.db.url, 'test-night')).created).toBe(17);
    } finally {
      hold.open();
    }
    await waitFor(async () => starts.length === 1 + NIGHT.length || undefined, 'the whole night done', 120_000).catch(async (e) => {
      throw new Error(`${(e as Error).message}: ${JSON.stringify(starts)} ${JSON.stringify(await jobStates(t.db.url, 'test-night'))} ${JSON.stringify(await sql(t.db.url, 'select resource, division, status, last_error from sync_state where status <> \'ok\''))}`);
    });
    expect(new Set(starts.filter((s) => s.startsWith('night:'))).size).toBe(NIGHT.length);
  }, 180_000);
});

describe('a claim of a process that died on another host', () => {
  let a: TestApp;

  beforeAll(async () => {
    // no inbox worker here: the test itself calls releaseExpired (the worker's housekeeping would race it)
    a = await startTestApp({ ...SYNC_TEST_ENV, WEBHOOK_WORKER: 'false' });
    useLocationDivisions(a.app);
    await addDivisions(a.db.url, [401]);
  });
  afterAll(async () => {
    await a?.close();
  });

  it('is taken over as soon as its lease is gone: sync state, one-off run and webhook inbox alike', async () => {
    // "another host": a connection that holds a Koppel lease the way any Koppel process does (its pid means nothing here)
    const other = new pg.Client({ connectionString: a.db.url });
    await other.connect();
    const id = 1_234_567_891;
    await other.query('select pg_advisory_lock($1, $2)', [LOCK_CLASS, id]);
    const { registry, service, sweeper } = syncOf(a.app);
    const interrupted: string[] = [];
    registry.register({ name: 'test-remote', schedule: '15min', run: async () => undefined });
    registry.registerTask({ name: 'test-remote-task', run: async () => undefined, interrupted: async (key) => void interrupted.push(key) });
    const fresh = new Date(Date.now() + 60_000); // a heartbeat that is not stale: only the lease can tell
    await sql(a.db.url, `insert into sync_state (division, resource, status, owner, heartbeat_at) values (401, 'test-remote', 'running', $1, $2)`, [id, fresh]);
    const [{ id: runId }] = await sql<{ id: number }>(
      a.db.url,
      `insert into sync_run (division, resource, trigger, status, started_at, heartbeat_at, owner, job_key, payload) values (0, 'test-remote-task', 'user', 'running', now(), $2, $1, '77', '{}') returning id`,
      [id, fresh],
    );
    const [{ id: inboxId }] = await sql<{ id: string }>(
      a.db.url,
      `insert into webhook_inbox (content_hash, topic, division, action, key, client_id, endpoint, event_created_on, content, status, claimed_by, locked_until)
       values ('remote-claim', 'KoppelRemote', 401, 'Update', 'k', 'c', null, null, '{}', 'processing', $1, now() + interval '1 hour') returning id`,
      [`lease:${id}/webhooks:remote`],
    );
    const inbox = a.app.get(WebhookInbox);
    try {
      // alive on its host: nothing is taken
      expect(await a.app.get(SyncLease).isAlive(id)).toBe(true);
      expect(await sweeper.sweep()).toEqual([]);
      expect((await service.taskStatus('test-remote-task', '77')).state).toBe('running');
      expect(await inbox.releaseExpired()).toBe(0);
      expect((await stateOf(a.db.url, 401, 'test-remote')).status).toBe('running');
    } finally {
      await other.end(); // the other host's process dies (its connection goes with it)
    }
    await waitFor(async () => !(await a.app.get(SyncLease).isAlive(id)) || undefined, 'the lease gone');
    expect((await service.taskStatus('test-remote-task', '77')).state).toBe('failed');
    expect(interrupted).toEqual(['77']);
    const [run] = await sql<{ status: string; error: string }>(a.db.url, 'select status, error from sync_run where id = $1', [runId]);
    expect(run).toMatchObject({ status: 'failed', error: expect.stringContaining('stopped') });
    expect(await sweeper.sweep()).toEqual(['test-remote:401']);
    expect(await inbox.releaseExpired()).toBe(1);
    const [row] = await sql<{ status: string; claimed_by: string | null }>(a.db.url, 'select status, claimed_by from webhook_inbox where id = $1', [inboxId]);
    expect(row).toEqual({ status: 'pending', claimed_by: null });
    await waitFor(async () => (await stateOf(a.db.url, 401, 'test-remote'))?.status === 'ok' || undefined, 'the recovered job run here');
  }, 120_000);

  it('runs a one-off key once (a second job of a key whose run ended ends without running); a repeatable kind runs every time', async () => {
    const { registry, service } = syncOf(a.app);
    const ran: string[] = [];
    registry.registerTask({ name: 'test-once', run: async (ctx) => void ran.push(`once:${ctx.key}`) });
    registry.registerTask({ name: 'test-again', repeatable: true, run: async (ctx) => void ran.push(`again:${ctx.key}`) });
    for (const name of ['test-once', 'test-again']) {
      expect(await service.submit(name, 'k', { trigger: 'user', division: 401 })).toBeTruthy();
      await waitFor(async () => (await jobStates(a.db.url, name)).completed === 1 || undefined, `${name}'s first job done`, 60_000);
      expect((await service.taskStatus(name, 'k', 401)).state).toBe('ok');
      expect(await service.submit(name, 'k', { trigger: 'user', division: 401 })).toBeTruthy();
      await waitFor(async () => (await jobStates(a.db.url, name)).completed === 2 || undefined, `${name}'s second job done`, 60_000);
    }
    expect(ran.sort()).toEqual(['again:k', 'again:k', 'once:k']);
    const runs = await sql<{ resource: string; status: string }>(a.db.url, `select resource, status from sync_run where resource in ('test-once', 'test-again') order by id`);
    expect(runs).toEqual([{ resource: 'test-once', status: 'ok' }, { resource: 'test-again', status: 'ok' }, { resource: 'test-again', status: 'ok' }]);
  }, 150_000);
});

describe('a process started with SYNC_ENABLED=false', () => {
  let web: TestApp;
  let worker: SecondApp | undefined;

  beforeAll(async () => {
    // real timers on, every second: if anything in this process did background work, it would within the test
    web = await startTestApp({ SYNC_ENABLED: 'false', SYNC_TIMERS: 'true', SYNC_CRON: '* * * * * *', NIGHTLY_CRON: '* * * * * *', SYNC_POLL_SECONDS: '0.5', WEBHOOK_POLL_MS: '100', WEBHOOK_CHECK_SECONDS: '1' });
    useLocationDivisions(web.app);
    await addDivisions(web.db.url, [501]);
  });
  afterAll(async () => {
    await worker?.close();
    await web?.close();
  });

  it('does no background work at all: it only queues, and a process with the engine does the work', async () => {
    const ran: string[] = [];
    syncOf(web.app).registry.register({ name: 'test-queued', schedule: '15min', run: async () => void ran.push('web') });
    syncOf(web.app).registry.registerTask({ name: 'test-queued-task', run: async () => void ran.push('web-task') });
    expect(await syncOf(web.app).service.enqueue(501, 'test-queued', 'user')).toBe('queued');
    expect(await syncOf(web.app).service.submit('test-queued-task', 'x1', { trigger: 'user', payload: { n: 1 } })).toBeTruthy();
    await sql(web.db.url, `insert into webhook_inbox (content_hash, topic, division, action, key, client_id, content) values ('idle-check', 'Accounts', 501, 'Update', 'k', 'c', '{}')`);
    // the subscription check after a connect or a division refresh: queued, not run here
    expect(await web.app.get(WebhookMaintenance).checkSoon()).toBeTruthy();

    // no lease, no inbox worker, no timers; the jobs stay queued through many poll intervals and timer ticks
    expect(web.app.get(SyncLease).held).toBe(false);
    expect(web.app.get(WebhookWorker).isRunning).toBe(false);
    expect(web.app.get(SchedulerRegistry).getCronJobs().size).toBe(0);
    const until = Date.now() + 4000;
    while (Date.now() < until) {
      expect(ran).toEqual([]);
      expect(await jobStates(web.db.url, 'test-queued')).toEqual({ created: 1 });
      expect(await jobStates(web.db.url, 'test-queued-task')).toEqual({ created: 1 });
      expect(await jobStates(web.db.url, SUBSCRIPTIONS_CHECK_TASK)).toEqual({ created: 1 });
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(await sql(web.db.url, 'select id from sync_run')).toEqual([]);
    expect(await sql(web.db.url, `select status, attempts from webhook_inbox where content_hash = 'idle-check'`)).toEqual([{ status: 'pending', attempts: 0 }]);
    // what the page polls says "queued"
    expect((await syncOf(web.app).service.taskStatus('test-queued-task', 'x1')).state).toBe('queued');

    // a process with the engine on takes the queued work
    worker = await startAppOnDatabase(web.db, { ...SYNC_TEST_ENV, WEBHOOK_WORKER: 'false' }, (app) => {
      syncOf(app).registry.register({ name: 'test-queued', schedule: '15min', run: async () => void ran.push('worker') });
      syncOf(app).registry.registerTask({ name: 'test-queued-task', run: async (ctx) => ({ got: ctx.payload.n, ran: ran.push('worker-task') }) });
    });
    await waitFor(async () => ran.length === 2 || undefined, 'the worker process ran both jobs', 60_000);
    expect(ran.sort()).toEqual(['worker', 'worker-task']);
    await waitFor(async () => (await syncOf(web.app).service.taskStatus('test-queued-task', 'x1')).state === 'ok' || undefined, 'the task ok, seen from the web process');
    const { run } = await syncOf(web.app).service.taskStatus('test-queued-task', 'x1');
    expect(run?.summary).toMatchObject({ got: 1 });
    await waitFor(async () => (await syncOf(web.app).service.taskStatus(SUBSCRIPTIONS_CHECK_TASK, 'check')).state === 'ok' || undefined, 'the subscription check ran in the worker');
  }, 120_000);
});
