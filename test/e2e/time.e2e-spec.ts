import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { csrf, csrfFrom, startTestApp, type Agent, type TestApp } from '../support/app.js';
import { connectExact, startExactSandbox, type ExactTestEnv } from '../support/exact.js';
import { SYNC_TEST_ENV, sql, waitFor } from '../support/sync.js';
import { SyncService } from '../../src/modules/sync/sync.service.js';
import type { Browser } from 'puppeteer-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../src/common/net.js';
import { launchChromium } from '../../src/common/chromium.js';
import { projectRoot } from '../../src/common/paths.js';

/**
 * Time (issue 16): entries, the week timesheet, approval and locking, employees linked to users; and the outgoing
 * side against the sandbox, switch by switch: hours → manufacturing and project TimeTransactions exactly once, a
 * completed shop order and a blocked project refused with Exact's text and re-sent after the fix, a process killed
 * between the outbox row and the call, an unclear outcome settled by a look-up, a card planned twice quickly (one
 * update), the delivery date and selection code of a sales order, a master switch off (nothing more is sent).
 */

const D1 = 1234567; // manufacturing
const D2 = 2345678; // services (projects)
const OUT = 'planning-outgoing';
/** OUTGOING_DEBOUNCE_SECONDS here: long enough for two moves on a slow machine, short enough to wait for */
const DEBOUNCE = 8;
let x: ExactTestEnv;
let t: TestApp;
let admin: Agent;
let planner: Agent;
let worker: Agent;
let workerUser: { email: string; password: string };
let base: string;
let browser: Browser | undefined;
const db = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(t.db.url, text, params);
const one = async <T = Record<string, unknown>>(text: string, params: unknown[] = []) => (await db<T>(text, params))[0];
const today = new Date().toISOString().slice(0, 10);
const day = (ms: unknown) => new Date(Number(ms)).toISOString().slice(0, 10);

type Row = Record<string, unknown>;
const data = async (division: number, entity: string, q = '') => (await x.control<{ rows: Row[] }>(`data/${division}/${entity}?limit=1000${q ? `&q=${encodeURIComponent(q)}` : ''}`)).rows;

let mfgEmployee: number; // plan_resource (D1), linked to the worker
let projEmployee: number; // plan_resource (D2)
let shopCard: number;
let shopCardExact: string;
let stepActs: number[] = [];
let doneCard: number; // a completed shop order (Status 40)
let doneAct: number;
let projAct: number; // an hour type on an open project
let blockedAct: number; // an hour type on a project blocked for entry
let blockedProject: string;
let salesCard: number;
let salesExact: string;

async function seed() {
  const ins = async (text: string, params: unknown[]) => Number((await one<{ id: number }>(`${text} returning id`, params)).id);
  const [emp1] = await data(D1, 'Employees');
  const [emp2] = await data(D2, 'Employees');
  mfgEmployee = await ins(`insert into plan_resource (division, kind, exact_id, code, name) values ($1, 'employee', $2, $3, $4)`, [D1, emp1.ID, String(emp1.Code ?? 'E1'), String(emp1.FullName ?? 'Werker')]);
  projEmployee = await ins(`insert into plan_resource (division, kind, exact_id, code, name) values ($1, 'employee', $2, $3, $4)`, [D2, emp2.ID, String(emp2.Code ?? 'E2'), String(emp2.FullName ?? 'Adviseur')]);
  const orders = await data(D1, 'ShopOrders');
  const steps = await data(D1, 'ShopOrderRoutingStepPlans');
  const card = async (division: number, kind: string, exactId: string, number: string, extra: { start?: string; due?: string; parent?: string } = {}) =>
    ins(`insert into plan_card (division, kind, exact_id, number, description, exact_start_date, due_date, parent_exact_id) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [division, kind, exactId, number, `Kaart ${number}`, extra.start ?? null, extra.due ?? null, extra.parent ?? null]);
  const activity = async (cardId: number, division: number, kind: string, exactId: string, seq: number, description: string) =>
    ins(`insert into plan_activity (card_id, division, kind, exact_id, sequence, description) values ($1, $2, $3, $4, $5, $6)`, [cardId, division, kind, exactId, seq, description]);
  const open = orders.find((o) => o.Status === 10 && steps.filter((s) => s.ShopOrder === o.ID).length >= 2)!;
  shopCardExact = String(open.ID);
  shopCard = await card(D1, 'shop_order', shopCardExact, String(open.ShopOrderNumber), { start: day(open.PlannedStartDate), due: day(open.PlannedDate) });
  for (const s of steps.filter((s) => s.ShopOrder === open.ID).slice(0, 2)) stepActs.push(await activity(shopCard, D1, 'operation', String(s.ID), Number(s.LineNumber), String(s.Description)));
  const done = orders.find((o) => o.Status === 40 && steps.some((s) => s.ShopOrder === o.ID))!;
  doneCard = await card(D1, 'shop_order', String(done.ID), String(done.ShopOrderNumber));
  doneAct = await activity(doneCard, D1, 'operation', String(steps.find((s) => s.ShopOrder === done.ID)!.ID), 10, 'Afgerond');
  const projects = await data(D2, 'Projects');
  const item = (await data(D2, 'Items')).find((i) => i.IsTime === 1 || i.IsTime === true)!;
  const now = Date.now();
  const fits = (p: Row) => Number(p.StartDate) <= now && (!p.EndDate || Number(p.EndDate) >= now) && !p.HasWBSLines;
  const p = projects.find((p) => !p.BlockEntry && fits(p))!;
  const b = projects.find((p) => p.BlockEntry && fits(p))!;
  blockedProject = String(b.ID);
  const pc = await card(D2, 'project', String(p.ID), String(p.Code));
  projAct = await activity(pc, D2, 'hour_type', `${p.ID}:${item.ID}`, 1, String(item.Description ?? 'Arbeid'));
  const bc = await card(D2, 'project', String(b.ID), String(b.Code));
  blockedAct = await activity(bc, D2, 'hour_type', `${b.ID}:${item.ID}`, 1, String(item.Description ?? 'Arbeid'));
  const so = (await data(D1, 'SalesOrders')).find((o) => o.Status === 12)!;
  salesExact = String(so.OrderID);
  salesCard = await card(D1, 'sales_order', salesExact, String(so.OrderNumber), { due: day(so.DeliveryDate) });
}

/** Runs the outgoing resource of a division once through the sync engine and returns its run. */
async function runOutgoing(division: number): Promise<Row> {
  const state = async () => one(`select status from sync_state where division = $1 and resource = $2`, [division, OUT]);
  const finished = async () => Number((await one<{ n: string }>(`select count(*) as n from sync_run where division = $1 and resource = $2 and status <> 'running'`, [division, OUT])).n);
  // a run triggered by an approval may be waiting: let it finish first, then start our own
  await waitFor(async () => { const s = await state(); return !s || (s.status !== 'queued' && s.status !== 'running'); }, 'outgoing idle', 60000);
  const before = await finished();
  // the engine's job of the previous run may still be closing for a moment ('busy'): ask again until ours is queued
  await waitFor(async () => (await t.app.get(SyncService).enqueue(division, OUT, 'manual')) === 'queued', 'outgoing queued', 60000);
  await waitFor(async () => (await finished()) > before && (await state())?.status !== 'running' && (await state())?.status !== 'queued', 'outgoing run', 60000);
  return one(`select * from sync_run where division = $1 and resource = $2 order by id desc limit 1`, [division, OUT]);
}

/** A planner moves the shop order's first operation on the board (the card follows its planned activities). */
async function move(start: string, end: string) {
  const v = Number((await one<{ version: number }>('select version from plan_card where id = $1', [shopCard])).version);
  const token = await csrf(planner, '/planning/board');
  const res = await planner.post('/planning/board/moves').type('form').send({ _csrf: token, item: 'activity', id: String(stepActs[0]), version: String(v), resource: String(mfgEmployee), start, end, confirmLeave: '1', return: '/planning/board' });
  expect([200, 303]).toContain(res.status);
}
const plus = (n: number) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);

async function post(agent: Agent, page: string, path: string, fields: Record<string, string | string[]>) {
  const token = await csrf(agent, page);
  return agent.post(path).type('form').send({ _csrf: token, ...fields });
}

async function saveSwitches(division: number, on: Record<string, string>) {
  const res = await post(admin, `/settings/integrations/exact/planning/outgoing?division=${division}`, '/settings/integrations/exact/planning/outgoing/save', { division: String(division), ...on });
  expect(res.status).toBe(303);
}

/** Records hours (as `agent`) and returns the new entry's id. */
async function record(agent: Agent, fields: Record<string, string>): Promise<number> {
  const before = Number((await one<{ n: number }>('select coalesce(max(id), 0) as n from time_entry')).n);
  const res = await post(agent, '/time', '/time/entries', { date: today, ...fields });
  expect(res.status).toBe(303);
  return Number((await one<{ id: number }>('select id from time_entry where id > $1 order by id desc limit 1', [before])).id);
}
const approve = async (ids: number[]) => expect((await post(planner, '/time', '/time/approve', { ids: ids.map(String), return: '/time' })).status).toBe(303);
const entry = (id: number) => one<{ status: string; send_state: string; send_error: string | null; exact_id: string | null }>('select status, send_state, send_error, exact_id from time_entry where id = $1', [id]);
const inExact = async (division: number, entity: string, ref: string) => (await data(division, entity, ref)).filter((r) => String(r.Notes ?? '').includes(ref));

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  x = await startExactSandbox({ redirectUri: `${base}/settings/integrations/exact/callback` });
  t = await startTestApp({ ...x.env, ...SYNC_TEST_ENV, PUBLIC_BASE_URL: base, OUTGOING_DEBOUNCE_SECONDS: String(DEBOUNCE) });
  await t.app.listen(port, '127.0.0.1');
  // this suite is about exactly-once and refusals, not pacing: the imports other modules start on connecting
  // must not hold the outgoing runs at the background headroom of Exact's 60 calls a minute
  await x.control('limits', { minutely: 600 });
  const a = await t.createUser('admin');
  admin = await t.login(a.email, a.password);
  expect((await connectExact(x, admin, [D1, D2])).status).toBeLessThan(400);
  const p = await t.createUser('planner');
  planner = await t.login(p.email, p.password);
  workerUser = await t.createUser('planner', 'werker@example.com');
  worker = await t.login(workerUser.email, workerUser.password);
  await seed();
  const wid = Number((await one<{ id: number }>(`select id from users where email = 'werker@example.com'`)).id);
  // employees link to Koppel users (Time → Team, administrators)
  const linked = await post(admin, '/time/team', `/time/team/${mfgEmployee}`, { user: String(wid) });
  expect(linked.status).toBe(303);
}, 180000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await x?.close();
});

describe('time entries and the week', () => {
  it('a worker records his own hours; bad input is refused with the form again; the week shows totals', async () => {
    const page = await worker.get('/time');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Kaart'); // his activities to choose from

    const bad = await post(worker, '/time', '/time/entries', { activity: String(stepActs[0]), date: today, start: '10:00', end: '09:00', phase: 'run', notes: 'omgekeerd' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('omgekeerd'); // what was typed is kept
    const noPhase = await post(worker, '/time', '/time/entries', { activity: String(stepActs[0]), date: today, hours: '2' });
    expect(noPhase.status).toBe(422);

    const id = await record(worker, { activity: String(stepActs[0]), start: '08:00', end: '10:30', phase: 'setup', notes: 'instellen' });
    const id2 = await record(worker, { activity: String(stepActs[0]), hours: '1,5', phase: 'run', quantity: '3', finished: 'on' });
    expect(await one('select resource_id, hours::text as hours, phase, status from time_entry where id = $1', [id])).toEqual({ resource_id: mfgEmployee, hours: '2.50', phase: 'setup', status: 'open' });
    expect((await one<{ hours: string }>('select hours::text as hours from time_entry where id = $1', [id2])).hours).toBe('1.50');
    const week = await worker.get(`/time?date=${today}`);
    expect(week.text).toMatch(/data-week-total>4\.00</);

    // a worker cannot record for someone else, nor approve
    const acc = await t.createUser('accountant');
    const accountant = await t.login(acc.email, acc.password);
    const other = await post(accountant, '/time', '/time/entries', { activity: String(projAct), resource: String(projEmployee), date: today, hours: '1' });
    expect(other.status).toBe(403);
  });

  it('planners reject with a reason, the worker corrects, and approved entries are locked', async () => {
    const id = await record(worker, { activity: String(stepActs[1]), hours: '3', phase: 'run' });
    const noReason = await post(planner, `/time/entries/${id}`, `/time/entries/${id}/reject`, { reason: '' });
    expect(noReason.status).toBe(422);
    expect((await post(planner, `/time/entries/${id}`, `/time/entries/${id}/reject`, { reason: 'Dit was bewerking 10', return: '/time' })).status).toBe(303);
    expect(await one('select status, reject_reason from time_entry where id = $1', [id])).toEqual({ status: 'rejected', reject_reason: 'Dit was bewerking 10' });
    expect((await worker.get('/time')).text).toContain('Dit was bewerking 10');
    expect((await post(worker, `/time/entries/${id}`, `/time/entries/${id}`, { activity: String(stepActs[0]), date: today, hours: '3', phase: 'run' })).status).toBe(303);
    expect((await entry(id)).status).toBe('open');
    await approve([id]);
    expect((await entry(id)).status).toBe('approved');
    const change = await post(worker, `/time/entries/${id}`, `/time/entries/${id}`, { activity: String(stepActs[0]), date: today, hours: '9', phase: 'run' });
    expect(change.status).toBe(409);
    expect((await post(worker, `/time/entries/${id}`, `/time/entries/${id}/delete`, {})).status).toBe(409);
    expect((await one<{ hours: string }>('select hours::text as hours from time_entry where id = $1', [id])).hours).toBe('3.00');
    const acc = await t.createUser('accountant');
    const accountant = await t.login(acc.email, acc.password);
    expect((await post(accountant, '/time', '/time/approve', { ids: [String(id)] })).status).toBe(403);
  });
});

describe('outgoing to Exact Online', () => {
  jest.setTimeout(180000);
  it('approved hours become manufacturing TimeTransactions exactly once', async () => {
    await saveSwitches(D1, { productionOrderOutbound: 'on', shopOrderTime: 'on' });
    const id = await record(worker, { activity: String(stepActs[0]), hours: '2', phase: 'run', quantity: '1', finished: 'on', notes: 'zagen klaar' });
    await approve([id]);
    const run = await runOutgoing(D1);
    expect(run.status).toBe('ok');
    const e = await entry(id);
    expect(e.send_state).toBe('sent');
    const [tt, ...more] = await inExact(D1, 'ManufacturingTimeTransactions', `[KOPPEL-T${id}]`);
    expect(more).toEqual([]);
    expect(tt).toMatchObject({ ID: e.exact_id, ShopOrder: shopCardExact, LaborHours: 2, Activity: 20, IsOperationFinished: 1, Quantity: 1 });
    expect(String(tt.Notes)).toContain('zagen klaar');
    // every earlier approved entry went too (the ones approved in the tests above), each once
    for (const r of await db<{ id: number }>(`select id from time_entry where status = 'approved' and division = $1`, [D1])) {
      expect(await inExact(D1, 'ManufacturingTimeTransactions', `[KOPPEL-T${r.id}]`)).toHaveLength(1);
    }
    const posts = await x.requests({ division: D1, method: 'POST', endpoint: 'manufacturing/timetransactions' });
    await runOutgoing(D1);
    expect(await x.requests({ division: D1, method: 'POST', endpoint: 'manufacturing/timetransactions' })).toBe(posts);
    const log = await worker.get(`/planning/outgoing/log?entry=${id}`);
    expect(log.status).toBe(200);
    expect(log.text).toContain(`T${id}`);
  });

  it('a completed shop order is refused with Exact\'s text on the entry; re-send after it is reopened', async () => {
    const id = await record(planner, { activity: String(doneAct), resource: String(mfgEmployee), hours: '1', phase: 'run' });
    await approve([id]);
    await runOutgoing(D1);
    const e = await entry(id);
    expect(e.send_state).toBe('failed');
    expect(e.send_error).toMatch(/afgehandeld|afgerond|gesloten|completed|kan niet/i);
    const page = await worker.get(`/time/entries/${id}`);
    expect(page.text).toContain(e.send_error!.slice(0, 20));
    // Exact's own text on the card's page too, with a re-send (planners and admins)
    const msg = await one<{ id: number; target: string | null; payload: Row }>(`select id, target, payload from planning_outbox where time_entry_id = $1`, [id]);
    const card = await planner.get(`/planning/cards/${doneCard}`);
    expect(card.status).toBe(200);
    expect(card.text).toMatch(new RegExp(`data-outbox="${msg.id}" data-state="failed"`));
    expect(card.text).toContain(e.send_error!.slice(0, 20));
    expect(card.text).toContain(`action="/planning/outgoing/${msg.id}/resend"`);
    const acc = await t.createUser('accountant');
    const accountant = await t.login(acc.email, acc.password);
    expect((await accountant.get(`/planning/cards/${doneCard}`)).text).not.toContain(`/planning/outgoing/${msg.id}/resend`);
    // the entry's page re-sends (after the order was reopened in Exact)
    const entryPage = await planner.get(`/time/entries/${id}`);
    expect(entryPage.text).toContain(`action="/planning/outgoing/entries/${id}/resend"`);
    await x.control('planning/ShopOrders', { division: D1, ID: String(msg.payload.ShopOrder), action: 'reopen' });
    const resent = await post(planner, `/time/entries/${id}`, `/planning/outgoing/entries/${id}/resend`, {});
    expect(resent.status).toBe(303);
    expect(resent.headers.location).toBe(`/time/entries/${id}`);
    await runOutgoing(D1);
    expect((await entry(id)).send_state).toBe('sent');
    expect(await inExact(D1, 'ManufacturingTimeTransactions', `[KOPPEL-T${id}]`)).toHaveLength(1);
  });

  it('project hours become project TimeTransactions (submitted); a blocked project is refused, re-sent after unblocking', async () => {
    await saveSwitches(D2, { projectOutbound: 'on' });
    const ok = await record(planner, { activity: String(projAct), resource: String(projEmployee), hours: '4' });
    const blocked = await record(planner, { activity: String(blockedAct), resource: String(projEmployee), hours: '2' });
    await approve([ok, blocked]);
    await runOutgoing(D2);
    expect((await entry(ok)).send_state).toBe('sent');
    const [pt] = await inExact(D2, 'ProjectTimeTransactions', `[KOPPEL-T${ok}]`);
    expect(pt).toMatchObject({ Quantity: 4, HourStatus: 10 });
    const b = await entry(blocked);
    expect(b.send_state).toBe('failed');
    expect(b.send_error).toContain('geblokkeerd');
    await x.control('planning/Projects', { division: D2, ID: blockedProject, action: 'unblock' });
    const msg = await one<{ id: number; card_id: number }>(`select id, card_id from planning_outbox where time_entry_id = $1`, [blocked]);
    expect((await planner.get(`/planning/cards/${msg.card_id}`)).text).toContain('geblokkeerd');
    const resent = await post(planner, `/planning/cards/${msg.card_id}`, `/planning/outgoing/${msg.id}/resend`, { return: `/planning/cards/${msg.card_id}` });
    expect(resent.headers.location).toBe(`/planning/cards/${msg.card_id}`);
    await runOutgoing(D2);
    expect((await entry(blocked)).send_state).toBe('sent');
    expect(await inExact(D2, 'ProjectTimeTransactions', `[KOPPEL-T${blocked}]`)).toHaveLength(1);
  });

  it('a process killed between the outbox row and the call: the next run looks up first and sends once', async () => {
    const id = await record(worker, { activity: String(stepActs[1]), hours: '1', phase: 'setup' });
    // approved earlier by the process that was killed (no run is triggered here: the state is what it left)
    await db(`update time_entry set status = 'approved' where id = $1`, [id]);
    // what a killed process leaves: the outbox row written and marked pending (intent committed), the call never made
    await db(`insert into planning_outbox (division, kind, reference, card_id, time_entry_id, payload, state, pending, attempts)
      select $1, 'mfg_time', 'T' || e.id, e.card_id, e.id, $2, 'queued', true, 1 from time_entry e where e.id = $3`,
      [D1, JSON.stringify({ ShopOrder: shopCardExact, RoutingStepPlan: (await one<{ exact_id: string }>('select exact_id from plan_activity where id = $1', [stepActs[1]])).exact_id,
        Employee: (await one<{ exact_id: string }>('select exact_id from plan_resource where id = $1', [mfgEmployee])).exact_id, Date: today, Activity: 10, Hours: 1, LaborHours: 1, Quantity: 0, IsOperationFinished: 0, Notes: `[KOPPEL-T${id}]` }), id]);
    await db(`update time_entry set send_state = 'queued' where id = $1`, [id]);
    const gets = await x.requests({ division: D1, method: 'GET', endpoint: 'manufacturing/timetransactions' });
    await runOutgoing(D1);
    expect(await x.requests({ division: D1, method: 'GET', endpoint: 'manufacturing/timetransactions' })).toBe(gets + 1); // the look-up
    expect(await inExact(D1, 'ManufacturingTimeTransactions', `[KOPPEL-T${id}]`)).toHaveLength(1);
    expect((await entry(id)).send_state).toBe('sent');
  });

  it('an unclear outcome (stored in Exact, answered 500) is settled by a look-up, never posted twice', async () => {
    const posts = await x.requests({ division: D1, method: 'POST', endpoint: 'manufacturing/timetransactions' });
    await x.control('faults', { status: 500, endpoints: ['manufacturing/TimeTransactions'], methods: ['POST'], afterCommit: true, count: 1 });
    const id = await record(worker, { activity: String(stepActs[1]), hours: '2', phase: 'run' });
    await approve([id]); // triggers a run: its POST is stored in Exact but answered 500
    await runOutgoing(D1); // (after the triggered run) the pending row is looked up and found
    expect(await x.requests({ division: D1, method: 'POST', endpoint: 'manufacturing/timetransactions' })).toBe(posts + 1);
    expect(await inExact(D1, 'ManufacturingTimeTransactions', `[KOPPEL-T${id}]`)).toHaveLength(1);
    expect((await entry(id)).send_state).toBe('sent');
    const actions = (await db<{ action: string }>('select action from planning_outbox_log where time_entry_id = $1 order by id', [id])).map((r) => r.action);
    expect(actions).toEqual(['queued', 'intent', 'unclear', 'found']);
    expect((await worker.get(`/planning/outgoing/log?entry=${id}`)).text).toMatch(/found in Exact|gevonden in Exact/);
  });

  it('a card planned twice quickly: the move queues one debounced run, which sends one update with the last dates', async () => {
    await saveSwitches(D1, { productionOrderOutbound: 'on', shopOrderTime: 'on', shopOrderPlannedDate: 'on' });
    await runOutgoing(D1); // the run saving triggers; the card is not planned yet
    const puts = await x.requests({ division: D1, method: 'PUT', endpoint: 'manufacturing/shoporders' });
    const lastRun = Number((await one<{ n: number }>(`select coalesce(max(id), 0) as n from sync_run where division = $1 and resource = $2`, [D1, OUT])).n);
    const movedAt = Date.now();
    await move(plus(3), plus(4));
    await move(plus(5), plus(7));
    // no run of our own: the first move queued one, OUTGOING_DEBOUNCE_SECONDS later, and the second folded into it
    const shopOrder = async () => (await data(D1, 'ShopOrders')).find((o) => o.ID === shopCardExact)!;
    await waitFor(async () => day((await shopOrder()).PlannedDate) === plus(7), 'planned dates in Exact', 90000);
    const so = await shopOrder();
    expect([day(so.PlannedStartDate), day(so.PlannedDate)]).toEqual([plus(5), plus(7)]); // the card follows its planned activity (days 5–7)
    expect(await x.requests({ division: D1, method: 'PUT', endpoint: 'manufacturing/shoporders' })).toBe(puts + 1);
    const runs = await db<{ trigger: string; started_ms: number }>(
      `select trigger, (extract(epoch from started_at) * 1000)::float8 as started_ms from sync_run where division = $1 and resource = $2 and id > $3 order by id`, [D1, OUT, lastRun]);
    expect(runs.map((r) => r.trigger)).toEqual(['user']);
    // the delay is the one asked for: not before it, and not pg-boss's 30-second backstop after it (SYNC_POLL_SECONDS is 0.5 here)
    const delay = (Number(runs[0].started_ms) - movedAt) / 1000;
    expect(delay).toBeGreaterThanOrEqual(DEBOUNCE - 0.5);
    expect(delay).toBeLessThan(DEBOUNCE + 15);
    await runOutgoing(D1);
    expect(await x.requests({ division: D1, method: 'PUT', endpoint: 'manufacturing/shoporders' })).toBe(puts + 1);
  });

  it('a move while the run sends the previous one is not lost: its dates follow without a run of our own', async () => {
    const puts = await x.requests({ division: D1, method: 'PUT', endpoint: 'manufacturing/shoporders' });
    const shopOrder = async () => (await data(D1, 'ShopOrders')).find((o) => o.ID === shopCardExact)!;
    // Exact answers the date update slowly, so the second move comes while the first one's run is busy sending
    await x.control('faults', { errorRate: 0, latencyMs: 4000, endpoints: ['manufacturing/ShopOrders'], methods: ['PUT'] });
    const lastLog = Number((await one<{ n: number }>('select coalesce(max(id), 0) as n from planning_outbox_log')).n);
    try {
      await move(plus(20), plus(21));
      // the run has read the cards and its update is on its way (the intent is written right before the call)
      await waitFor(async () => (await one(`select l.id from planning_outbox_log l join planning_outbox o on o.id = l.outbox_id
        where o.kind = 'shop_order_dates' and l.card_id = $1 and l.action = 'intent' and l.id > $2`, [shopCard, lastLog])), 'the first update sending', 60000);
      await move(plus(24), plus(26));
      await waitFor(async () => day((await shopOrder()).PlannedDate) === plus(26), 'the second move in Exact', 120000);
    } finally {
      await x.control('faults', undefined, 'DELETE');
    }
    expect(day((await shopOrder()).PlannedStartDate)).toBe(plus(24));
    expect(await x.requests({ division: D1, method: 'PUT', endpoint: 'manufacturing/shoporders' })).toBe(puts + 2);
  });

  it('a sales order card: delivery date and selection code per status', async () => {
    const [code] = await data(D1, 'SelectionCodes');
    await saveSwitches(D1, { productionOrderOutbound: 'on', shopOrderTime: 'on', shopOrderPlannedDate: 'on', salesOrderOutbound: 'on', salesOrderDeliveryDate: 'on', sales_planned: String(code.ID) });
    const end = new Date(Date.now() + 20 * 86400000).toISOString().slice(0, 10);
    await db(`update plan_card set planned_start = $2, planned_end = $3, resource_id = $4, version = version + 1 where id = $1`, [salesCard, end, end, mfgEmployee]);
    await runOutgoing(D1);
    const [so] = (await data(D1, 'SalesOrders')).filter((o) => o.OrderID === salesExact);
    expect(day(so.DeliveryDate)).toBe(end);
    expect(so.SelectionCode).toBe(code.ID);
    const card = await planner.get(`/planning/outgoing/log?card=${salesCard}`);
    expect(card.text).toMatch(/Delivery date|Leverdatum/);
  });

  it('switching the master switch off: nothing more is sent', async () => {
    const writes = await x.requests({ division: D1, method: 'write' });
    await saveSwitches(D1, { shopOrderTime: 'on', shopOrderPlannedDate: 'on' }); // ProductionOrder outbound off
    const id = await record(worker, { activity: String(stepActs[0]), hours: '1', phase: 'run' });
    await approve([id]);
    await db(`update plan_card set planned_start = planned_start + 1, version = version + 1 where id = $1`, [shopCard]);
    await runOutgoing(D1);
    expect(await x.requests({ division: D1, method: 'write' })).toBe(writes);
    // held, with the reason, not failed
    expect(await entry(id)).toMatchObject({ send_state: 'held', send_error: 'outgoing.held.shopOrderTimeOff' });
    const page = await planner.get(`/time/entries/${id}`);
    expect(page.text).toMatch(/data-held>[^<]*(switched off|staat uit)/);
    expect(page.text).not.toContain('data-send-error');
    // and the Sync page counts what was queued, sent, failed and held per administration
    const counts = await admin.get('/planning/outgoing/counts');
    expect(counts.status).toBe(200);
    expect(counts.text).toMatch(new RegExp(`data-division="${D1}"`));
    const sent = Number((await one<{ n: string }>(`select count(*) as n from planning_outbox where division = $1 and state = 'sent'`, [D1])).n);
    expect(counts.text).toContain(`<td data-sent>${sent}</td>`);
    const held = Number((await one<{ n: string }>(`select count(*) as n from time_entry where division = $1 and send_state = 'held'`, [D1])).n);
    expect(held).toBeGreaterThanOrEqual(1);
    expect(counts.text).toContain(`<td data-held>${held}</td>`);
    // switched on again: the held hours go, once
    await saveSwitches(D1, { productionOrderOutbound: 'on', shopOrderTime: 'on', shopOrderPlannedDate: 'on' });
    await runOutgoing(D1);
    expect((await entry(id)).send_state).toBe('sent');
    expect(await inExact(D1, 'ManufacturingTimeTransactions', `[KOPPEL-T${id}]`)).toHaveLength(1);
    void csrfFrom;
  });

  it('hours of an employee without Exact employee are held with the reason, and go after the fix and a re-send', async () => {
    const local = Number((await one<{ id: number }>(`insert into plan_resource (division, kind, exact_id, code, name) values ($1, 'employee', null, 'K1', 'In Koppel gemaakt') returning id`, [D1])).id);
    const id = await record(planner, { activity: String(stepActs[1]), resource: String(local), hours: '1,25', phase: 'run' });
    const posts = await x.requests({ division: D1, method: 'POST', endpoint: 'manufacturing/timetransactions' });
    await approve([id]);
    await runOutgoing(D1);
    expect(await entry(id)).toMatchObject({ send_state: 'held', send_error: 'outgoing.held.employee' });
    expect(await x.requests({ division: D1, method: 'POST', endpoint: 'manufacturing/timetransactions' })).toBe(posts);
    const page = await planner.get(`/time/entries/${id}`);
    expect(page.text).toMatch(/data-held>[^<]*(not linked to an employee in Exact|niet gekoppeld aan een medewerker)/);
    // the fix: the person exists in Exact now (the employee import links it); then re-send from the entry
    const [, other] = await data(D1, 'Employees');
    await db(`update plan_resource set exact_id = $2 where id = $1`, [local, other.ID]);
    expect((await post(planner, `/time/entries/${id}`, `/planning/outgoing/entries/${id}/resend`, {})).status).toBe(303);
    await runOutgoing(D1);
    expect((await entry(id)).send_state).toBe('sent');
    const [tt, ...more] = await inExact(D1, 'ManufacturingTimeTransactions', `[KOPPEL-T${id}]`);
    expect(more).toEqual([]);
    expect(tt).toMatchObject({ Employee: other.ID, LaborHours: 1.25 });
  });

  it('project hours on a WBS activity carry the activity and its hour type; without an hour type they are held', async () => {
    const now = Date.now();
    const projects = await data(D2, 'Projects');
    const activities = await data(D2, 'WBSActivities');
    const open = (p: Row) => !p.BlockEntry && Number(p.StartDate) <= now && (!p.EndDate || Number(p.EndDate) >= now);
    const usable = activities.filter((a) => !a.BlockEntry && a.DefaultItem && projects.some((p) => p.ID === a.Project && open(p)));
    const wbs = usable.find((a) => usable.some((b) => b.ID !== a.ID && b.Project === a.Project))!;
    const bare = usable.find((b) => b.ID !== wbs.ID && b.Project === wbs.Project)!; // two activities of one project
    const ins = async (text: string, params: unknown[]) => Number((await one<{ id: number }>(`${text} returning id`, params)).id);
    const wbsCard = await ins(`insert into plan_card (division, kind, exact_id, number, description, parent_exact_id) values ($1, 'wbs', $2, 'WBS-1', 'Kaart WBS', $3)`, [D2, String(wbs.PartOf), String(wbs.Project)]);
    const act = async (a: Row, seq: number) => ins(`insert into plan_activity (card_id, division, kind, exact_id, sequence, description) values ($1, $2, 'wbs_activity', $3, $4, $5)`, [wbsCard, D2, String(a.ID), seq, String(a.Description)]);
    const wbsAct = await act(wbs, 1);
    const bareAct = await act(bare, 2);
    await x.control('planning/WBSActivities', { division: D2, ID: String(bare.ID), action: 'update', fields: { DefaultItem: null } });
    const ok = await record(planner, { activity: String(wbsAct), resource: String(projEmployee), hours: '3', notes: 'workshop' });
    const none = await record(planner, { activity: String(bareAct), resource: String(projEmployee), hours: '1' });
    await approve([ok, none]);
    await runOutgoing(D2);
    expect((await entry(ok)).send_state).toBe('sent');
    const [pt, ...more] = await inExact(D2, 'ProjectTimeTransactions', `[KOPPEL-T${ok}]`);
    expect(more).toEqual([]);
    expect(pt).toMatchObject({ Activity: wbs.ID, Item: wbs.DefaultItem, Project: wbs.Project, Quantity: 3, HourStatus: 10 });
    expect(await entry(none)).toMatchObject({ send_state: 'held', send_error: 'outgoing.held.wbsHourType' });
    // the hour type set in Exact, then re-send: the hours go
    await x.control('planning/WBSActivities', { division: D2, ID: String(bare.ID), action: 'update', fields: { DefaultItem: wbs.DefaultItem } });
    await post(planner, `/time/entries/${none}`, `/planning/outgoing/entries/${none}/resend`, {});
    await runOutgoing(D2);
    expect((await entry(none)).send_state).toBe('sent');
    const [pt2] = await inExact(D2, 'ProjectTimeTransactions', `[KOPPEL-T${none}]`);
    expect(pt2).toMatchObject({ Activity: bare.ID, Item: wbs.DefaultItem, Project: bare.Project });
  });
});

describe('the week on a phone (Chromium)', () => {
  it('a worker sees his days as a list and adds hours at 375 px wide', async () => {
    await record(worker, { activity: String(stepActs[0]), hours: '1', phase: 'run' }); // a week with hours in it
    const out = join(projectRoot, 'test-output', 'time');
    mkdirSync(out, { recursive: true });
    browser = await launchChromium(process.env.CHROME_PATH);
    const page = await (await browser.createBrowserContext()).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.setViewport({ width: 375, height: 740, isMobile: true, hasTouch: true });
    await page.goto(`${base}/login`);
    await page.type('#f-email', workerUser.email);
    await page.type('#f-password', workerUser.password);
    await Promise.all([page.waitForNavigation(), page.$eval('button[type=submit].primary', (b) => (b as HTMLButtonElement).click())]);
    await page.goto(`${base}/time`);
    expect(await page.$eval('.timesheet-days', (el) => getComputedStyle(el).display)).toBe('block');
    expect(await page.$eval('.timesheet-wrap', (el) => getComputedStyle(el).display)).toBe('none');
    // nothing wider than the phone
    // the page itself never scrolls sideways (a long list scrolls inside its own box)
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    const wide = width > 375 ? await page.evaluate(() => [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > 376 && !el.closest('.table-wrap')).slice(0, 8).map((el) => `${el.tagName}.${el.className}#${el.id}`)) : [];
    expect({ width, wide }).toEqual({ width: 375, wide: [] });
    const before = Number((await one<{ n: string }>('select count(*) as n from time_entry')).n);
    await page.select('#f-activity', String(stepActs[1]));
    await page.type('#f-hours', '0,75');
    await page.select('#f-phase', 'run');
    await Promise.all([page.waitForNavigation(), page.$eval('.time-form button[type=submit].primary', (b) => (b as HTMLButtonElement).click())]);
    expect(Number((await one<{ n: string }>('select count(*) as n from time_entry')).n)).toBe(before + 1);
    expect(await one('select date::text as date, hours::text as hours from time_entry order by id desc limit 1')).toEqual({ date: today, hours: '0.75' }); // today by default
    expect(await page.$eval('.timesheet-days', (el) => el.textContent ?? '')).toContain('0.75');
    await page.screenshot({ path: join(out, 'week-phone.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 120000);
});
