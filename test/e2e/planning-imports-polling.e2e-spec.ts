import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { csrf, startTestApp, type Agent, type TestApp } from '../support/app.js';
import { connectExact, startExactSandbox, type ExactTestEnv } from '../support/exact.js';
import { sql, waitFor } from '../support/sync.js';
import { SyncService } from '../../src/modules/sync/sync.service.js';
import { PLANNING_SYNC_PATHS } from '../../src/exact/planning.resources.js';
import { FEEDS, feedsOn } from '../../src/modules/planning/planning.feeds.js';
import { IMPORTED_OPTIONS, noOptions } from '../../src/modules/planning/planning.options.js';

// Issue #20, webhooks off (PUBLIC_BASE_URL is not https: Exact cannot call back): every entity switched on is polled
// through its sync endpoint on every 15-minute cycle — one call each, plus one sync/Deleted for all — and a change in
// Exact arrives with the next cycle. Real sandbox, real PostgreSQL; no webhook subscription is made.
const MFG = 1234567;

let x: ExactTestEnv;
let t: TestApp;
let admin: Agent;

const db = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(t.db.url, text, params);

/** Every option Koppel imports (the per-line and WBS variants aside: they exclude or duplicate others), as far as the package allows. */
let OPTIONS: string[] = [];

/** One scheduled (15-minute) cycle, as the timer queues it. */
async function cycle() {
  const runs = async () => Number((await db<{ n: string }>(`select count(*) as n from sync_run where resource = 'planning' and division = $1 and status <> 'running'`, [MFG]))[0].n);
  const before = await runs();
  expect(await t.app.get(SyncService).enqueue(MFG, 'planning', 'schedule')).toBe('queued');
  await waitFor(async () => (await runs()) > before, 'a planning run', 180_000);
  const [s] = await db<{ status: string; last_error: string | null }>(`select status, last_error from sync_state where division = $1 and resource = 'planning'`, [MFG]);
  expect([s.status, s.last_error]).toEqual(['ok', null]);
}

/** Calls per endpoint (lower-case path after the division) the sandbox counted for this client. */
async function callsByEndpoint(): Promise<Map<string, number>> {
  const { requests } = await x.control<{ requests: { clientId: string; division: number; endpoint: string; n: number }[] }>('stats');
  const out = new Map<string, number>();
  for (const r of requests) if (r.clientId === x.client.clientId && r.division === MFG) out.set(r.endpoint, (out.get(r.endpoint) ?? 0) + r.n);
  return out;
}

beforeAll(async () => {
  x = await startExactSandbox({ redirectUri: 'http://koppel.example.test/settings/integrations/exact/callback' });
  await x.control('limits', { minutely: 100000, daily: 1000000 });
  // an http address that is not loopback: webhooks are off, as against Exact Online without https
  t = await startTestApp({ ...x.env, PUBLIC_BASE_URL: 'http://koppel.example.test', SYNC_TIMERS: 'false', SYNC_POLL_SECONDS: '0.5' });
  const a = await t.createUser('admin');
  admin = await t.login(a.email, a.password);
  expect((await connectExact(x, admin, [MFG])).status).toBe(303);
  expect((await db('select code from exact_division where active', [])).length).toBeGreaterThan(0);
}, 120_000);

afterAll(async () => {
  await t?.close();
  await x?.close();
});

describe('webhooks off: polling through the sync endpoints', () => {
  it('every switched-on entity is read through its sync endpoint on each cycle (one call each, one sync/Deleted), and a change arrives with the next cycle', async () => {
    const page = await admin.get(`/settings/integrations/exact/planning?division=${MFG}`);
    OPTIONS = IMPORTED_OPTIONS.filter((o) => !['SalesOrderRow', 'PurchaseOrderRow'].includes(o) && !o.startsWith('ProjectWBS'))
      .filter((o) => !new RegExp(`name="${o}"[^>]*disabled`).test(page.text));
    expect(OPTIONS).toEqual(expect.arrayContaining(['SalesOrder', 'PurchaseOrder', 'ProductionOrder', 'Activity', 'SalesRelation', 'PurchaseRelation', 'Warehouse', 'ResourceViaProduction']));
    let token = await csrf(admin, `/settings/integrations/exact/planning?division=${MFG}`);
    const body: Record<string, string> = { _csrf: token, division: String(MFG) };
    for (const o of OPTIONS) body[o] = 'on';
    const saved = await admin.post('/settings/integrations/exact/planning/save').type('form').send(body);
    expect(saved.status).toBe(303);
    token = await csrf(admin, `/settings/integrations/exact/planning?division=${MFG}`);
    expect((await admin.post('/settings/integrations/exact/planning/activate').type('form').send({ _csrf: token, division: String(MFG) })).status).toBe(303);
    await waitFor(async () => {
      const [s] = await db<{ f: Date | null; status: string }>(`select p.first_import_at as f, s.status from planning_settings p join sync_state s on s.division = p.division and s.resource = 'planning' where p.division = $1`, [MFG]);
      return s?.f && s.status !== 'running' ? true : undefined;
    }, 'the first import', 180_000);
    // the first scheduled cycle also compares DivisionMoveDate (once a day; polling gives that cycle's sync/Deleted call to it)
    await cycle();
    // the options screen says so
    const screen = await admin.get(`/settings/integrations/exact/planning?division=${MFG}`);
    expect(screen.text).toContain('Webhooks staan uit');
    // no subscription for a planning topic was made in Exact
    const subs = await x.control<{ rows: { Topic: string }[] }>(`data/${MFG}/WebhookSubscriptions`);
    expect(subs.rows).toEqual([]);

    const on = feedsOn({ ...noOptions(), ...Object.fromEntries(OPTIONS.map((o) => [o, true])) });
    const syncFeeds = on.filter((f) => f.sync);
    expect(syncFeeds.length).toBeGreaterThanOrEqual(12);
    expect(on.map((f) => f.name).sort()).toEqual(FEEDS.filter((f) => on.includes(f)).map((f) => f.name).sort());

    // a change in Exact meanwhile; no webhook can tell Koppel
    const [order] = await db<{ exact_id: string }>(`select exact_id from plan_card where division = $1 and kind = 'purchase_order' and status = 'open' and exact_status = 10 order by number limit 1`, [MFG]);
    await x.control('planning/PurchaseOrders', { division: MFG, ID: order.exact_id, action: 'update', fields: { ReceiptDate: '2027-04-01' } });

    const before = await callsByEndpoint();
    await cycle();
    const after = await callsByEndpoint();
    const delta = (endpoint: string) => (after.get(endpoint) ?? 0) - (before.get(endpoint) ?? 0);
    // each sync endpoint of a switched-on entity once (the quiet cycle: every page is the last), sync/Deleted once
    for (const f of syncFeeds) expect([f.name, delta(PLANNING_SYNC_PATHS[f.sync!.name].toLowerCase())]).toEqual([f.name, 1]);
    expect(delta('sync/deleted')).toBe(1);
    // the entities without a sync API are listed once (work centres, warehouses)
    expect(delta('manufacturing/workcenters')).toBe(1);
    expect(delta('inventory/warehouses')).toBe(1);
    // and the changed order came with it (its lines read again with it)
    const [card] = await db<{ due: string }>(`select to_char(due_date, 'YYYY-MM-DD') as due from plan_card where division = $1 and kind = 'purchase_order' and exact_id = $2`, [MFG, order.exact_id]);
    expect(card.due).toBe('2027-04-01');
    // nothing else of the planning sync was called: no REST reads of single records
    const other = [...after.keys()].filter((e) => delta(e) > 0 && !e.startsWith('sync/') && !['manufacturing/workcenters', 'inventory/warehouses', 'purchaseorder/purchaseorderlines', 'system/divisions'].includes(e));
    expect(other).toEqual([]);
  }, 300_000);
});
