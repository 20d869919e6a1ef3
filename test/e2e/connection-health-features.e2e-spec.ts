import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { csrf, startTestApp, type Agent, type TestApp } from '../support/app.js';
import { connectExact, startExactSandbox, type ExactTestEnv } from '../support/exact.js';
import { sql, SYNC_TEST_ENV, waitFor } from '../support/sync.js';
import { D1, importLedgers, invoicingFixture, type InvoicingFixture } from '../support/invoices.js';
import type { HealthResult } from '../../src/modules/connection-health/connection-health.types.js';

/**
 * Issue 17 for the features that register themselves (planning options, time export, transactions): a right taken
 * away in the sandbox shows on the Health page with Exact's name of the right, and switching the option on is
 * refused with the same message (one check: HealthFeatureRegistry.gate).
 */

let x: ExactTestEnv;
let t: TestApp;
let admin: Agent;
let fx: InvoicingFixture;

beforeAll(async () => {
  x = await startExactSandbox();
  await x.control('limits', { minutely: 100000, daily: 1000000 });
  t = await startTestApp({ ...x.env, ...SYNC_TEST_ENV });
  const a = await t.createUser('admin');
  admin = await t.login(a.email, a.password);
  await connectExact(x, admin, 'all');
  await importLedgers(t, D1);
  fx = await invoicingFixture(t); // a location booking into D1: the Health page lists the division
}, 180_000);

afterAll(async () => {
  await t?.close();
  await x?.close();
});

const db = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(t.db.url, text, params);
const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#x27;/g, "'");

async function checkNow(division = D1): Promise<{ result: HealthResult; page: string }> {
  const [before] = await db<{ checked_at: Date }>('select checked_at from connection_health where division = $1', [division]);
  const res = await admin.post('/settings/integrations/exact/health/check').type('form').send({ _csrf: await csrf(admin, '/settings/integrations/exact/health'), division: String(division) });
  expect(res.status).toBe(303);
  const result = await waitFor(async () => {
    const [row] = await db<{ checked_at: Date; result: HealthResult }>('select checked_at, result from connection_health where division = $1', [division]);
    return row && (!before || row.checked_at.getTime() > before.checked_at.getTime()) ? row.result : undefined;
  }, 'health check stored', 60_000);
  const page = await admin.get('/settings/integrations/exact/health');
  expect(page.status).toBe(200);
  return { result, page: unescape(page.text) };
}

const PLANNING = '/settings/integrations/exact/planning';
const OUTGOING = '/settings/integrations/exact/planning/outgoing';

async function saveOptions(options: string[]) {
  const body: Record<string, string> = { _csrf: await csrf(admin, `${PLANNING}?division=${D1}`), division: String(D1) };
  for (const o of options) body[o] = 'on';
  const res = await admin.post(`${PLANNING}/save`).type('form').send(body);
  return { status: res.status, text: unescape(res.text) };
}

async function saveOutgoing(switches: string[]) {
  const body: Record<string, string> = { _csrf: await csrf(admin, `${OUTGOING}?division=${D1}`), division: String(D1) };
  for (const s of switches) body[s] = 'on';
  const res = await admin.post(`${OUTGOING}/save`).type('form').send(body);
  return { status: res.status, text: unescape(res.text) };
}

describe('connection health of the registered features', () => {
  it('an option outside the package (D1 has no Projects) is refused with the Health page\'s module message', async () => {
    const saved = await saveOptions(['Project']);
    expect(saved.status).toBe(422);
    expect(saved.text).toContain('Het Exact-pakket van administratie 1234567 heeft geen module Projects (nodig voor: Planningsoptie Project).');
  });

  it('every planning option, the outgoing switches and transactions are features; off ones are not checked', async () => {
    const { result } = await checkNow();
    const keys = result.features.map((f) => f.key);
    expect(keys).toEqual(expect.arrayContaining(['planning-salesorder', 'planning-project', 'planning-productionorder', 'time-export-project', 'time-export-shop-order', 'shop-order-dates', 'sales-order-dates', 'transactions']));
    expect(result.features.find((f) => f.key === 'planning-project')).toMatchObject({ enabled: false });
    expect(result.features.find((f) => f.key === 'time-export-project')).toMatchObject({ enabled: false });
  });

  it('a planning option (shop orders) whose right is taken away: shown on the Health page, and the option refuses with the same message', async () => {
    expect((await saveOptions(['ProductionOrder'])).status).toBe(303);
    await x.control('rights', { division: D1, endpoint: 'manufacturing/ShopOrders', action: 'GET', allowed: false });
    try {
      const message = 'mist het recht "Productie raadplegen (productieorders, werkplekken)" in administratie 1234567 (nodig voor: Planningsoptie ProductionOrder).';
      const { result, page } = await checkNow();
      expect(result.features.find((f) => f.key === 'planning-productionorder')).toMatchObject({ enabled: true });
      expect(result.problems.find((p) => p.features.includes('planning-productionorder'))).toMatchObject({ code: 'right_missing' });
      expect(page).toContain(message);
      expect(page).toMatch(/data-endpoint="manufacturing\/ShopOrders" data-action="GET" data-state="missing"/);
      // Activate refuses (flash on the options screen), nothing becomes active
      const act = await admin.post(`${PLANNING}/activate`).type('form').send({ _csrf: await csrf(admin, `${PLANNING}?division=${D1}`), division: String(D1) });
      expect(act.status).toBe(303);
      expect(unescape((await admin.get(act.headers.location)).text)).toContain(message);
      expect((await db<{ activated_at: Date | null }>('select activated_at from planning_settings where division = $1', [D1]))[0].activated_at).toBeNull();
      // saving it again: 422, the form as ticked, the same words
      const saved = await saveOptions(['ProductionOrder']);
      expect(saved.status).toBe(422);
      expect(saved.text).toContain(message);
      expect(saved.text).toMatch(/name="ProductionOrder"[^>]*checked/);
    } finally {
      await x.control('rights', { division: D1, endpoint: 'manufacturing/ShopOrders', action: 'GET', allowed: true });
    }
    const { result } = await checkNow();
    expect(result.problems.filter((p) => p.features.includes('planning-productionorder'))).toEqual([]);
    expect((await saveOptions([])).status).toBe(303);
  });

  it('time export to shop orders whose right is taken away: shown on the Health page, and the switch refuses with the same message', async () => {
    expect((await saveOutgoing(['shopOrderTime'])).status).toBe(303);
    await x.control('rights', { division: D1, endpoint: 'manufacturing/TimeTransactions', action: 'POST', allowed: false });
    try {
      const message = 'mist het recht "Uren op productieorders boeken" in administratie 1234567 (nodig voor: Uren naar productieorders).';
      const { result, page } = await checkNow();
      expect(result.problems.find((p) => p.features.includes('time-export-shop-order'))).toMatchObject({ code: 'right_missing' });
      expect(page).toContain(message);
      expect((await saveOutgoing([])).status).toBe(303);
      const again = await saveOutgoing(['shopOrderTime']);
      expect(again.status).toBe(422);
      expect(again.text).toContain(message);
      expect((await db<{ shop_order_time: boolean }>('select shop_order_time from planning_outgoing_settings where division = $1', [D1]))[0].shop_order_time).toBe(false);
    } finally {
      await x.control('rights', { division: D1, endpoint: 'manufacturing/TimeTransactions', action: 'POST', allowed: true });
    }
  });

  it('transactions: a cash journal of the wrong type shows with its fix and a link to the transactions settings', async () => {
    // journal 20 is a bank journal (type 12) in the sandbox's administration
    await db(`insert into transaction_location_settings (location_id, cash_journal_code) values ($1, '20')`, [fx.locationId]);
    try {
      const { result, page } = await checkNow();
      expect(result.features.find((f) => f.key === 'transactions')).toMatchObject({ enabled: true });
      expect(result.problems.find((p) => p.features.includes('transactions') && p.code === 'journal_type')).toMatchObject({
        key: 'transactions.health.journalTypeCash', params: expect.objectContaining({ code: '20', type: 12 }), href: `/accounting/transactions/settings/${fx.locationId}`, ref: 'journal:20',
      });
      expect(page).toContain('Dagboek 20 van locatie Vestiging UTR is geen kasboek in administratie 1234567 (type 12)');
      expect(page).toContain('Kies in de instellingen van transacties een dagboek van het type Kas (10)');
      expect(page).toContain(`href="/accounting/transactions/settings/${fx.locationId}"`);
      expect(result.calls).toBeLessThanOrEqual(10);
      // the location's preflight (its settings page) reuses the finding: the same words
      const settings = await admin.get(`/accounting/transactions/settings/${fx.locationId}`);
      expect(settings.status).toBe(200);
      expect(unescape(settings.text)).toContain('Dagboek 20 van locatie Vestiging UTR is geen kasboek in administratie 1234567 (type 12)');
    } finally {
      await db('delete from transaction_location_settings where location_id = $1', [fx.locationId]);
    }
  });

  it('the planning options screen and the options\' gates reuse the Health page\'s rights: no second question to Exact until "Check again"', async () => {
    const asked = () => x.requests({ division: D1, endpoint: 'users/userhasrights' });
    await checkNow();
    expect((await admin.get(`${PLANNING}?division=${D1}`)).status).toBe(200);
    const before = await asked();
    const screen = unescape((await admin.get(`${PLANNING}?division=${D1}`)).text);
    expect(screen).toMatch(/name="Project"[^>]*disabled/); // D1 has no Projects: the answer is reused, not asked again
    expect(screen).toMatch(/name="SalesOrder"(?![^>]*disabled)/);
    expect((await saveOptions(['SalesOrder'])).status).toBe(303); // the gate: Exact's "yes" is reused
    expect(await asked()).toBe(before);
    const again = await admin.post(`${PLANNING}/rights`).type('form').send({ _csrf: await csrf(admin, `${PLANNING}?division=${D1}`), division: String(D1) });
    expect(again.status).toBe(303);
    expect(await asked()).toBeGreaterThan(before);
    expect((await saveOptions([])).status).toBe(303);
  });
});
