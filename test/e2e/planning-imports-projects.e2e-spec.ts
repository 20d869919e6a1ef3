import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Agent, TestApp } from '../support/app.js';
import type { ExactTestEnv } from '../support/exact.js';
import { planningDriver, startPlanningApp } from '../support/planning.js';
import { waitFor } from '../support/sync.js';
import { ExactClient } from '../../src/exact/exact.client.js';
import type { ExactHourBudget } from '../../src/exact/planning.resources.js';

// Issue #20, the project side and items: Item, HourType, ActivityViaItem, ProjectHours and the three WBS variants,
// against the sandbox's planning side (manufacturing division 1234567, services division 2345678), real PostgreSQL,
// webhooks coming back over HTTP.
const MFG = 1234567;
const PSA = 2345678;

let x: ExactTestEnv;
let t: TestApp;
let admin: Agent;
let planner: Agent;
const { db, saveAndActivate, idle, runNow } = planningDriver(() => ({ x, t, admin }));

interface Activity { exact_id: string; kind: string; code: string | null; description: string | null; estimated_hours: number | null; status: string; card_kind: string; card_exact_id: string; card_status: string }
const activities = (division: number, kind: string) =>
  db<Activity>(
    `select a.exact_id, a.kind, a.code, a.description, a.estimated_hours::float8 as estimated_hours, a.status, c.kind as card_kind, c.exact_id as card_exact_id, c.status as card_status
       from plan_activity a join plan_card c on c.id = a.card_id where a.division = $1 and a.kind = $2 order by a.exact_id`,
    [division, kind],
  );
const activity = async (division: number, kind: string, exactId: string) => (await activities(division, kind)).find((a) => a.exact_id === exactId);
interface Card { id: number; exact_id: string; parent_exact_id: string | null; status: string; archived_reason: string | null; number: string | null; description: string | null; lines: { exactId: string; description: string | null }[] }
const cardsOf = (division: number, kind: string) =>
  db<Card>(`select id, exact_id, parent_exact_id, status, archived_reason, number, description, lines from plan_card where division = $1 and kind = $2 order by exact_id`, [division, kind]);
interface Master { exact_id: string; code: string | null; name: string | null; data: Record<string, unknown> }
const master = (division: number, kind: string) => db<Master>(`select exact_id, code, name, data from plan_master where division = $1 and kind = $2 order by code`, [division, kind]);

/** The hour budgets as Exact has them (read with the app's own client). */
async function readBudgets(): Promise<ExactHourBudget[]> {
  const out: ExactHourBudget[] = [];
  for await (const page of t.app.get(ExactClient).planning(PSA).hourBudgets(null)) out.push(...page);
  return out;
}
const hourKeyOf = (b: ExactHourBudget) => `${b.Project!.toLowerCase()}:${b.Item!.toLowerCase()}`;

/** Makes the hour-budget poll due on the next 15-minute tick (its last run an hour and a half ago); the cursor stays. */
const hoursPollDue = (division: number) =>
  db(`update planning_settings set summaries = jsonb_set(summaries, '{project-hours,at}', to_jsonb((now() - interval '90 minutes')::text)) where division = $1`, [division]);

beforeAll(async () => {
  ({ x, t, admin, planner } = await startPlanningApp([MFG, PSA]));
}, 120_000);

afterAll(async () => {
  await t?.close();
  await x?.close();
});

describe('items (Item, HourType)', () => {
  it('Item: the item master with units and hour types; a change in Exact arrives, a deleted item leaves; HourType alone keeps the hour types only', async () => {
    await saveAndActivate(MFG, ['Item']);
    await idle(MFG);
    const items = await master(MFG, 'item');
    const [{ records }] = await db<{ records: number }>(`select (summaries->'items'->>'records')::int as records from planning_settings where division = $1`, [MFG]);
    expect(items.length).toBe(records);
    expect(items.length).toBeGreaterThan(20);
    const travel = items.find((i) => i.code === 'REISTIJD')!;
    expect([travel.name, travel.data.unit, travel.data.isTime]).toEqual(['Reistijd', 'uur', true]);
    expect(items.find((i) => i.code === 'CVKETEL')!.data.isTime).toBe(false);

    // Planning → Items: searchable, hour types marked and filtered
    const found = await planner.get('/planning/items?q=reis');
    expect(found.status).toBe(200);
    expect(found.text).toContain('REISTIJD');
    expect(found.text).not.toContain('CVKETEL');
    const timeOnly = await planner.get('/planning/items?type=time');
    expect(timeOnly.text).toContain('PROJECTLEIDING');
    expect(timeOnly.text).not.toContain('CVKETEL');
    expect((await planner.get('/planning/items')).text).toContain('CVKETEL');

    // renamed in Exact: the Items webhook brings it
    await x.control('planning/Items', { division: MFG, ID: travel.exact_id, action: 'update', fields: { Description: 'Reistijd monteur' } });
    await waitFor(async () => ((await master(MFG, 'item')).find((i) => i.code === 'REISTIJD')?.name === 'Reistijd monteur' ? true : undefined), 'the renamed item', 60_000);
    // a new item arrives; deleted, it leaves through sync/Deleted (type 9)
    const made = await x.control<{ ID: string }>('planning/Items', { division: MFG, action: 'create', fields: { Code: 'WEG-1', Description: 'Tijdelijk artikel', Unit: 'stuk' } });
    await waitFor(async () => ((await master(MFG, 'item')).some((i) => i.code === 'WEG-1') ? true : undefined), 'the new item', 60_000);
    await idle(MFG);
    await x.control('planning/Items', { division: MFG, ID: made.ID, action: 'delete' });
    await runNow(MFG);
    expect((await master(MFG, 'item')).some((i) => i.code === 'WEG-1')).toBe(false);

    // HourType without Item: the items are read again and only those with a time unit stay
    await saveAndActivate(MFG, ['HourType']);
    await idle(MFG);
    const hourTypes = await master(MFG, 'item');
    expect(hourTypes.length).toBeGreaterThan(0);
    expect(hourTypes.every((i) => i.data.isTime === true)).toBe(true);
    expect(hourTypes.map((i) => i.code)).toEqual(expect.arrayContaining(['ARBEID', 'REISTIJD', 'PROJECTLEIDING']));
  }, 240_000);

  it('every item option switched off: the items are kept but leave Planning → Items (shown as archived), as cards do; switched back on, they return', async () => {
    await saveAndActivate(MFG, ['Item']);
    await idle(MFG);
    const listed = async (query: string) => (await planner.get(`/planning/items?${query}`)).text;
    expect(await listed('q=CVKETEL')).toContain('<code>CVKETEL</code>');
    const kept = (await master(MFG, 'item')).length;
    await saveAndActivate(MFG, []);
    await idle(MFG);
    expect((await master(MFG, 'item')).length).toBe(kept); // archived, not deleted
    for (const code of ['CVKETEL', 'REISTIJD']) {
      expect(await listed(`q=${code}`)).not.toContain(`<code>${code}</code>`);
      const archived = await listed(`q=${code}&status=archived`);
      expect(archived).toContain(`<code>${code}</code>`);
      expect(archived).toContain('data-archived');
    }
    await saveAndActivate(MFG, ['Item']);
    await idle(MFG);
    const back = await listed('q=CVKETEL');
    expect(back).toContain('<code>CVKETEL</code>');
    expect(back).not.toContain('data-archived');
  }, 240_000);
});

describe('items with a time unit on orders (ActivityViaItem)', () => {
  it('an order line with an hour type becomes an activity with its hours on the order card; changed and deleted in Exact; switched off it is archived', async () => {
    await saveAndActivate(MFG, ['SalesOrder', 'Item', 'ActivityViaItem']);
    await idle(MFG);
    const items = await master(MFG, 'item');
    const id = (code: string) => items.find((i) => i.code === code)!.exact_id;
    const [{ relation_exact_id: customer }] = await db<{ relation_exact_id: string }>(
      `select relation_exact_id from plan_card where division = $1 and kind = 'sales_order' and relation_exact_id is not null limit 1`, [MFG]);
    const order = await x.control<{ OrderID: string }>('planning/SalesOrders', {
      division: MFG, action: 'create',
      fields: { OrderedBy: customer, Description: 'Installatie met reistijd', SalesOrderLines: [{ Item: id('CVKETEL'), Quantity: 1 }, { Item: id('REISTIJD'), Quantity: 3 }] },
    });
    const orderId = order.OrderID.toLowerCase();
    const mine = async () => (await activities(MFG, 'item')).filter((a) => a.card_exact_id === orderId);
    await waitFor(async () => ((await mine()).length ? true : undefined), 'the travel-time activity', 60_000);
    await idle(MFG);
    const [travel] = await mine();
    expect(await mine()).toHaveLength(1); // the boiler is not an activity
    expect([travel.card_kind, travel.code, travel.estimated_hours, travel.status]).toEqual(['sales_order', 'REISTIJD', 3, 'open']);

    // five hours in Exact: the activity follows (SalesOrders webhook)
    await x.control('planning/SalesOrderLines', { division: MFG, ID: travel.exact_id, action: 'update', fields: { Quantity: 5 } });
    await waitFor(async () => ((await activity(MFG, 'item', travel.exact_id))?.estimated_hours === 5 ? true : undefined), 'five hours', 60_000);
    // the line deleted in Exact: the activity is archived (kept for what was planned)
    await idle(MFG);
    await x.control('planning/SalesOrderLines', { division: MFG, ID: travel.exact_id, action: 'delete' });
    await runNow(MFG);
    expect((await activity(MFG, 'item', travel.exact_id))!.status).toBe('archived');

    // another order's hour line, then ActivityViaItem switched off: its activities are archived, the cards stay
    const second = await x.control<{ OrderID: string }>('planning/SalesOrders', {
      division: MFG, action: 'create', fields: { OrderedBy: customer, Description: 'Advieswerk', SalesOrderLines: [{ Item: id('ADVIES'), Quantity: 2 }] },
    });
    await waitFor(async () => ((await activities(MFG, 'item')).some((a) => a.card_exact_id === second.OrderID.toLowerCase()) ? true : undefined), 'the advice activity', 60_000);
    await idle(MFG);
    await saveAndActivate(MFG, ['SalesOrder', 'Item']);
    await idle(MFG);
    const after = await activities(MFG, 'item');
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((a) => a.status === 'archived')).toBe(true);
    expect(after.find((a) => a.card_exact_id === second.OrderID.toLowerCase())!.card_status).toBe('open');
  }, 240_000);
});

describe('project hours per hour type (ProjectHours)', () => {
  it('the hour budgets become activities with their hours on project cards; changes are polled, deletions found by the full list; switched off they are archived', async () => {
    await saveAndActivate(PSA, ['ProjectHours']);
    await idle(PSA);
    const hours = await activities(PSA, 'hour_type');
    const projects = await cardsOf(PSA, 'project');
    const budgets = await readBudgets();
    // without Project only the projects with hour budgets have a card (the seed's fixed-price projects)
    expect(projects.length).toBe(new Set(budgets.map((b) => b.Project!.toLowerCase())).size);
    expect(projects.length).toBeGreaterThan(1);
    expect(hours.map((h) => h.exact_id).sort()).toEqual(budgets.map(hourKeyOf).sort());
    for (const h of hours) {
      const b = budgets.find((x) => hourKeyOf(x) === h.exact_id)!;
      expect([h.card_kind, h.card_exact_id, h.code, h.estimated_hours, h.status]).toEqual(['project', b.Project!.toLowerCase(), b.ItemCode, b.Budget, 'open']);
    }
    for (const p of projects) expect(p.number).toMatch(/^P26-\d{3}$/);
    const page = await planner.get(`/planning/cards/${projects[0].id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(projects[0].number!);

    // a budget changed in Exact: the next poll reads only what changed since (Modified) and updates the hours
    const [first] = hours;
    const budgetId = budgets.find((b) => hourKeyOf(b) === first.exact_id)!.ID;
    await x.control('planning/ProjectHourBudgets', { division: PSA, ID: budgetId, action: 'update', fields: { Budget: 99 } });
    await hoursPollDue(PSA);
    await runNow(PSA);
    expect((await activity(PSA, 'hour_type', first.exact_id))!.estimated_hours).toBe(99);

    // a project with fewer hour types than another gets one more: a new activity; deleted in Exact, the full list archives it
    const byProject = new Map<string, Set<string>>();
    for (const b of budgets) byProject.set(b.Project!.toLowerCase(), new Set([...(byProject.get(b.Project!.toLowerCase()) ?? []), b.Item!.toLowerCase()]));
    const codes = new Map(budgets.map((b) => [b.Item!.toLowerCase(), b.ItemCode]));
    const [other, used] = [...byProject].find(([, s]) => s.size < codes.size)!;
    const item = [...codes.keys()].find((i) => !used.has(i))!;
    const made = await x.control<{ ID: string }>('planning/ProjectHourBudgets', { division: PSA, action: 'create', fields: { Project: other, Item: item, Budget: 12 } });
    const key = `${other}:${item}`;
    await hoursPollDue(PSA);
    await runNow(PSA);
    expect(await activity(PSA, 'hour_type', key)).toMatchObject({ code: codes.get(item), estimated_hours: 12, status: 'open', card_kind: 'project' });
    await x.control('planning/ProjectHourBudgets', { division: PSA, ID: made.ID, action: 'delete' });
    // a poll of changes cannot see a deletion (Exact keeps no log of them) …
    await hoursPollDue(PSA);
    await runNow(PSA);
    expect((await activity(PSA, 'hour_type', key))!.status).toBe('open');
    // … the full list ("Sync now", or once a day) does
    await runNow(PSA, 'manual');
    expect((await activity(PSA, 'hour_type', key))!.status).toBe('archived');

    // Project too: every project becomes a card; Project off again: only those with hour types stay open (the rest kept)
    const withHours = projects.length;
    await saveAndActivate(PSA, ['Project', 'ProjectHours']);
    await idle(PSA);
    const all = await cardsOf(PSA, 'project');
    expect(all.length).toBe(15);
    const ended = all.filter((c) => c.archived_reason === 'completed').length;
    expect(all.filter((c) => c.status === 'open').length).toBe(15 - ended);
    await saveAndActivate(PSA, ['ProjectHours']);
    await idle(PSA);
    const kept = await cardsOf(PSA, 'project');
    expect(kept.filter((c) => c.status === 'open').length).toBeLessThanOrEqual(withHours);
    expect(kept.filter((c) => c.archived_reason === 'option_off').length).toBeGreaterThanOrEqual(15 - ended - withHours);
    // ProjectHours off, Project on: the hour types are archived, every project card is back
    await saveAndActivate(PSA, ['Project']);
    await idle(PSA);
    const off = await activities(PSA, 'hour_type');
    expect(off.every((a) => a.status === 'archived')).toBe(true);
    expect((await cardsOf(PSA, 'project')).filter((c) => c.status === 'open').length).toBe(15 - ended);
  }, 300_000);
});

describe('WBS (ProjectWBS, ProjectWBSCombined, ProjectWBSHeader)', () => {
  it('ProjectWBS: a card per deliverable with its activities and hours; a new, changed and deleted activity or deliverable follows', async () => {
    await saveAndActivate(PSA, ['ProjectWBS', 'HourType']);
    await idle(PSA);
    const cards = await cardsOf(PSA, 'wbs');
    // the seed: four projects, each with two phases of two deliverables (six deliverables), two activities under each sub-deliverable
    expect(cards.length).toBe(24);
    expect(new Set(cards.map((c) => c.parent_exact_id)).size).toBe(4);
    const acts = await activities(PSA, 'wbs_activity');
    expect(acts.length).toBe(32);
    const perCard = new Map<string, number>();
    for (const a of acts) perCard.set(a.card_exact_id, (perCard.get(a.card_exact_id) ?? 0) + 1);
    expect([...perCard.values()].every((n) => n === 2)).toBe(true);
    expect(perCard.size).toBe(16);
    for (const a of acts) {
      expect(a.card_kind).toBe('wbs');
      expect(a.estimated_hours).toBeGreaterThan(0);
      expect(a.code).toMatch(/^[A-Z]+$/); // the activity's hour type (DefaultItem), from HourType's items
    }
    const page = await planner.get(`/planning/cards/${cards[0].id}`);
    expect(page.status).toBe(200);

    // more hours on an activity in Exact (no webhook topic for the WBS: the poll, here "Sync now")
    const act = acts[0];
    await x.control('planning/WBSActivities', { division: PSA, ID: act.exact_id, action: 'update', fields: { BudgetedHours: 77 } });
    await runNow(PSA, 'manual');
    expect((await activity(PSA, 'wbs_activity', act.exact_id))!.estimated_hours).toBe(77);

    // a new deliverable with an activity: a new card holding it; deleted in Exact: archived (sync/Deleted 25)
    const project = cards[0].parent_exact_id!;
    const d = await x.control<{ ID: string }>('planning/WBSDeliverables', { division: PSA, action: 'create', fields: { Project: project, Description: 'Fase 3 Nazorg' } });
    const a = await x.control<{ ID: string }>('planning/WBSActivities', { division: PSA, action: 'create', fields: { Project: project, PartOf: d.ID, Description: 'Nazorg uitvoeren', BudgetedHours: 6 } });
    await runNow(PSA, 'manual');
    const fresh = (await cardsOf(PSA, 'wbs')).find((c) => c.exact_id === d.ID.toLowerCase())!;
    expect([fresh.status, fresh.description, fresh.parent_exact_id]).toEqual(['open', 'Fase 3 Nazorg', project]);
    expect(await activity(PSA, 'wbs_activity', a.ID.toLowerCase())).toMatchObject({ card_exact_id: d.ID.toLowerCase(), estimated_hours: 6, status: 'open' });
    await x.control('planning/WBSActivities', { division: PSA, ID: a.ID, action: 'delete' });
    await x.control('planning/WBSDeliverables', { division: PSA, ID: d.ID, action: 'delete' });
    await runNow(PSA, 'manual');
    expect((await activity(PSA, 'wbs_activity', a.ID.toLowerCase()))!.status).toBe('archived');
    const gone = (await cardsOf(PSA, 'wbs')).find((c) => c.exact_id === d.ID.toLowerCase())!;
    expect([gone.status, gone.archived_reason]).toEqual(['archived', 'deleted']);
  }, 300_000);

  it('ProjectWBSCombined: one card per project with all deliverables and every activity; the deliverable cards are archived (kept)', async () => {
    await saveAndActivate(PSA, ['ProjectWBSCombined', 'HourType']);
    await idle(PSA);
    const old = await cardsOf(PSA, 'wbs');
    expect(old.filter((c) => c.status === 'open')).toEqual([]);
    expect(old.filter((c) => c.archived_reason === 'option_off').length).toBe(24);
    const cards = await cardsOf(PSA, 'wbs_project');
    expect(cards.length).toBe(4);
    for (const c of cards) {
      expect(c.exact_id).toBe(c.parent_exact_id);
      expect(c.status).toBe('open');
      expect(c.lines.map((l) => l.description)).toEqual(['Fase 1 Analyse', 'Intake en workshops', 'Rapportage', 'Fase 2 Realisatie', 'Inrichting', 'Test en acceptatie']);
    }
    const open = (await activities(PSA, 'wbs_activity')).filter((a) => a.status === 'open');
    expect(open.length).toBe(32);
    expect(open.every((a) => a.card_kind === 'wbs_project')).toBe(true);
  }, 240_000);

  it('ProjectWBSHeader: the header with its first-layer deliverables as activities holding the hours below them', async () => {
    await saveAndActivate(PSA, ['ProjectWBSHeader', 'HourType']);
    await idle(PSA);
    expect((await cardsOf(PSA, 'wbs_project')).every((c) => c.archived_reason === 'option_off')).toBe(true);
    const cards = await cardsOf(PSA, 'wbs_header');
    expect(cards.length).toBe(4);
    const tops = await activities(PSA, 'wbs_deliverable');
    expect(tops.length).toBe(8);
    expect(tops.every((a) => a.card_kind === 'wbs_header' && a.status === 'open')).toBe(true);
    expect(new Set(tops.map((a) => a.description))).toEqual(new Set(['Fase 1 Analyse', 'Fase 2 Realisatie']));
    // each phase holds the budgeted hours of the activities below it, as Exact has them
    const wbs = await master(PSA, 'wbs');
    const parent = new Map(wbs.map((w) => [w.exact_id, w.data.partOf as string | null]));
    const topOf = (id: string) => {
      let cur = id;
      while (parent.get(cur)) cur = parent.get(cur)!;
      return cur;
    };
    for (const top of tops) {
      const want = wbs.filter((w) => w.data.type === 2 && topOf(w.exact_id) === top.exact_id).reduce((n, w) => n + Number(w.data.hours), 0);
      expect(want).toBeGreaterThan(0);
      expect(top.estimated_hours).toBe(want);
    }
  }, 240_000);

  it('ProjectWBSHeader: the activities below the first layer are shown on the card under their deliverable, at any depth, and counted once in its hours', async () => {
    const [c] = (await cardsOf(PSA, 'wbs_header')).filter((x) => x.status === 'open');
    const project = c.parent_exact_id!;
    type Line = { exactId: string; partOf: string | null; description: string | null; hours: number | null; path: string | null };
    const lines = async () => (await db<{ lines: Line[] }>('select lines from plan_card where id = $1', [c.id]))[0].lines;
    const tops = async () => (await activities(PSA, 'wbs_deliverable')).filter((a) => a.card_exact_id === project);
    const wbs = (await master(PSA, 'wbs')).filter((w) => w.code === project);
    const parent = new Map(wbs.map((w) => [w.exact_id, w.data.partOf as string | null]));
    const topOf = (id: string) => {
      let cur = id;
      while (parent.get(cur)) cur = parent.get(cur)!;
      return cur;
    };
    const deep = wbs.filter((w) => w.data.type === 2 && w.data.partOf);
    expect(deep.length).toBeGreaterThan(0);
    const page = (await planner.get(`/planning/cards/${c.id}`)).text;
    for (const top of await tops()) {
      const mine = deep.filter((w) => topOf(w.exact_id) === top.exact_id);
      const rows = page.split('<tr').filter((r) => r.includes(`data-below="${top.exact_id}"`));
      expect(rows.length).toBe(mine.length);
      for (const w of mine) expect(rows.some((r) => r.includes(w.name!))).toBe(true);
      // the deliverable's hours are the sum of the lines shown under it
      const under = (await lines()).filter((l) => l.partOf === top.exact_id);
      expect(under.map((l) => l.exactId).sort()).toEqual(mine.map((w) => w.exact_id).sort());
      expect(top.estimated_hours).toBeCloseTo(under.reduce((n, l) => n + Number(l.hours), 0), 2);
    }
    // the card's hours count every activity once: the deliverables plus the activities outside any deliverable
    const [{ hours }] = await db<{ hours: number }>(`select coalesce(sum(estimated_hours), 0)::float8 as hours from plan_activity where card_id = $1 and status <> 'archived'`, [c.id]);
    expect(hours).toBeCloseTo(wbs.filter((w) => w.data.type === 2).reduce((n, w) => n + Number(w.data.hours ?? 0), 0), 2);

    // a third layer in Exact: its activity shows under the first-layer deliverable with the way down, hours added
    const sub = wbs.find((w) => w.data.type === 1 && w.data.partOf)!;
    const top = topOf(sub.exact_id);
    const before = (await tops()).find((a) => a.exact_id === top)!.estimated_hours!;
    const d3 = await x.control<{ ID: string }>('planning/WBSDeliverables', { division: PSA, action: 'create', fields: { Project: project, PartOf: sub.exact_id, Description: 'Detailontwerp' } });
    const a3 = await x.control<{ ID: string }>('planning/WBSActivities', { division: PSA, action: 'create', fields: { Project: project, PartOf: d3.ID, Description: 'Schetsen maken', BudgetedHours: 2.35 } });
    await runNow(PSA, 'manual');
    expect((await tops()).find((a) => a.exact_id === top)!.estimated_hours).toBeCloseTo(before + 2.35, 2);
    const line = (await lines()).find((l) => l.exactId === a3.ID.toLowerCase())!;
    expect([line.partOf, line.hours, line.path]).toEqual([top, 2.35, `${sub.name} › Detailontwerp`]);
    const again = (await planner.get(`/planning/cards/${c.id}`)).text.split('<tr').find((r) => r.includes('Schetsen maken'))!;
    expect(again).toContain(`data-below="${top}"`);
    expect(again).toContain(`${sub.name} › Detailontwerp`);
    expect(await activity(PSA, 'wbs_activity', a3.ID.toLowerCase())).toBeUndefined(); // shown, not planned apart
    await x.control('planning/WBSActivities', { division: PSA, ID: a3.ID, action: 'delete' });
    await x.control('planning/WBSDeliverables', { division: PSA, ID: d3.ID, action: 'delete' });
    await runNow(PSA, 'manual');
    expect((await tops()).find((a) => a.exact_id === top)!.estimated_hours).toBeCloseTo(before, 2);
    expect((await lines()).some((l) => l.exactId === a3.ID.toLowerCase())).toBe(false);
  }, 240_000);

  it('ProjectWBSHeader: WBS off archives the cards', async () => {
    await saveAndActivate(PSA, ['HourType']);
    await idle(PSA);
    expect((await cardsOf(PSA, 'wbs_header')).map((c) => c.archived_reason)).toEqual(['option_off', 'option_off', 'option_off', 'option_off']);
  }, 240_000);
});
