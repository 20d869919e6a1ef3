import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'puppeteer-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { csrf, startTestApp, type Agent, type TestApp } from '../support/app.js';
import { sql, waitFor } from '../support/sync.js';
import { freePort } from '../../src/common/net.js';
import { launchChromium } from '../../src/common/chromium.js';
import { projectRoot } from '../../src/common/paths.js';
import { addDays, mondayOf } from '../../src/modules/planning-board/capacity.js';

/**
 * Planning → Board: capacity from schedules, leave and absence; overbooking; planning and re-planning through the
 * form and by drag and drop in real Chromium; a stale move refused; an archived card leaving the board; roles.
 * The planning data is put in the database the way the planning imports leave it.
 */

const OUT = join(projectRoot, 'test-output', 'planning-board');
let t: TestApp;
let base: string;
let browser: Browser;
const db = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(t.db.url, text, params);
const one = async <T = Record<string, unknown>>(text: string, params: unknown[] = []) => (await db<T>(text, params))[0];

// the week shown by default: this week in Amsterdam
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
const MON = mondayOf(today);
const TUE = addDays(MON, 1);
const WED = addDays(MON, 2);
const THU = addDays(MON, 3);
const FRI = addDays(MON, 4);

let anna: number; // employee, Koppel week 8 h Mon–Fri
let bas: number; // employee, Exact schedule 4 h Mon–Thu, leave on Wednesday, absence Thursday 2 h
let cnc: number; // machine, no hours kept (default week)
let shopOrder: number; // card with two activities (6 h and 4 h)
let act1: number;
let act2: number;
let salesOrder: number; // card without activities
let quotation: number; // card due Tuesday (late when planned past it)

async function seed() {
  const ins = async (text: string, params: unknown[]) => Number((await one<{ id: number }>(text, params)).id);
  const resource = (name: string, kind: string, group: string | null, weekly: number[] | null, exactSchedule: boolean, code: string) =>
    ins(`insert into plan_resource (kind, name, "group", weekly_hours, exact_schedule, code) values ($1, $2, $3, $4, $5, $6) returning id`,
      [kind, name, group, weekly === null ? null : JSON.stringify(weekly), exactSchedule, code]);
  anna = await resource('Anna de Vries', 'employee', 'Montage', [8, 8, 8, 8, 8, 0, 0], false, 'E001');
  bas = await resource('Bas Jansen', 'employee', 'Montage', null, true, 'E002');
  cnc = await resource('CNC-1', 'machine', 'Machines', null, false, 'WC10');
  await db(`insert into resource_schedule_entry (resource_id, division, exact_id, from_date, to_date, main, schedule_type, hours, week_hours)
    values ($1, 1, 'sch-1', $2, null, true, 3, 16, '[4,4,4,4,0,0,0]')`, [bas, addDays(MON, -60)]);
  await db(`insert into resource_leave (resource_id, division, exact_id, date, hours, kind, status) values
    ($1, 1, 'lv-1', $2, 4, 'leave', 'approved'), ($1, 1, 'ab-1', $3, 2, 'absence', 'approved')`, [bas, WED, THU]);
  const card = (kind: string, number: string, description: string, customer: string, due: string) =>
    ins(`insert into plan_card (division, kind, exact_id, number, description, relation_name, due_date, warehouse_code)
      values (1, $1, $2, $2, $3, $4, $5, 'HM') returning id`, [kind, number, description, customer, due]);
  shopOrder = await card('shop_order', 'WO-1001', 'Frame lassen', 'Bakkerij De Eik', FRI);
  salesOrder = await card('sales_order', 'VO-2001', 'Trap monteren', 'Van Dijk Bouw', FRI);
  quotation = await card('quotation', 'OF-3001', 'Offerte keuken', 'Keukenhuis Noord', TUE);
  const activity = (cardId: number, seq: number, description: string, hours: number) =>
    ins(`insert into plan_activity (card_id, division, kind, exact_id, sequence, description, estimated_hours) values ($1, 1, 'operation', $2, $3, $4, $5) returning id`,
      [cardId, `op-${cardId}-${seq}`, seq, description, hours]);
  act1 = await activity(shopOrder, 10, 'Zagen', 6);
  act2 = await activity(shopOrder, 20, 'Lassen', 4);
}

const version = async (cardId: number) => Number((await one<{ version: number }>('select version from plan_card where id = $1', [cardId])).version);

/** One move, as htmx posts it (the form or drag and drop). */
async function move(agent: Agent, fields: Record<string, string | number>, htmx = true) {
  const token = await csrf(agent, '/planning/board');
  const req = agent.post('/planning/board/moves').type('form');
  if (htmx) req.set('HX-Request', 'true');
  return req.send({ _csrf: token, return: '/planning/board', ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)])) });
}

/** Attribute text as the browser reads it (Handlebars escapes & and =). */
const unescape = (s: string) => s.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');

const cellHtml = (html: string, resource: number, date: string) => {
  const start = html.indexOf(`id="cell-${resource}-${date}"`);
  if (start < 0) return '';
  const open = html.lastIndexOf('<div', start);
  const end = html.indexOf('class="drop"', start);
  const close = html.indexOf('</div>\n</div>', end);
  return html.slice(open, close);
};

/**
 * The board as a browser shows it once loaded: the page, then the side list of unplanned items that the page loads
 * by itself (from the address in its placeholder).
 */
async function boardWithSideList(agent: Agent, path = '/planning/board') {
  const page = await agent.get(path);
  expect(page.status).toBe(200);
  const url = unescape(page.text.match(/hx-get="(\/planning\/board\/unplanned[^"]*)" hx-trigger="load"/)![1]);
  const side = await agent.get(url).set('HX-Request', 'true');
  expect(side.status).toBe(200);
  return `${page.text}\n${side.text}`;
}

let planner: Agent;
let accountant: Agent;
let plannerUser: { email: string; password: string };

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await startTestApp({ PUBLIC_BASE_URL: base, SYNC_ENABLED: 'false', WEBHOOK_WORKER: 'false', WEBHOOK_CHECK_SECONDS: '0' });
  await t.app.listen(port, '127.0.0.1');
  plannerUser = await t.createUser('planner');
  planner = await t.login(plannerUser.email, plannerUser.password);
  const acc = await t.createUser('accountant');
  accountant = await t.login(acc.email, acc.password);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the planning board over HTTP', () => {
  it('says what to do when there are no resources yet', async () => {
    const res = await planner.get('/planning/board');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Er zijn nog geen resources om op te plannen.');
    expect(res.text).toContain('ResourceViaEmployee');
    await seed();
  });

  it('shows resources grouped, the week with today marked, and the unplanned cards and activities', async () => {
    const res = await planner.get('/planning/board');
    expect(res.status).toBe(200);
    const shown = await boardWithSideList(planner);
    for (const s of ['Anna de Vries', 'Bas Jansen', 'CNC-1', 'Montage', 'Machines', 'WO-1001', 'Zagen', 'Lassen', 'VO-2001', 'OF-3001']) expect(shown).toContain(s);
    expect(res.text).toContain(`id="cell-${anna}-${today}" class="cell today`);
    expect(res.text).toContain('aria-current="date"');
    for (const d of [MON, FRI, addDays(MON, 6)]) expect(res.text).toContain(`id="cell-${anna}-${d}"`);
    expect(res.text).not.toContain(`id="cell-${anna}-${addDays(MON, 7)}"`);
    // day and four-week views, navigation by week and "go to date"
    const day = await planner.get(`/planning/board?view=day&date=${WED}`);
    expect(day.text).toContain(`id="cell-${anna}-${WED}"`);
    expect(day.text).not.toContain(`id="cell-${anna}-${TUE}"`);
    const four = await planner.get(`/planning/board?view=4weeks&date=${THU}`);
    expect(four.text).toContain(`id="cell-${anna}-${addDays(MON, 27)}"`);
    expect(unescape(four.text)).toContain(`date=${addDays(MON, 7)}`); // next week
    const next = await planner.get(`/planning/board?date=${addDays(MON, 9)}`);
    expect(next.text).toContain(`id="cell-${anna}-${addDays(MON, 7)}"`);
    // filters: machines only
    const machines = await planner.get('/planning/board?kind=machine');
    expect(machines.text).toContain('CNC-1');
    expect(machines.text).not.toContain('Anna de Vries');
    // side list filters
    const quotes = await boardWithSideList(planner, '/planning/board?type=quotation');
    expect(quotes).toContain('OF-3001');
    expect(quotes).not.toContain('WO-1001');
    expect(await boardWithSideList(planner, '/planning/board?q=Trap')).toContain('VO-2001');
    expect(await boardWithSideList(planner, '/planning/board?customer=Eik')).toContain('WO-1001');
    // without JavaScript the side list is a page of its own (the placeholder links to it)
    const plain = await planner.get('/planning/board/unplanned?type=quotation');
    expect(plain.status).toBe(200);
    expect(plain.text).toContain('<html');
    expect(plain.text).toContain('OF-3001');
    expect(plain.text).not.toContain('WO-1001');
  });

  it('computes capacity from the Koppel week, the Exact schedule, leave and absence', async () => {
    const html = (await planner.get('/planning/board')).text;
    expect(cellHtml(html, anna, MON)).toContain('0/8 u');
    expect(cellHtml(html, anna, addDays(MON, 5))).toContain('0/0 u');
    // Bas: Exact schedule 4 h Mon–Thu; leave all Wednesday; 2 h absence on Thursday; nothing on Friday
    expect(cellHtml(html, bas, MON)).toContain('0/4 u');
    expect(cellHtml(html, bas, WED)).toContain('0/0 u');
    expect(cellHtml(html, bas, WED)).toContain('Verlof 4 u');
    expect(cellHtml(html, bas, WED)).toMatch(/class="cell[^"]*day-off/);
    expect(cellHtml(html, bas, THU)).toContain('0/2 u');
    expect(cellHtml(html, bas, THU)).toContain('Verzuim 2 u');
    expect(cellHtml(html, bas, FRI)).toContain('0/0 u');
    // the machine has the default week
    expect(cellHtml(html, cnc, TUE)).toContain('0/8 u');
  });

  it('plans activities through the form, re-renders only the changed cells, marks overbooking with the numbers', async () => {
    const v = await version(shopOrder);
    const first = await move(planner, { item: 'activity', id: act1, version: v, resource: anna, start: MON, end: MON });
    expect(first.status).toBe(200);
    expect(first.text).toContain('WO-1001 is gepland op Anna de Vries');
    expect(first.text).toContain(`id="cell-${anna}-${MON}"`);
    expect(first.text).not.toContain(`id="cell-${anna}-${TUE}"`); // only what changed
    expect(cellHtml(first.text, anna, MON)).toContain('6/8 u');
    expect(first.text).toContain('hx-swap-oob="true"');
    const second = await move(planner, { item: 'activity', id: act2, version: v + 1, resource: anna, start: MON, end: MON });
    expect(second.status).toBe(200);
    const cell = cellHtml(second.text, anna, MON);
    expect(cell).toContain('10/8 u');
    expect(cell).toContain('2 u te veel');
    expect(cell).toMatch(/class="cell[^"]*overbooked/);
    const a = await one<{ resource_id: number; planned_start: string }>(`select resource_id, planned_start::text from plan_activity where id = $1`, [act2]);
    expect(a).toEqual({ resource_id: anna, planned_start: MON });
    // the card's dates follow its activities; a planner's move is in the card's history
    const card = await one(`select planned_start::text as s, planned_end::text as e, version from plan_card where id = $1`, [shopOrder]);
    expect(card).toEqual({ s: MON, e: MON, version: v + 2 });
    expect(Number((await one<{ n: number }>(`select count(*)::int as n from plan_card_event where card_id = $1 and action = 'planned' and "by" = $2`, [shopOrder, plannerUser.email])).n)).toBe(2);
  });

  it('re-plans one activity on another resource over several days; the card spans its activities', async () => {
    const v = await version(shopOrder);
    const res = await move(planner, { item: 'activity', id: act2, version: v, resource: cnc, start: TUE, end: WED });
    expect(res.status).toBe(200);
    // Anna's Monday gave the 4 h back; the machine has 2 h on Tuesday and Wednesday
    expect(cellHtml(res.text, anna, MON)).toContain('6/8 u');
    expect(cellHtml(res.text, cnc, TUE)).toContain('2/8 u');
    expect(cellHtml(res.text, cnc, WED)).toContain('2/8 u');
    expect(await one(`select planned_start::text as s, planned_end::text as e from plan_card where id = $1`, [shopOrder])).toEqual({ s: MON, e: WED });
    expect(await one(`select resource_id from plan_activity where id = $1`, [act1])).toEqual({ resource_id: anna });
  });

  it('warns before planning onto a day of leave, and plans when the planner confirms', async () => {
    const v = await version(salesOrder);
    const warned = await move(planner, { item: 'card', id: salesOrder, version: v, resource: bas, start: TUE, end: WED });
    expect(warned.status).toBe(409);
    expect(warned.text).toContain('verlof of verzuim');
    expect(warned.text).toContain('Toch plannen');
    expect(warned.text).toContain('name="confirmLeave" value="1"');
    expect(await one(`select resource_id, version from plan_card where id = $1`, [salesOrder])).toEqual({ resource_id: null, version: v });
    const confirmed = await move(planner, { item: 'card', id: salesOrder, version: v, resource: bas, start: TUE, end: WED, confirmLeave: '1' });
    expect(confirmed.status).toBe(200);
    expect(await one(`select resource_id, planned_start::text as s, planned_end::text as e from plan_card where id = $1`, [salesOrder])).toEqual({ resource_id: bas, s: TUE, e: WED });
  });

  it('marks a card planned past its due date as late', async () => {
    const res = await move(planner, { item: 'card', id: quotation, version: await version(quotation), resource: anna, start: THU, end: THU });
    expect(res.status).toBe(200);
    expect(cellHtml(res.text, anna, THU)).toMatch(/class="chip kind-quotation late/);
    expect(cellHtml(res.text, anna, THU)).toContain('Te laat');
  });

  it('refuses a move based on a card that changed in the meantime, and shows the fresh card', async () => {
    const seen = await version(salesOrder);
    // meanwhile Exact changes the order (the import raises the version)
    await db(`update plan_card set description = 'Trap monteren + leuning', version = version + 1, updated_at = now() where id = $1`, [salesOrder]);
    const res = await move(planner, { item: 'card', id: salesOrder, version: seen, resource: anna, start: FRI, end: FRI });
    expect(res.status).toBe(409);
    expect(res.text).toContain('Er is niets verplaatst');
    expect(res.text).toContain('Trap monteren + leuning');
    expect(res.text).toContain(`data-version="${seen + 1}"`);
    expect(await one(`select resource_id from plan_card where id = $1`, [salesOrder])).toEqual({ resource_id: bas });
    // without htmx: back to the board with the message
    const plain = await move(planner, { item: 'card', id: salesOrder, version: seen, resource: anna, start: FRI }, false);
    expect(plain.status).toBe(303);
  });

  it('keeps what was typed when the form is wrong (422), never a 500', async () => {
    const v = await version(salesOrder);
    const res = await move(planner, { item: 'card', id: salesOrder, version: v, resource: anna, start: FRI, end: MON });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Het einde kan niet voor het begin liggen.');
    expect(res.text).toContain(`value="${FRI}"`);
    const bad = await move(planner, { item: 'card', id: salesOrder, version: v, resource: 987654, start: FRI });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Kies een resource uit de lijst.');
    const page = await move(planner, { item: 'card', id: salesOrder, version: v, resource: anna, start: '2026-02-30' }, false);
    expect(page.status).toBe(422);
    expect(page.text).toContain('<html');
  });

  it('tells the polling board when something changed (204 while nothing did)', async () => {
    const html = (await planner.get('/planning/board')).text;
    const url = unescape(html.match(/hx-get="(\/planning\/board\/changes[^"]+)"/)![1]);
    expect((await planner.get(url).set('HX-Request', 'true')).status).toBe(204);
    // as the planning imports write a change from Exact: version and updated_at
    await db(`update plan_activity set estimated_hours = 7, version = version + 1, updated_at = now() where id = $1`, [act1]);
    const changed = await planner.get(url).set('HX-Request', 'true');
    expect(changed.status).toBe(200);
    expect(changed.text).toContain('id="board-body"');
    expect(cellHtml(changed.text, anna, MON)).toContain('7/8 u');
  });

  it('takes an archived card off the board and refuses to plan it', async () => {
    await db(`update plan_card set status = 'archived', archived_reason = 'completed', version = version + 1, updated_at = now() where id = $1`, [shopOrder]);
    const html = await boardWithSideList(planner);
    expect(html).not.toContain('WO-1001');
    expect(cellHtml(html, anna, MON)).toContain('0/8 u');
    const res = await move(planner, { item: 'activity', id: act1, version: await version(shopOrder), resource: anna, start: TUE });
    expect(res.status).toBe(409);
    expect((await planner.get(`/planning/board/items/activity/${act1}`)).status).toBe(404);
    await db(`update plan_card set status = 'open', archived_reason = null, version = version + 1, updated_at = now() where id = $1`, [shopOrder]);
  });

  it('draws many resources in chunks: the next ones load as they scroll into view, groups not repeated', async () => {
    await db(`insert into plan_resource (kind, name, "group", weekly_hours) select 'employee', 'Zz Extra ' || lpad(g::text, 2, '0'), 'Zz Ploeg', '[8,8,8,8,8,0,0]' from generate_series(1, 20) g`);
    const html = unescape((await planner.get('/planning/board')).text);
    expect((html.match(/class="board-row" role="row" id="row-/g) ?? []).length).toBe(15);
    const next = html.match(/hx-get="(\/planning\/board\/rows\?[^"]+)" hx-trigger="revealed"/)![1];
    expect(next).toContain('offset=15');
    const chunk = await planner.get(next).set('HX-Request', 'true');
    expect(chunk.status).toBe(200);
    expect((chunk.text.match(/class="board-row" role="row" id="row-/g) ?? []).length).toBe(8);
    expect(chunk.text).not.toContain('Zz Ploeg</div>'); // the group began in the first chunk: no second header
    expect(chunk.text).not.toContain('hx-trigger="revealed"'); // the last chunk
    expect((await planner.get(next)).status).toBe(303); // opened directly: back to the board
    await db(`update plan_resource set active = false, updated_at = now() where name like 'Zz Extra %'`);
  });

  it('lets accountants look but not plan', async () => {
    const html = await boardWithSideList(accountant);
    expect(html).toContain('Anna de Vries');
    expect(html).not.toContain('id="move-form"');
    expect(html).not.toContain('/planning/board/items/');
    expect(html).not.toContain('board.js');
    const token = await csrf(accountant, '/planning/board');
    const res = await accountant.post('/planning/board/moves').type('form').send({ _csrf: token, item: 'card', id: salesOrder, version: 1, resource: anna, start: MON });
    expect(res.status).toBe(403);
    expect((await accountant.get(`/planning/board/items/card/${salesOrder}`)).status).toBe(403);
  });
});

describe('the planning board in Chromium', () => {
  async function tab(width = 1280, height = 900): Promise<Page & { errors: string[] }> {
    browser ??= await launchChromium(process.env.CHROME_PATH);
    const context = await browser.createBrowserContext();
    const page = (await context.newPage()) as Page & { errors: string[] };
    page.errors = [];
    await page.setViewport({ width, height });
    page.on('pageerror', (e) => page.errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && !/status of 409/.test(m.text()) && page.errors.push(m.text()));
    await page.goto(`${base}/login`);
    await page.type('#f-email', plannerUser.email);
    await page.type('#f-password', plannerUser.password);
    await Promise.all([page.waitForNavigation(), page.$eval('button[type=submit].primary', (b) => (b as HTMLButtonElement).click())]);
    return page;
  }
  const settle = (page: Page) => page.waitForNetworkIdle({ idleTime: 150, timeout: 30_000 }).catch(() => undefined);
  const chipIn = (resource: number, date: string, item: string, id: number) => `#cell-${resource}-${date} .chip[data-item="${item}"][data-id="${id}"]`;

  /** Drags an element onto another with the mouse, in small steps (SortableJS's pointer fallback). */
  async function drag(page: Page, from: string, to: string) {
    await page.waitForSelector(from);
    await page.$eval(to, (el) => el.scrollIntoView({ block: 'center', inline: 'center' }));
    const a = (await (await page.$(from))!.boundingBox())!;
    await page.mouse.move(a.x + 8, a.y + 8);
    await page.mouse.down();
    for (let i = 1; i <= 5; i++) await page.mouse.move(a.x + 8 + i * 3, a.y + 8 + i * 3);
    const b = (await (await page.$(to))!.boundingBox())!;
    for (let i = 1; i <= 10; i++) await page.mouse.move(a.x + 8 + ((b.x + b.width / 2 - a.x - 8) * i) / 10, a.y + 8 + ((b.y + b.height / 2 - a.y - 8) * i) / 10);
    // passing over other cells moves rows (the placeholder takes room), as a person's hand would follow: aim again
    for (let i = 0; i < 3; i++) {
      const c = (await (await page.$(to))!.boundingBox())!;
      await page.mouse.move(c.x + c.width / 2, c.y + Math.min(c.height / 2, 12), { steps: 3 });
    }
    await page.mouse.up();
  }

  it('plans through the keyboard form and by drag and drop, and a second planner sees it without reloading', async () => {
    await db(`update plan_card set resource_id = null, planned_start = null, planned_end = null, version = version + 1, updated_at = now() where id = $1`, [salesOrder]);
    const page = await tab();
    await page.goto(`${base}/planning/board`);
    await settle(page);
    await page.screenshot({ path: join(OUT, 'board-week-1280.png'), fullPage: true });

    // a second planner has the board open (marked: a reload would lose the mark)
    const other = await tab();
    await other.goto(`${base}/planning/board`);
    await other.evaluate(() => ((window as unknown as { boardMark: number }).boardMark = 7));

    // keyboard: "Plan…" on the unplanned sales order, pick resource and days, submit — all with keys
    await page.waitForSelector(`#unplanned .chip[data-item="card"][data-id="${salesOrder}"] .chip-plan`, { timeout: 30_000 });
    await page.focus(`#unplanned .chip[data-item="card"][data-id="${salesOrder}"] .chip-plan`);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#board-dialog #p-resource', { timeout: 30_000 });
    await page.select('#p-resource', String(anna));
    await page.$eval('#p-start', (el, v) => ((el as HTMLInputElement).value = v as string), TUE);
    await page.$eval('#p-end', (el, v) => ((el as HTMLInputElement).value = v as string), WED);
    await page.focus('#plan-submit');
    await page.keyboard.press('Enter');
    await page.waitForSelector(chipIn(anna, WED, 'card', salesOrder), { timeout: 30_000 });
    expect(await page.$(chipIn(anna, TUE, 'card', salesOrder))).not.toBeNull();
    expect(await page.$(`#unplanned .chip[data-id="${salesOrder}"][data-item="card"]`)).toBeNull();
    expect(await page.$eval('#board-message', (el) => el.textContent)).toContain('VO-2001 is gepland op Anna de Vries');
    expect(await page.$eval('#board-dialog', (el) => el.innerHTML.trim())).toBe('');
    await page.screenshot({ path: join(OUT, 'planned-by-form-1280.png'), fullPage: true });
    expect(await one(`select resource_id, planned_start::text as s, planned_end::text as e from plan_card where id = $1`, [salesOrder])).toEqual({ resource_id: anna, s: TUE, e: WED });

    // drag and drop: the unplanned activity "Lassen" onto the machine on Thursday
    await db(`update plan_activity set resource_id = null, planned_start = null, planned_end = null, version = version + 1, updated_at = now() where id = $1`, [act2]);
    await page.reload();
    await settle(page);
    await drag(page, `#unplanned .chip[data-item="activity"][data-id="${act2}"]`, `#cell-${cnc}-${THU} .drop`);
    await page.waitForSelector(chipIn(cnc, THU, 'activity', act2), { timeout: 30_000 });
    await settle(page);
    expect(await one(`select resource_id, planned_start::text as s from plan_activity where id = $1`, [act2])).toEqual({ resource_id: cnc, s: THU });
    await page.screenshot({ path: join(OUT, 'planned-by-drag-1280.png'), fullPage: true });

    // re-plan by dragging it from Thursday to Friday on Anna
    await drag(page, chipIn(cnc, THU, 'activity', act2), `#cell-${anna}-${FRI} .drop`);
    await page.waitForSelector(chipIn(anna, FRI, 'activity', act2), { timeout: 30_000 });
    await waitFor(async () => !(await page.$(chipIn(cnc, THU, 'activity', act2))), 'the chip left Thursday');
    expect(await one(`select resource_id, planned_start::text as s from plan_activity where id = $1`, [act2])).toEqual({ resource_id: anna, s: FRI });

    // the second planner's board picked it up by polling, without a reload
    await other.waitForSelector(chipIn(anna, FRI, 'activity', act2), { timeout: 45_000 });
    expect(await other.evaluate(() => (window as unknown as { boardMark?: number }).boardMark)).toBe(7);
    await other.screenshot({ path: join(OUT, 'second-planner-sees-it-1280.png'), fullPage: true });

    // a stale drag: Exact changes the card between two polls of this board, the planner drags what she still sees
    // (its polls answer "nothing changed" until the drag is done, so the change cannot reach it first on a slow machine)
    let holdPolls = true;
    await other.setRequestInterception(true);
    other.on('request', (r) => {
      if (r.isInterceptResolutionHandled()) return;
      if (holdPolls && r.url().includes('/planning/board/changes')) void r.respond({ status: 204 });
      else void r.continue();
    });
    const seen = Number(await other.$eval(chipIn(anna, TUE, 'card', salesOrder), (el) => (el as HTMLElement).dataset.version));
    await db(`update plan_card set version = version + 1, updated_at = now() where id = $1`, [salesOrder]);
    await drag(other, chipIn(anna, TUE, 'card', salesOrder), `#cell-${cnc}-${MON} .drop`);
    holdPolls = false;
    await other.waitForFunction(() => document.querySelector('#board-message')?.textContent?.includes('Er is niets verplaatst'), { timeout: 30_000 });
    expect(await one(`select resource_id from plan_card where id = $1`, [salesOrder])).toEqual({ resource_id: anna });
    // the refusal brings the board up to date at once: the card now carries the new version
    await other.waitForFunction((sel, v) => (document.querySelector(sel as string) as HTMLElement | null)?.dataset.version === String(v),
      { timeout: 30_000 }, chipIn(anna, TUE, 'card', salesOrder), seen + 1);
    await other.screenshot({ path: join(OUT, 'stale-move-refused-1280.png'), fullPage: true });

    // onto a day of leave: the warning comes first, "Plan anyway" plans
    await drag(page, chipIn(anna, FRI, 'activity', act2), `#cell-${bas}-${WED} .drop`);
    await page.waitForSelector('#board-dialog #plan-submit', { timeout: 30_000 }).catch(async (e) => {
      await page.screenshot({ path: join(OUT, 'leave-warning-missing-1280.png'), fullPage: true });
      throw e;
    });
    expect(await page.$eval('#board-dialog', (el) => el.textContent)).toContain('Toch plannen');
    await page.screenshot({ path: join(OUT, 'leave-warning-1280.png'), fullPage: true });
    await page.click('#plan-submit');
    await page.waitForSelector(chipIn(bas, WED, 'activity', act2), { timeout: 30_000 });

    // tablet, four weeks
    const tablet = await tab(820, 1180);
    await tablet.goto(`${base}/planning/board?view=4weeks`);
    await settle(tablet);
    await tablet.screenshot({ path: join(OUT, 'board-4weeks-tablet-820.png'), fullPage: true });
    const wide = await tablet.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(wide).toBeLessThanOrEqual(0); // the grid scrolls inside its own box, the page never does

    // many resources: the next ones load as the planner scrolls down the board
    await db(`update plan_resource set active = true, updated_at = now() where name like 'Zz Extra %'`);
    await tablet.goto(`${base}/planning/board`);
    await settle(tablet);
    expect(await tablet.$$eval('#board-body .board-row[id^="row-"]', (rows) => rows.length)).toBe(15);
    await tablet.$eval('#board-body .board-more', (el) => el.scrollIntoView());
    await tablet.waitForFunction(() => document.querySelectorAll('#board-body .board-row[id^="row-"]').length === 23, { timeout: 30_000 });
    await db(`update plan_resource set active = false, updated_at = now() where name like 'Zz Extra %'`);

    // in English, the day view
    await Promise.all([tablet.waitForNavigation(), tablet.$eval('button[name=language][value=en]', (b) => (b as HTMLButtonElement).click())]);
    await tablet.goto(`${base}/planning/board?view=day&date=${WED}`);
    await settle(tablet);
    const text = await tablet.evaluate(() => document.querySelector('main')?.innerText ?? '');
    expect(text).toContain('Planning board');
    expect(text).toContain('Unplanned');
    expect(text).not.toMatch(/planningBoard\./);
    await tablet.screenshot({ path: join(OUT, 'board-day-tablet-820-en.png'), fullPage: true });

    expect([...page.errors, ...other.errors, ...tablet.errors]).toEqual([]);
  }, 240_000);
});
