import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { csrf, startTestApp, type Agent, type TestApp } from '../support/app.js';
import { addDivisions, gate, sql, stateOf, syncOf, SYNC_TEST_ENV, waitFor, useLocationDivisions } from '../support/sync.js';

let t: TestApp;
let admin: Agent;
let planner: Agent;
const calls: { division: number; resource: string; trigger: string }[] = [];
let hold = gate();

beforeAll(async () => {
  t = await startTestApp({ ...SYNC_TEST_ENV });
  useLocationDivisions(t.app);
  const a = await t.createUser('admin');
  const p = await t.createUser('planner');
  admin = await t.login(a.email, a.password);
  planner = await t.login(p.email, p.password);
});
afterAll(async () => {
  hold.open();
  await t?.close();
});

const fragment = (agent: Agent, path: string) => agent.get(path).set('HX-Request', 'true');

describe('Sync page', () => {
  it('explains to connect Exact Online first when there is nothing to sync', async () => {
    const res = await admin.get('/sync');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Er valt nog niets te synchroniseren');
    expect(res.text).toContain('/settings/integrations');
    expect(res.text).not.toContain('hx-trigger="every 2s"');
  });

  it('shows each division × resource, full page and HTMX fragment', async () => {
    await addDivisions(t.db.url, [101, 102]);
    const { registry } = syncOf(t.app);
    registry.register({
      name: 'test-customers',
      schedule: '15min',
      run: async (ctx) => {
        calls.push({ division: ctx.division, resource: ctx.resource, trigger: ctx.trigger });
        if (ctx.division === 101) await hold.promise;
        if (ctx.division === 102) throw new Error('Exact Online: Forbidden - Geen toegang tot administratie 102 (HTTP 403)');
        ctx.count({ created: 3, updated: 2, apiCalls: 1 });
        await ctx.progress(5, 5);
        await ctx.saveCursor('0x0000000000001234', 'incremental');
      },
    });
    registry.register({ name: 'test-invoices', schedule: 'nightly', run: async () => undefined });

    const page = await admin.get('/sync');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html');
    expect(page.text).toContain('Administratie 101');
    expect(page.text).toContain('Vestiging 102');
    expect(page.text).toContain('test-customers');
    expect(page.text).toContain('test-invoices');
    expect(page.text).toContain('Nog niet gedraaid');
    expect(page.text).toContain('Nu uitvoeren');
    expect(page.text).toContain('Import starten');

    const frag = await fragment(admin, '/sync');
    expect(frag.status).toBe(200);
    expect(frag.text).not.toContain('<html');
    expect(frag.text).toContain('id="sync-status"');
    expect(frag.text).not.toContain('hx-trigger="every 2s"');

    const en = await admin.get('/sync?lang=en').set('Accept-Language', 'en');
    expect(en.status).toBe(200);
  });

  it('lets a planner look but not trigger (403)', async () => {
    const page = await planner.get('/sync');
    expect(page.status).toBe(200);
    expect(page.text).toContain('test-customers');
    expect(page.text).not.toContain('Nu uitvoeren');
    const token = await csrf(planner, '/sync');
    const run = await planner.post('/sync/run').type('form').send({ _csrf: token, division: 101, resource: 'test-customers' });
    expect(run.status).toBe(403);
    const imp = await planner.post('/sync/import').type('form').send({ _csrf: token });
    expect(imp.status).toBe(403);
    expect(await sql(t.db.url, 'select 1 from sync_run')).toHaveLength(0);
  });

  it('Run now enqueues the job (303), shows progress while it runs and the result after', async () => {
    const token = await csrf(admin, '/sync');
    const res = await admin.post('/sync/run').type('form').send({ _csrf: token, division: 101, resource: 'test-customers' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/sync');
    const after = await admin.get('/sync');
    expect(after.text).toContain('staat in de wachtrij');

    await waitFor(async () => (await stateOf(t.db.url, 101, 'test-customers'))?.status === 'running', 'job running');
    const busy = await fragment(admin, '/sync');
    expect(busy.text).toContain('hx-trigger="every 2s"');
    expect(busy.text).toContain('hx-get="/sync"');
    expect(busy.text).toContain('Bezig');

    // a second Run now while it runs enqueues nothing (HTMX: the refreshed panel with a message)
    const again = await admin.post('/sync/run').set('HX-Request', 'true').set('X-CSRF-Token', token).type('form').send({ division: 101, resource: 'test-customers' });
    expect(again.status).toBe(200);
    expect(again.text).not.toContain('<html');
    expect(again.text).toContain('staat al in de wachtrij of loopt');

    hold.open();
    await waitFor(async () => (await stateOf(t.db.url, 101, 'test-customers'))?.status === 'ok', 'job ok');
    const done = await fragment(admin, '/sync');
    expect(done.text).not.toContain('hx-trigger="every 2s"');
    expect(calls.filter((c) => c.division === 101)).toEqual([{ division: 101, resource: 'test-customers', trigger: 'manual' }]);
    const [state] = await sql<{ cursor: string; stage: string; created_count: number; api_calls: number }>(
      t.db.url,
      `select * from sync_state where division = 101 and resource = 'test-customers'`,
    );
    expect(state).toMatchObject({ cursor: '0x0000000000001234', stage: 'incremental', created_count: 3, api_calls: 1 });
  });

  it('Start import enqueues everything; a failing division shows Exact\'s own error text', async () => {
    const token = await csrf(admin, '/sync');
    const res = await admin.post('/sync/import').set('HX-Request', 'true').set('X-CSRF-Token', token).send();
    expect(res.status).toBe(200);
    expect(res.text).toContain('Import gestart');
    // "Start import" queues every registered resource for both divisions: with planning, transactions, outgoing, health
    // and the webhook check the app now registers about fifteen, so this test's two jobs wait behind some thirty real
    // ones (each failing fast without a connection). Alone this takes well under a second; on a loaded CI machine it
    // took more than the default 25 s, so the deadline follows the queue, not the test's own work.
    await waitFor(async () => (await stateOf(t.db.url, 102, 'test-customers'))?.status === 'failed', 'division 102 failed', 120_000);
    await waitFor(async () => (await stateOf(t.db.url, 102, 'test-invoices'))?.status === 'ok', 'division 102 invoices ok', 120_000);
    const page = await admin.get('/sync');
    expect(page.text).toContain('Geen toegang tot administratie 102');
    expect(page.text).toContain('Mislukt');
  }, 300_000);

  it('filters and pages the history', async () => {
    const all = await fragment(admin, '/sync/history');
    expect(all.status).toBe(200);
    expect(all.text).not.toContain('<html');
    const only102 = await fragment(admin, '/sync/history?division=102&status=failed');
    expect(only102.text).toContain('Geen toegang tot administratie 102');
    expect(only102.text).not.toMatch(/<td>101<\/td>/);
    const ok = await fragment(admin, '/sync/history?resource=test-invoices&status=ok');
    expect(ok.text).toContain('test-invoices');
    expect(ok.text).not.toContain('Geen toegang');
    const full = await admin.get('/sync/history?division=101&size=10');
    expect(full.status).toBe(200);
    expect(full.text).toContain('<html');
    const paged = await fragment(admin, '/sync/history?size=10&page=99');
    expect(paged.status).toBe(200);
  });

  it('shows admins on the dashboard which division is unhealthy', async () => {
    const dash = await admin.get('/');
    expect(dash.text).toContain('Administraties die aandacht nodig hebben');
    expect(dash.text).toContain('Administratie 102');
    expect(dash.text).not.toContain('Administratie 101');
    const plannerDash = await planner.get('/');
    expect(plannerDash.text).not.toContain('Administraties die aandacht nodig hebben');
  });
});

describe('schedules with a controllable clock', () => {
  it('fires the 15-minute and nightly schedules at the right times (Europe/Amsterdam)', async () => {
    const { scheduler, clock } = syncOf(t.app);
    const at = (iso: string) => new Date(iso);
    scheduler.rewind(at('2026-03-10T09:07:00Z')); // 10:07 in Amsterdam
    expect((await scheduler.tick(at('2026-03-10T09:14:59Z'))).fired).toEqual([]);
    const quarter = await scheduler.tick(at('2026-03-10T09:15:00Z'));
    expect(quarter.fired).toEqual([{ schedule: '15min', at: at('2026-03-10T09:15:00Z') }]);
    expect(quarter.queued + quarter.busy).toBe(2); // test-customers × divisions 101 and 102, the nightly resource not
    expect((await scheduler.tick(at('2026-03-10T09:29:00Z'))).fired).toEqual([]);

    // many missed quarters fire once; the nightly run is at 02:00 Amsterdam time (01:00 UTC in winter)
    const evening = await scheduler.tick(at('2026-03-11T00:59:00Z'));
    expect(evening.fired).toEqual([{ schedule: '15min', at: at('2026-03-11T00:45:00Z') }]);
    const night = await scheduler.tick(at('2026-03-11T01:00:00Z'));
    expect(night.fired.map((f) => f.schedule).sort()).toEqual(['15min', 'nightly']);
    expect(night.fired.find((f) => f.schedule === 'nightly')?.at).toEqual(at('2026-03-11T01:00:00Z'));

    // the app's Clock drives tick() without an argument: summer time moves the nightly run to 00:00 UTC
    scheduler.rewind(at('2026-07-01T23:30:00Z'));
    clock.advance(at('2026-07-02T00:00:30Z').getTime() - clock.now().getTime());
    const summer = await scheduler.tick();
    expect(summer.fired.map((f) => f.schedule).sort()).toEqual(['15min', 'nightly']);
    expect(summer.fired.find((f) => f.schedule === 'nightly')?.at).toEqual(at('2026-07-02T00:00:00Z'));
    clock.advance(-(clock.now().getTime() - Date.now()));
  });
});
