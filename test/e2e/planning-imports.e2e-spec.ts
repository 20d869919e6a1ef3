import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { csrf, startTestApp, type Agent, type TestApp } from '../support/app.js';
import { advanceClocks, connectExact, startExactSandbox, type ExactTestEnv } from '../support/exact.js';
import { sql, waitFor } from '../support/sync.js';
import { freePort } from '../../src/common/net.js';
import { SyncService } from '../../src/modules/sync/sync.service.js';

// Real parts: Koppel on a real port (webhooks come back over HTTP), the sandbox's planning side, real PostgreSQL.
const MFG = 1234567; // manufacturing package: orders, shop orders, HR
const PSA = 2345678; // services package: no Orders / Manufacturing module

let x: ExactTestEnv;
let t: TestApp;
let admin: Agent;
let planner: Agent;

const db = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(t.db.url, text, params);


async function saveOptions(division: number, options: string[]): Promise<{ status: number; text: string }> {
  const token = await csrf(admin, `/settings/integrations/exact/planning?division=${division}`);
  const body: Record<string, string> = { _csrf: token, division: String(division) };
  for (const o of options) body[o] = 'on';
  const res = await admin.post('/settings/integrations/exact/planning/save').type('form').send(body);
  return { status: res.status, text: res.text };
}

async function activate(division: number) {
  const token = await csrf(admin, `/settings/integrations/exact/planning?division=${division}`);
  const res = await admin.post('/settings/integrations/exact/planning/activate').type('form').send({ _csrf: token, division: String(division) });
  expect(res.status).toBe(303);
}

/** No planning run queued or running, no notification on its way or waiting in the inbox — twice, half a second apart. */
async function idle(division: number, opts: { paused?: boolean } = {}) {
  const quiet = async () => {
    const [s] = await db<{ status: string }>(`select status from sync_state where division = $1 and resource = 'planning'`, [division]);
    const [q] = await db<{ n: string }>(`select count(*) as n from webhook_inbox where status in ('pending', 'processing')`);
    const [p] = await db<{ pending: Record<string, string> }>(`select pending from planning_settings where division = $1`, [division]);
    const stats = await x.control<{ webhooksPending: number }>('stats');
    return !!s && ['ok', 'failed', 'idle'].includes(s.status) && Number(q.n) === 0 && !Object.keys(p?.pending ?? {}).length && (opts.paused || !stats.webhooksPending);
  };
  await waitFor(async () => (await quiet()) && (await new Promise((r) => setTimeout(r, 500))) === undefined && (await quiet()), 'planning sync idle', 120_000);
  const [s] = await db<{ status: string; last_error: string | null }>(`select status, last_error from sync_state where division = $1 and resource = 'planning'`, [division]);
  expect([s.status, s.last_error]).toEqual(['ok', null]);
}

async function runs(division: number) {
  return Number((await db<{ n: string }>(`select count(*) as n from sync_run where resource = 'planning' and division = $1 and status <> 'running'`, [division]))[0].n);
}

async function runNow(division: number, opts: { paused?: boolean } = {}) {
  const before = await runs(division);
  expect(await t.app.get(SyncService).enqueue(division, 'planning', 'schedule')).toBe('queued');
  await waitFor(async () => (await runs(division)) > before, 'a planning run', 120_000);
  await idle(division, opts);
}

const card = async (kind: string, exactId: string) =>
  (await db<{ id: number; status: string; archived_reason: string | null; due_date: string | null; planned_start: string | null; planned_end: string | null; notes: string | null; version: number; lines: unknown[]; relation_name: string | null; customer_id: number | null }>(
    `select id, status, archived_reason, to_char(due_date, 'YYYY-MM-DD') as due_date, to_char(planned_start, 'YYYY-MM-DD') as planned_start,
            to_char(planned_end, 'YYYY-MM-DD') as planned_end, notes, version, lines, relation_name, customer_id from plan_card where division = $1 and kind = $2 and exact_id = $3`,
    [MFG, kind, exactId],
  ))[0];

beforeAll(async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  x = await startExactSandbox({ redirectUri: `${base}/settings/integrations/exact/callback` });
  await x.control('webhooks', { delayMs: 20, jitterMs: 50, retryBaseMs: 200 });
  t = await startTestApp({ ...x.env, PORT: String(port), PUBLIC_BASE_URL: base, SYNC_TIMERS: 'false', SYNC_POLL_SECONDS: '0.5', WEBHOOK_POLL_MS: '100', WEBHOOK_CHECK_SECONDS: '1' });
  await t.app.listen(port, '127.0.0.1');
  const a = await t.createUser('admin');
  admin = await t.login(a.email, a.password);
  const p = await t.createUser('planner');
  planner = await t.login(p.email, p.password);
  const res = await connectExact(x, admin, [MFG, PSA]);
  expect(res.status).toBe(303);
}, 120_000);

afterAll(async () => {
  await t?.close();
  await x?.close();
});

describe('options per division', () => {
  it('shows the article\'s groups and advice, and disables what the package refuses (users/UserHasRights)', async () => {
    const mfg = await admin.get(`/settings/integrations/exact/planning?division=${MFG}`);
    expect(mfg.status).toBe(200);
    expect(mfg.text).toContain('Verkooporders');
    expect(mfg.text).toContain('minimaal vereist');
    expect(mfg.text).toMatch(/name="SalesOrder"(?![^>]*disabled)/);
    const psa = await admin.get(`/settings/integrations/exact/planning?division=${PSA}`);
    // the services package has no Orders module: SalesOrder is disabled with the reason and what to change
    expect(psa.text).toMatch(/name="SalesOrder"[^>]*disabled/);
    expect(psa.text).toContain('salesorder/SalesOrders');
    expect(psa.text).toContain('Gebruikers → Rechten');
    expect(psa.text).toMatch(/name="Project"(?![^>]*disabled)/);
  });

  it('refuses an option Exact will refuse with a 422 and the form as ticked; the three WBS variants exclude each other', async () => {
    const refused = await saveOptions(PSA, ['SalesOrder', 'Project']);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('Exact weigert deze optie');
    expect(refused.text).toMatch(/name="Project"[^>]*checked/);
    const wbs = await saveOptions(PSA, ['Project', 'ProjectWBS', 'ProjectWBSHeader', 'HourType']);
    expect(wbs.status).toBe(422);
    expect(wbs.text).toContain('sluiten elkaar uit');
    const hour = await saveOptions(PSA, ['ProjectWBS']);
    expect(hour.text).toContain('HourType is verplicht');
    expect((await db('select options from planning_settings where division = $1 and saved_at is not null', [PSA])).length).toBe(0);
  });

  it('ProductionOrder needs the shop-order materials too: without that right it is disabled with the endpoint, and saving it is refused', async () => {
    const page = async () => (await admin.get(`/settings/integrations/exact/planning?division=${MFG}`)).text;
    const checkAgain = async () => {
      const token = await csrf(admin, `/settings/integrations/exact/planning?division=${MFG}`);
      expect((await admin.post('/settings/integrations/exact/planning/rights').type('form').send({ _csrf: token, division: String(MFG) })).status).toBe(303);
    };
    const materials = { division: MFG, endpoint: 'manufacturing/ShopOrderMaterialPlans', action: 'GET' };
    await x.control('rights', { ...materials, allowed: false });
    try {
      await checkAgain();
      const refused = await page();
      expect(refused).toMatch(/name="ProductionOrder"[^>]*disabled/);
      expect(refused).toContain('manufacturing/ShopOrderMaterialPlans');
      expect(refused).toMatch(/name="Activity"(?![^>]*disabled)/); // the operations are still allowed
      const saved = await saveOptions(MFG, ['ProductionOrder']);
      expect(saved.status).toBe(422);
      expect(saved.text).toContain('Exact weigert deze optie');
    } finally {
      await x.control('rights', { ...materials, allowed: true });
    }
    await checkAgain();
    const allowed = await page();
    expect(allowed).toMatch(/name="ProductionOrder"(?![^>]*disabled)/);
    expect(allowed).not.toContain('manufacturing/ShopOrderMaterialPlans');
  });

  it('planners cannot open the options; they see Cards and Resources', async () => {
    expect((await planner.get('/settings/integrations/exact/planning')).status).toBe(403);
    expect((await planner.get('/planning/cards')).status).toBe(200);
    expect((await planner.get('/planning/resources')).status).toBe(200);
  });
});

describe('first import and keeping current (manufacturing division)', () => {
  it('Save, then Activate downloads every switched-on entity through the sync endpoints, with figures per entity', async () => {
    const saved = await saveOptions(MFG, ['SalesOrder', 'ProductionOrder', 'Activity', 'ResourceViaEmployee', 'ResourceViaProduction']);
    expect(saved.status).toBe(303);
    const before = await x.requests({ division: MFG });
    await activate(MFG);
    await idle(MFG);
    const calls = (await x.requests({ division: MFG })) - before;
    const cards = await db<{ kind: string; n: string }>(`select kind, count(*) as n from plan_card where division = $1 group by kind order by kind`, [MFG]);
    expect(cards.map((c) => c.kind)).toEqual(['sales_order', 'shop_order']);
    const [{ so }] = await db<{ so: string }>(`select count(*) as so from plan_card where division = $1 and kind = 'sales_order' and number is not null and jsonb_array_length(lines) > 0`, [MFG]);
    expect(Number(so)).toBe(30); // the seed's 30 sales orders, each with its lines
    const [{ ops }] = await db<{ ops: string }>(`select count(*) as ops from plan_activity where division = $1 and kind = 'operation'`, [MFG]);
    expect(Number(ops)).toBeGreaterThan(100);
    const res = await db<{ kind: string; n: string }>(`select kind, count(*) as n from plan_resource where division = $1 group by kind order by kind`, [MFG]);
    expect(res).toEqual([{ kind: 'employee', n: '10' }, { kind: 'machine', n: '5' }]);
    // completed (21) and cancelled (45) orders are archived and say so
    const archived = await db<{ archived_reason: string; exact_status: number }>(`select archived_reason, exact_status from plan_card where division = $1 and kind = 'sales_order' and status = 'archived'`, [MFG]);
    expect(archived.length).toBeGreaterThan(0);
    for (const a of archived) expect(a.archived_reason).toBe(a.exact_status === 21 ? 'completed' : 'cancelled');
    // a handful of sync pages plus one sync/Deleted — not a call per record
    expect(calls).toBeLessThan(20);
    const page = await admin.get(`/settings/integrations/exact/planning?division=${MFG}`);
    expect(page.text).toContain('Verkooporderregels');
    expect(page.text).toContain('bijgewerkt');
  }, 180_000);

  it('a change in Exact updates the card and keeps what the planner did (dates, notes); the history shows it', async () => {
    const [c] = await db<{ id: number; exact_id: string; version: number }>(`select id, exact_id, version from plan_card where division = $1 and kind = 'sales_order' and status = 'open' order by id limit 1`, [MFG]);
    await db(`update plan_card set planned_start = '2027-01-04', planned_end = '2027-01-06', notes = 'Bel klant eerst', version = version + 1 where id = $1`, [c.id]);
    // the order's customer is a Koppel customer linked to the Exact account: the card points at it (no copy is made)
    const [{ relation_exact_id: account }] = await db<{ relation_exact_id: string }>('select relation_exact_id from plan_card where id = $1', [c.id]);
    const [cust] = await db<{ id: number }>(`insert into customers (number, name) values ('PLAN-1', 'Klant van de order') returning id`);
    await db(`insert into customer_exact_links (customer_id, division, exact_id, state) values ($1, $2, $3, 'linked')`, [cust.id, MFG, account]);
    const customersBefore = (await db('select id from customers')).length;
    await x.control('planning/SalesOrders', { division: MFG, ID: c.exact_id, action: 'update', fields: { DeliveryDate: '2027-02-15', Description: 'Gewijzigd in Exact' } });
    // the SalesOrders webhook asks for one run; it brings the change in
    await waitFor(async () => ((await card('sales_order', c.exact_id))?.due_date === '2027-02-15' ? true : undefined), 'the new delivery date', 60_000);
    const after = await card('sales_order', c.exact_id);
    expect([after.planned_start, after.planned_end, after.notes]).toEqual(['2027-01-04', '2027-01-06', 'Bel klant eerst']);
    expect(after.version).toBeGreaterThan(c.version + 1);
    expect(after.customer_id).toBe(cust.id);
    expect((await db('select id from customers')).length).toBe(customersBefore);
    const page = await planner.get(`/planning/cards/${c.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Gewijzigd in Exact');
    expect(page.text).toContain('2027-02-15');
  }, 120_000);

  it('an order completed in Exact archives its card; a shop order deleted in Exact is archived and says so', async () => {
    await idle(MFG);
    const [so] = await db<{ exact_id: string }>(`select exact_id from plan_card where division = $1 and kind = 'sales_order' and status = 'open' and exact_status = 12 order by id desc limit 1`, [MFG]);
    await x.control('planning/SalesOrders', { division: MFG, ID: so.exact_id, action: 'complete' });
    await waitFor(async () => ((await card('sales_order', so.exact_id)).status === 'archived' ? true : undefined), 'completed order archived', 60_000);
    expect((await card('sales_order', so.exact_id)).archived_reason).toBe('completed');
    // a shop order that may be deleted: open (10), no hours
    const fresh = await x.control<{ ID: string }>('planning/ShopOrders', { division: MFG, action: 'create', fields: { Item: await makeItem(), PlannedQuantity: 3, Description: 'Te verwijderen' } });
    await waitFor(async () => ((await card('shop_order', fresh.ID.toLowerCase())) ? true : undefined), 'new shop order imported', 60_000);
    await idle(MFG);
    await x.control('planning/ShopOrders', { division: MFG, ID: fresh.ID, action: 'delete' });
    // deletions have no webhook here: the next cycle's sync/Deleted finds it
    await runNow(MFG);
    const gone = await card('shop_order', fresh.ID.toLowerCase());
    expect([gone.status, gone.archived_reason]).toEqual(['archived', 'deleted']);
    const page = await planner.get(`/planning/cards/${gone.id}`);
    expect(page.text).toContain('verwijderd in Exact');
  }, 180_000);

  it('notifications lost: the safety net (6 hours later) finds the change', async () => {
    await idle(MFG);
    await x.control('webhooks', { enabled: false });
    try {
      const [c] = await db<{ exact_id: string }>(`select exact_id from plan_card where division = $1 and kind = 'shop_order' and status = 'open' order by id limit 1`, [MFG]);
      await x.control('planning/ShopOrders', { division: MFG, ID: c.exact_id, action: 'update', fields: { Description: 'Vangnet' } });
      // a quarter-hour tick soon after: nothing is due yet, so no call is made
      const before = await x.requests({ division: MFG });
      await runNow(MFG, { paused: true });
      expect((await x.requests({ division: MFG })) - before).toBe(0);
      await advanceClocks(x, [t], 6 * 3600 + 60);
      await runNow(MFG, { paused: true });
      const [row] = await db<{ description: string }>(`select description from plan_card where division = $1 and kind = 'shop_order' and exact_id = $2`, [MFG, c.exact_id]);
      expect(row.description).toBe('Vangnet');
    } finally {
      await x.control('webhooks', { enabled: true });
    }
  }, 180_000);

  it('switching to one card per line archives the order cards (kept) and makes line cards', async () => {
    await idle(MFG);
    expect((await saveOptions(MFG, ['SalesOrderRow', 'ProductionOrder', 'Activity', 'ResourceViaEmployee', 'ResourceViaProduction'])).status).toBe(303);
    await activate(MFG);
    await idle(MFG);
    const [{ open }] = await db<{ open: string }>(`select count(*) as open from plan_card where division = $1 and kind = 'sales_order' and status = 'open'`, [MFG]);
    expect(Number(open)).toBe(0);
    const [{ off }] = await db<{ off: string }>(`select count(*) as off from plan_card where division = $1 and kind = 'sales_order' and archived_reason = 'option_off'`, [MFG]);
    expect(Number(off)).toBeGreaterThan(0);
    const lines = await db<{ n: string; numbered: string }>(`select count(*) as n, count(number) as numbered from plan_card where division = $1 and kind = 'sales_order_line'`, [MFG]);
    expect(Number(lines[0].n)).toBeGreaterThan(30);
    expect(lines[0].numbered).toBe(lines[0].n);
    const list = await planner.get('/planning/cards?kind=sales_order_line');
    expect(list.text).toContain('Verkooporderregel');
  }, 180_000);
});

describe('schedules, leave and absence (Schedule)', () => {
  it('brings each employee\'s schedule (hours per weekday) and the days of leave and absence; Exact leads', async () => {
    await idle(MFG);
    expect((await saveOptions(MFG, ['SalesOrderRow', 'ProductionOrder', 'Activity', 'ResourceViaEmployee', 'ResourceViaProduction', 'Schedule'])).status).toBe(303);
    await activate(MFG);
    await idle(MFG);
    const schedules = await db<{ name: string; exact_schedule: boolean; hours: string; week: number[] }>(
      `select r.name, r.exact_schedule, s.hours::text as hours, s.week_hours as week from resource_schedule_entry s join plan_resource r on r.id = s.resource_id where s.division = $1 and s.main`, [MFG]);
    expect(schedules.length).toBeGreaterThanOrEqual(10);
    for (const s of schedules) {
      expect(s.exact_schedule).toBe(true);
      expect(s.week).toHaveLength(7);
      expect(s.week.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    }
    const leave = await db<{ kind: string; n: string }>(`select kind, count(*) as n from resource_leave where division = $1 group by kind order by kind`, [MFG]);
    expect(leave.map((l) => l.kind)).toEqual(['absence', 'leave']);
    const page = await planner.get('/planning/resources?kind=employee');
    expect(page.text).toContain('uit Exact (alleen lezen)');
  }, 180_000);
});

describe('projects (services division)', () => {
  it('imports project headers as cards; a project completed in Exact is archived', async () => {
    expect((await saveOptions(PSA, ['Project', 'ResourceViaEmployee'])).status).toBe(303);
    await activate(PSA);
    await idle(PSA);
    const projects = await db<{ exact_id: string; number: string; status: string }>(`select exact_id, number, status from plan_card where division = $1 and kind = 'project' order by id`, [PSA]);
    expect(projects.length).toBe(15);
    expect(projects.every((p) => p.number)).toBe(true);
    const open = projects.find((p) => p.status === 'open')!;
    await x.control('planning/Projects', { division: PSA, ID: open.exact_id, action: 'complete' });
    await waitFor(async () => {
      const [c] = await db<{ status: string; archived_reason: string }>(`select status, archived_reason from plan_card where division = $1 and exact_id = $2`, [PSA, open.exact_id]);
      return c.status === 'archived' ? c : undefined;
    }, 'completed project archived', 60_000);
    const [{ n }] = await db<{ n: string }>(`select count(*) as n from plan_resource where division = $1 and kind = 'employee'`, [PSA]);
    expect(Number(n)).toBe(12);
  }, 180_000);
});

async function makeItem(): Promise<string> {
  const item = await x.control<{ ID: string }>('planning/Items', { division: MFG, action: 'create', fields: { Code: `MAKE-${Date.now()}`, Description: 'Maakartikel test', IsMakeItem: 1 } });
  return item.ID;
}

