import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Agent, TestApp } from '../support/app.js';
import type { ExactTestEnv } from '../support/exact.js';
import { planningDriver, startPlanningApp } from '../support/planning.js';
import { waitFor } from '../support/sync.js';

// Issue #20, the options after the first set: purchase orders (PurchaseOrder / PurchaseOrderRow), against the
// sandbox's planning side, real PostgreSQL, webhooks coming back over HTTP.
const MFG = 1234567;

let x: ExactTestEnv;
let t: TestApp;
let admin: Agent;
let planner: Agent;

const { db, saveAndActivate, idle, runNow } = planningDriver(() => ({ x, t, admin })).forDivision(MFG);

interface Card { id: number; status: string; archived_reason: string | null; due_date: string | null; exact_status: number | null; number: string | null; relation_name: string | null; parent_exact_id: string | null; lines: { exactId: string; itemCode: string | null; quantity: number | null; doneQuantity: number | null }[] }
const card = async (kind: string, exactId: string) =>
  (await db<Card>(
    `select id, status, archived_reason, to_char(due_date, 'YYYY-MM-DD') as due_date, exact_status, number, relation_name, parent_exact_id, lines
       from plan_card where division = $1 and kind = $2 and exact_id = $3`,
    [MFG, kind, exactId],
  ))[0];

beforeAll(async () => {
  ({ x, t, admin, planner } = await startPlanningApp([MFG]));
}, 120_000);

afterAll(async () => {
  await t?.close();
  await x?.close();
});

describe('purchase orders (PurchaseOrder, PurchaseOrderRow)', () => {
  it('PurchaseOrder: a card per order with number, supplier, receipt date and its lines, in one call per page', async () => {
    await saveAndActivate(['PurchaseOrder']);
    await idle();
    const cards = await db<Card>(`select id, status, archived_reason, exact_status, number, relation_name, to_char(due_date, 'YYYY-MM-DD') as due_date, lines from plan_card where division = $1 and kind = 'purchase_order'`, [MFG]);
    expect(cards.length).toBe(12); // the seed's 12 purchase orders
    for (const c of cards) {
      expect(c.number).toMatch(/^20\d\d$/);
      expect(c.relation_name).toBeTruthy();
      expect(c.due_date).toMatch(/^\d{4}-\d\d-\d\d$/);
      expect(c.lines.length).toBeGreaterThan(0);
      for (const l of c.lines) expect([typeof l.itemCode, typeof l.quantity]).toEqual(['string', 'number']);
      // complete (30) and cancelled (40) orders are archived and say why; open and partial ones are plannable
      expect([c.status, c.archived_reason]).toEqual(c.exact_status === 30 ? ['archived', 'completed'] : c.exact_status === 40 ? ['archived', 'cancelled'] : ['open', null]);
    }
    expect(cards.filter((c) => c.status === 'archived').length).toBeGreaterThan(0);
    // a partially received order shows what came in
    const partial = cards.find((c) => c.exact_status === 20)!;
    expect(partial.lines.some((l) => (l.doneQuantity ?? 0) > 0)).toBe(true);
    // the sync page and the lines of its 12 orders: two calls, not one per order (the sandbox counted them too)
    const [{ calls }] = await db<{ calls: number }>(`select (summaries->'purchase-orders'->>'calls')::int as calls from planning_settings where division = $1`, [MFG]);
    expect(calls).toBe(2);
    expect(await x.requests({ division: MFG, endpoint: 'purchaseorder/purchaseorderlines' })).toBe(1);
    const page = await planner.get(`/planning/cards/${partial.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(partial.number!);
  }, 180_000);

  it('a change in Exact (webhook) updates the card; a new order arrives; a deleted one is archived and says so', async () => {
    await idle();
    const [open] = await db<{ exact_id: string }>(`select exact_id from plan_card where division = $1 and kind = 'purchase_order' and status = 'open' and exact_status = 10 order by number limit 1`, [MFG]);
    await x.control('planning/PurchaseOrders', { division: MFG, ID: open.exact_id, action: 'update', fields: { ReceiptDate: '2027-03-01' } });
    await waitFor(async () => ((await card('purchase_order', open.exact_id)).due_date === '2027-03-01' ? true : undefined), 'the new receipt date', 60_000);
    await idle();
    await x.control('planning/PurchaseOrders', { division: MFG, ID: open.exact_id, action: 'cancel' });
    await waitFor(async () => ((await card('purchase_order', open.exact_id)).status === 'archived' ? true : undefined), 'cancelled order archived', 60_000);
    expect((await card('purchase_order', open.exact_id)).archived_reason).toBe('cancelled');
    await idle();
    await x.control('planning/PurchaseOrders', { division: MFG, ID: open.exact_id, action: 'reopen' });
    await waitFor(async () => ((await card('purchase_order', open.exact_id)).status === 'open' ? true : undefined), 'reopened order open again', 60_000);

    const [{ relation_exact_id: supplier }] = await db<{ relation_exact_id: string }>(`select relation_exact_id from plan_card where division = $1 and kind = 'purchase_order' limit 1`, [MFG]);
    const item = await x.control<{ ID: string }>('planning/Items', { division: MFG, action: 'create', fields: { Code: `INK-${Date.now()}`, Description: 'Inkoopartikel test', IsPurchaseItem: true } });
    const fresh = await x.control<{ PurchaseOrderID: string }>('planning/PurchaseOrders', {
      division: MFG, action: 'create', fields: { Supplier: supplier, Description: 'Te verwijderen', PurchaseOrderLines: [{ Item: item.ID, QuantityInPurchaseUnits: 4 }] },
    });
    const id = fresh.PurchaseOrderID.toLowerCase();
    await waitFor(async () => ((await card('purchase_order', id)) ? true : undefined), 'new purchase order imported', 60_000);
    const c = await card('purchase_order', id);
    expect(c.lines.map((l) => l.quantity)).toEqual([4]);
    await idle();
    await x.control('planning/PurchaseOrders', { division: MFG, ID: fresh.PurchaseOrderID, action: 'delete' });
    // deletions come through sync/Deleted (type 22) on the next cycle
    await runNow();
    const gone = await card('purchase_order', id);
    expect([gone.status, gone.archived_reason]).toEqual(['archived', 'deleted']);
  }, 240_000);

  it('PurchaseOrderRow: switching to a card per line archives the order cards (kept) and makes one card per line', async () => {
    await idle();
    await saveAndActivate(['PurchaseOrderRow']);
    await idle();
    const [{ off }] = await db<{ off: string }>(`select count(*) as off from plan_card where division = $1 and kind = 'purchase_order' and status = 'archived' and archived_reason = 'option_off'`, [MFG]);
    expect(Number(off)).toBeGreaterThan(0);
    const [{ expected }] = await db<{ expected: string }>(`select sum(jsonb_array_length(lines)) as expected from plan_card where division = $1 and kind = 'purchase_order' and archived_reason <> 'deleted'`, [MFG]);
    const lines = await db<Card>(`select id, status, archived_reason, exact_status, number, relation_name, parent_exact_id, to_char(due_date, 'YYYY-MM-DD') as due_date, lines from plan_card where division = $1 and kind = 'purchase_order_line'`, [MFG]);
    expect(lines.length).toBe(Number(expected));
    for (const l of lines) {
      expect(l.parent_exact_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(l.relation_name).toBeTruthy();
      expect(l.lines.length).toBe(1);
      expect(l.due_date).toBeTruthy();
    }
    // a line added in Exact becomes a card; the order's other lines stay as they are
    const [o] = await db<{ parent_exact_id: string }>(`select parent_exact_id from plan_card where division = $1 and kind = 'purchase_order_line' and status = 'open' and exact_status = 10 limit 1`, [MFG]);
    const item = await x.control<{ ID: string }>('planning/Items', { division: MFG, action: 'create', fields: { Code: `INK2-${Date.now()}`, Description: 'Extra regel', IsPurchaseItem: true } });
    const line = await x.control<{ ID: string }>('planning/PurchaseOrderLines', { division: MFG, action: 'create', fields: { PurchaseOrderID: o.parent_exact_id, Item: item.ID, QuantityInPurchaseUnits: 2 } });
    await waitFor(async () => ((await card('purchase_order_line', line.ID.toLowerCase())) ? true : undefined), 'the new line card', 60_000);
    await idle();
    // and a line deleted in Exact leaves: its order is read again without it
    await x.control('planning/PurchaseOrderLines', { division: MFG, ID: line.ID, action: 'delete' });
    await runNow();
    const gone = await card('purchase_order_line', line.ID.toLowerCase());
    expect([gone.status, gone.archived_reason]).toEqual(['archived', 'deleted']);
  }, 240_000);
});

describe('quotations (Quotation)', () => {
  it('a card per quotation: number, version, customer, closing date and lines; accepted / rejected / replaced ones are archived', async () => {
    await saveAndActivate(['Quotation']);
    await idle();
    const cards = await db<Card & { exact_id: string; extra: { version: number | null; validUntil: string | null } }>(
      `select id, exact_id, status, archived_reason, exact_status, number, relation_name, to_char(due_date, 'YYYY-MM-DD') as due_date, lines, extra
         from plan_card where division = $1 and kind = 'quotation'`,
      [MFG],
    );
    expect(cards.length).toBe(12); // the seed's 12 quotations
    for (const c of cards) {
      expect(c.number).toMatch(/^3\d\d$/);
      expect(c.relation_name).toBeTruthy();
      expect(c.due_date).toMatch(/^\d{4}-\d\d-\d\d$/);
      expect(c.extra.version).toBeGreaterThanOrEqual(1);
      expect(c.lines.length).toBeGreaterThan(0);
      const want = c.exact_status === 50 || c.exact_status === 70 ? ['archived', 'accepted'] : c.exact_status === 5 ? ['archived', 'rejected'] : c.exact_status === 6 ? ['archived', 'cancelled'] : ['open', null];
      expect([c.status, c.archived_reason]).toEqual(want);
    }
    expect(new Set(cards.map((c) => c.archived_reason))).toEqual(new Set([null, 'accepted', 'rejected', 'cancelled']));
    // accepted in Exact (webhook Quotations): the card leaves the plannable list and says why
    const open = cards.find((c) => c.status === 'open' && c.exact_status === 25)!;
    await x.control('planning/Quotations', { division: MFG, ID: open.exact_id, action: 'accept' });
    await waitFor(async () => ((await card('quotation', open.exact_id)).status === 'archived' ? true : undefined), 'accepted quotation archived', 60_000);
    expect((await card('quotation', open.exact_id)).archived_reason).toBe('accepted');
    const page = await planner.get(`/planning/cards/${open.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(open.number!);
  }, 240_000);
});
