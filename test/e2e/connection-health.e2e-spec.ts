import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { csrf, startTestApp, type Agent, type TestApp } from '../support/app.js';
import { connectExact, startExactSandbox, type ExactTestEnv } from '../support/exact.js';
import { sql, SYNC_TEST_ENV, waitFor } from '../support/sync.js';
import { D1, exactEntries, finalInvoice, importLedgers, invoicingFixture, type InvoicingFixture } from '../support/invoices.js';
import { mkdirSync } from 'node:fs';
import type { Browser } from 'puppeteer-core';
import { browserLoggedIn } from '../support/browser.js';
import { HealthFeatureRegistry } from '../../src/modules/connection-health/connection-health.registry.js';
import type { HealthResult } from '../../src/modules/connection-health/connection-health.types.js';
import { SyncService } from '../../src/modules/sync/sync.service.js';
import { PLANNING_OPTIONS } from '../../src/modules/planning/planning.options.js';

/**
 * Issue 17: the connection health of an administration, against the sandbox over HTTP — a right taken away, a module
 * missing from the package, a GL account blocked in Exact after it was linked, a missing financial year, a journal of
 * the wrong type: each shows on Settings → Integrations → Exact Online → Health with its fix, and the feature it
 * affects refuses to run with the same message (the export preflight, the option's gate).
 */

let x: ExactTestEnv;
let t: TestApp;
let admin: Agent;
let accountant: Agent;
let fx: InvoicingFixture;
let adminLogin: { email: string; password: string };

beforeAll(async () => {
  x = await startExactSandbox();
  // this suite makes well over 60 calls within a minute (imports, exports, nine checks): at Exact's default limit a
  // check waits for the next rate window (up to a minute), which is not what these tests are about
  await x.control('limits', { minutely: 100000, daily: 1000000 });
  t = await startTestApp({ ...x.env, ...SYNC_TEST_ENV });
  const a = await t.createUser('admin');
  adminLogin = a;
  admin = await t.login(a.email, a.password);
  const b = await t.createUser('accountant');
  accountant = await t.login(b.email, b.password);
  await connectExact(x, admin, 'all');
  await importLedgers(t, D1);
  fx = await invoicingFixture(t);
}, 180_000);

afterAll(async () => {
  await t?.close();
  await x?.close();
});

const db = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(t.db.url, text, params);

/** Starts a check of the division (`start`) and waits until the sync engine stored a newer result. */
async function checked(division: number, start: () => Promise<unknown>): Promise<HealthResult> {
  const [before] = await db<{ checked_at: Date }>('select checked_at from connection_health where division = $1', [division]);
  await start();
  return waitFor(async () => {
    const [row] = await db<{ checked_at: Date; result: HealthResult }>('select checked_at, result from connection_health where division = $1', [division]);
    return row && (!before || row.checked_at.getTime() > before.checked_at.getTime()) ? row.result : undefined;
  }, 'health check stored', 60_000);
}

/** Presses "Check now" for the division and waits until the sync engine stored a newer result; returns it and the page. */
async function checkNow(division = D1): Promise<{ result: HealthResult; page: string }> {
  const result = await checked(division, async () => {
    const res = await admin.post('/settings/integrations/exact/health/check').type('form').send({ _csrf: await csrf(admin, '/settings/integrations/exact/health'), division: String(division) });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/settings/integrations/exact/health');
  });
  const page = await admin.get('/settings/integrations/exact/health');
  expect(page.status).toBe(200);
  return { result, page: page.text.replace(/&quot;/g, '"').replace(/&#x27;/g, "'") };
}

/** The preflight problems the Export screen shows for the invoices of the fixture's location. */
async function exportScreen(): Promise<string> {
  const page = await accountant.get(`/accounting/export?locationId=${fx.locationId}`);
  expect(page.status).toBe(200);
  return page.text.replace(/&quot;/g, '"').replace(/&#x27;/g, "'");
}

describe('connection health', () => {
  it('is an admin page that checks every feature that is on, in a handful of calls, and finds no rights missing', async () => {
    expect((await accountant.get('/settings/integrations/exact/health')).status).toBe(403);
    const { result, page } = await checkNow();
    expect(result.error).toBeUndefined();
    expect(result.calls).toBeLessThanOrEqual(10);
    const calls = result.problems.filter((p) => p.code.includes('right') || p.code.includes('module'));
    expect(calls).toEqual([]);
    const invoices = result.features.find((f) => f.key === 'invoices')!;
    expect(invoices.enabled).toBe(true);
    expect(invoices.needs.find((n) => n.endpoint === 'salesentry/SalesEntries')).toMatchObject({ action: 'POST', ok: true });
    expect(page).toContain('Administratie 1234567');
    expect(page).toContain('Verkoopboekingen invoeren, wijzigen en verwijderen');
    expect(page).toMatch(/data-endpoint="salesentry\/SalesEntries" data-action="POST" data-state="ok"/);
  });

  it('a right taken away in Exact: the page names Exact\'s right and where to grant it; the export refuses with the same words', async () => {
    const inv = await finalInvoice(t, fx);
    await x.control('rights', { division: D1, endpoint: 'salesentry/SalesEntries', action: 'POST', allowed: false });
    try {
      const { result, page } = await checkNow();
      const p = result.problems.find((q) => q.code === 'right_missing');
      expect(p).toMatchObject({ features: expect.arrayContaining(['invoices']) });
      const message = 'De Exact-gebruiker waarmee Koppel gekoppeld is mist het recht "Verkoopboekingen invoeren, wijzigen en verwijderen" in administratie 1234567 (nodig voor: Facturen naar Exact (verkoopboekingen)).';
      expect(page).toContain(message);
      expect(page).toContain('Stamgegevens → Overzicht | Gebruikers → de gebruiker → Rechten toekennen');
      expect(page).toMatch(/data-endpoint="salesentry\/SalesEntries" data-action="POST" data-state="missing"/);
      // the export's preflight reuses the finding: the invoice is blocked with the same message, nothing reaches Exact
      expect(await exportScreen()).toContain(message);
      const token = await csrf(admin, '/accounting/export');
      const run = await admin.post('/accounting/export/run').type('form').send({ _csrf: token, action: 'all', locationId: String(fx.locationId) });
      expect(run.status).toBe(303);
      await waitFor(async () => {
        const [row] = await db<{ state: string }>('select state from invoice_export where invoice_id = $1', [inv.id]);
        return row && row.state !== 'queued' && row.state !== 'sending' ? row.state : undefined;
      }, 'export decided', 60_000);
      expect((await db<{ state: string }>('select state from invoice_export where invoice_id = $1', [inv.id]))[0].state).toBe('blocked');
      expect(await exactEntries(x, D1, inv.number)).toHaveLength(0);
    } finally {
      await x.control('rights', { division: D1, endpoint: 'salesentry/SalesEntries', action: 'POST', allowed: true });
    }
    const { result } = await checkNow();
    expect(result.problems.filter((q) => q.code === 'right_missing')).toEqual([]);
  });

  it('a module missing from the package: a registered planning feature shows it, and its option cannot be switched on', async () => {
    const registry = t.app.get(HealthFeatureRegistry);
    registry.register({ key: 'test-orders', labelKey: 'connectionHealth.features.invoices', href: '/planning', enabled: async () => true, needs: [{ endpoint: 'salesorder/SalesOrders', action: 'GET', right: 'viewMasterData', module: 'Orders', keyField: 'OrderID' }] });
    await x.control('rights', { division: D1, module: 'Orders', allowed: false });
    try {
      const { result, page } = await checkNow();
      const p = result.problems.find((q) => q.code === 'module_missing')!;
      expect(p.features).toEqual(['test-orders']);
      expect(page).toContain('Het Exact-pakket van administratie 1234567 heeft geen module Orders');
      expect(page).toContain('Vraag uw Exact Online-leverancier de module Orders');
      await expect(t.inContext(() => registry.gate('test-orders'))).rejects.toMatchObject({ userMessageKey: 'connectionHealth.problems.module_missing', userMessageParams: expect.objectContaining({ module: 'Orders' }) });
    } finally {
      await x.control('rights', { division: D1, module: 'Orders', allowed: true });
      registry.unregister('test-orders');
    }
  });

  it('an option whose right is missing cannot be switched on: cost centres without "View financial master data" on hrm/Costcenters', async () => {
    await x.control('rights', { division: D1, endpoint: 'hrm/Costcenters', action: 'GET', allowed: false });
    try {
      const res = await admin.post('/accounting/cost-centers/settings').type('form').send({ _csrf: await csrf(admin, '/accounting/cost-centers'), costDimensionsEnabled: 'on' });
      expect(res.status).toBe(303);
      const page = (await admin.get('/accounting/cost-centers')).text.replace(/&quot;/g, '"');
      expect(page).toContain('mist het recht "Financiële stamgegevens bekijken" in administratie 1234567');
      const [row] = await db<{ value: unknown }>(`select value from ledger_setting where key = 'costDimensionsEnabled'`);
      expect(row?.value ?? false).toBe(false);
    } finally {
      await x.control('rights', { division: D1, endpoint: 'hrm/Costcenters', action: 'GET', allowed: true });
    }
  });

  it('a right the last check found missing keeps an option off: customers sent on every save need "Manage accounts"', async () => {
    await x.control('rights', { division: D1, endpoint: 'crm/Accounts', action: 'POST', allowed: false });
    try {
      await checkNow();
      const res = await admin.post('/customers/settings').type('form').send({ _csrf: await csrf(admin, '/customers/settings'), exactChanges: 'update', [`moment_${fx.locationId}`]: 'saved' });
      expect(res.status).toBe(303);
      const page = (await admin.get('/customers/settings')).text.replace(/&quot;/g, '"');
      expect(page).toContain('mist het recht "Relaties beheren" in administratie 1234567');
      expect((await db<{ customer_send_moment: string }>('select customer_send_moment from locations where id = $1', [fx.locationId]))[0].customer_send_moment).toBe('first_invoice');
    } finally {
      await x.control('rights', { division: D1, endpoint: 'crm/Accounts', action: 'POST', allowed: true });
    }
    await checkNow();
    const res = await admin.post('/customers/settings').type('form').send({ _csrf: await csrf(admin, '/customers/settings'), exactChanges: 'update', [`moment_${fx.locationId}`]: 'saved' });
    expect(res.status).toBe(303);
    expect((await db<{ customer_send_moment: string }>('select customer_send_moment from locations where id = $1', [fx.locationId]))[0].customer_send_moment).toBe('saved');
    await db(`update locations set customer_send_moment = 'first_invoice' where id = $1`, [fx.locationId]);
  });

  it('a GL account blocked in Exact after it was linked: shown with its fix, and invoices on it are refused with the same words', async () => {
    const [link] = await db<{ exact_id: string }>(`select l.exact_id from gl_account_link l join gl_account g on g.id = l.gl_account_id where g.number = '8000' and l.division = $1`, [D1]);
    await x.control('glaccounts', { division: D1, ID: link.exact_id, IsBlocked: true });
    try {
      const { result, page } = await checkNow();
      expect(result.problems.find((p) => p.code === 'gl_blocked')).toMatchObject({ params: expect.objectContaining({ number: '8000' }), href: `/accounting/gl-accounts?division=${D1}` });
      expect(page).toContain('Grootboekrekening 8000 is geblokkeerd in administratie 1234567.');
      expect(page).toContain('Deblokkeer hem in Exact');
      await finalInvoice(t, fx);
      expect(await exportScreen()).toContain('Grootboekrekening 8000 is geblokkeerd in administratie 1234567.');
    } finally {
      await x.control('glaccounts', { division: D1, ID: link.exact_id, IsBlocked: false });
    }
  });

  it('a missing financial year: final invoices of that year are named, and their export is refused with the same words', async () => {
    await finalInvoice(t, fx, { invoiceDate: '2019-03-01', dueDate: '2019-03-31' });
    const { result, page } = await checkNow();
    expect(result.problems.find((p) => p.code === 'period_missing')).toMatchObject({ ref: 'period:2019', params: expect.objectContaining({ year: 2019, invoices: 1 }) });
    expect(page).toContain('Boekjaar 2019 bestaat niet in administratie 1234567');
    expect(page).toContain('maak boekjaar 2019 aan');
    expect(await exportScreen()).toContain('Boekjaar 2019 bestaat niet in administratie 1234567');
  });

  it('a journal of the wrong type on a location: shown with a link to the location\'s Exact settings; its invoices are refused with the same words', async () => {
    await db(`update locations set sales_journal_code = '20' where id = $1`, [fx.locationId]);
    try {
      const { result, page } = await checkNow();
      expect(result.problems.find((p) => p.code === 'journal_type')).toMatchObject({ params: expect.objectContaining({ code: '20', type: 12 }), href: `/settings/locations/${fx.locationId}/exact` });
      expect(page).toContain('Dagboek 20 van locatie Vestiging UTR is geen verkoopdagboek in administratie 1234567 (type 12).');
      expect(page).toContain(`href="/settings/locations/${fx.locationId}/exact"`);
      expect(await exportScreen()).toContain('Dagboek 20 van locatie Vestiging UTR is geen verkoopdagboek in administratie 1234567 (type 12).');
    } finally {
      await db(`update locations set sales_journal_code = '70' where id = $1`, [fx.locationId]);
    }
  });

  it('the dashboard lists the administrations with problems', async () => {
    const [row] = await db<{ problem_count: number }>('select problem_count from connection_health where division = $1', [D1]);
    expect(row.problem_count).toBeGreaterThan(0); // the invoice of 2019 still waits for its financial year
    const page = await admin.get('/');
    expect(page.text).toContain(`data-health-division="${D1}"`);
    expect(page.text).toContain(`Administratie ${D1}: ${row.problem_count} problem`);
  });

  it('runs again by itself when a location\'s Exact settings are saved', async () => {
    const [before] = await db<{ checked_at: Date }>('select checked_at from connection_health where division = $1', [D1]);
    const token = await csrf(admin, `/settings/locations/${fx.locationId}/exact`);
    const res = await admin.post(`/settings/locations/${fx.locationId}/exact`).type('form').send({ _csrf: token, exactDivision: String(D1), salesJournalCode: '71', creditJournalCode: '75' });
    expect(res.status).toBe(303);
    try {
      const result = await waitFor(async () => {
        const [row] = await db<{ checked_at: Date; result: HealthResult }>('select checked_at, result from connection_health where division = $1', [D1]);
        return row.checked_at.getTime() > before.checked_at.getTime() ? row.result : undefined;
      }, 'health check after the location was saved', 60_000);
      // journal 71 (Verkoopboek export) is a sales journal: nothing to say about it
      expect(result.problems.filter((p) => p.code.startsWith('journal'))).toEqual([]);
      expect((await db<{ last_trigger: string }>(`select last_trigger from sync_state where division = $1 and resource = 'connection-health'`, [D1]))[0].last_trigger).toBe('location');
    } finally {
      await db(`update locations set sales_journal_code = '70' where id = $1`, [fx.locationId]);
    }
  });

  it('says when Koppel\'s side changed after the last check (the cached result may be out of date)', async () => {
    const { page } = await checkNow();
    expect(page).not.toContain('data-stale="true"');
    await db(`update vat_mapping set updated_at = (select checked_at from connection_health where division = $1) + interval '1 second' where division = $1`, [D1]);
    const after = (await admin.get('/settings/integrations/exact/health')).text;
    expect(after).toContain('data-stale="true"');
    expect(after).toContain('zijn gewijzigd na deze controle');
    await db(`update vat_mapping set updated_at = (select checked_at from connection_health where division = $1) - interval '1 second' where division = $1`, [D1]);
    expect((await admin.get('/settings/integrations/exact/health')).text).not.toContain('data-stale="true"');
  });

  it('in a real browser: "Check now" updates the page by itself, and at phone width nothing scrolls sideways (nl and en)', async () => {
    let browser: Browser | undefined;
    try {
      const session = await browserLoggedIn(t, adminLogin, 1280);
      browser = session.browser;
      const { page, base, errors } = session;
      await page.goto(`${base}/settings/integrations/exact/health`);
      const before = await page.$eval(`#division-${D1}`, (el) => el.getAttribute('data-checked-at'));
      await Promise.all([page.waitForNavigation(), page.$eval(`#division-${D1} form button[type=submit]`, (b) => (b as HTMLButtonElement).click())]);
      expect(await page.content()).toContain('De controle van 1 administratie is gestart');
      // the results poll themselves while the check runs and show the new time when it is done, without a reload
      await page.waitForFunction((sel, old) => !document.querySelector('#health-results[data-polling]') && document.querySelector(sel)?.getAttribute('data-checked-at') !== old, { timeout: 60_000, polling: 250 }, `#division-${D1}`, before);
      mkdirSync('test-output/connection-health', { recursive: true });
      for (const lang of ['nl', 'en'] as const) {
        await page.goto(`${base}/settings/integrations/exact/health`);
        await Promise.all([page.waitForNavigation(), page.$eval(`.lang-switch button[value=${lang}]`, (b) => (b as HTMLButtonElement).click())]);
        expect(await page.$eval('h1', (h) => h.textContent)).toBe(lang === 'nl' ? 'Gezondheid van de Exact-koppeling' : 'Exact Online health');
        for (const width of [1280, 390]) {
          await page.setViewport({ width, height: 900 });
          await page.goto(`${base}/settings/integrations/exact/health`);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          expect([lang, width, overflow]).toEqual([lang, width, 0]);
          await page.screenshot({ path: `test-output/connection-health/health-${lang}-${width}.png`, fullPage: true });
        }
      }
      expect(errors).toEqual([]);
    } finally {
      await browser?.close();
    }
  }, 180_000); // Chromium, a check (its own deadline is 60 s) and eight page loads: more than jest's 60 s on a loaded machine

  it('a full check with every feature on, counted by the sandbox: the nightly run reuses the rights Exact allowed and takes at most 10 calls', async () => {
    // every feature on for D1: cost centres on invoice lines, every planning option, every outgoing switch, transactions
    const options = Object.fromEntries(PLANNING_OPTIONS.map((o) => [o, true]));
    await db(`insert into ledger_setting (key, value) values ('costDimensionsEnabled', 'true'::jsonb), ('invoiceLinesCarryCostDimensions', 'true'::jsonb) on conflict (key) do update set value = 'true'::jsonb`);
    await db(`insert into planning_settings (division, options) values ($1, $2::jsonb) on conflict (division) do update set options = excluded.options`, [D1, JSON.stringify(options)]);
    await db(`insert into planning_outgoing_settings (division, production_order_outbound, shop_order_time, shop_order_planned_date, project_outbound, sales_order_outbound, sales_order_delivery_date) values ($1, true, true, true, true, true, true)`, [D1]);
    await db(`insert into transaction_location_settings (location_id, cash_journal_code, misc_journal_code, debtors_gl_account_id) values ($1, '20', '90', $2)`, [fx.locationId, fx.glAccountId]);
    // the check's calls: everything but the webhook subscriptions, which the engine may look after at any moment
    const CHECK = { division: D1, endpoint: /^(?!webhooks\/)/ };
    const counted = async (start: () => Promise<unknown>) => {
      const before = { all: await x.requests(CHECK), asked: await x.requests({ division: D1, endpoint: 'users/userhasrights' }), refused: await x.requests({ division: D1, status: 403 }) };
      const result = await checked(D1, start);
      return { result, calls: (await x.requests(CHECK)) - before.all, asked: (await x.requests({ division: D1, endpoint: 'users/userhasrights' })) - before.asked, refused: (await x.requests({ division: D1, status: 403 })) - before.refused };
    };
    const nightly = () => counted(() => t.app.get(SyncService).enqueue(D1, 'connection-health', 'schedule'));
    const endpointsOf = (r: HealthResult) => new Set(r.features.filter((f) => f.enabled).flatMap((f) => f.needs.map((n) => `${n.endpoint}|${n.action}`)));
    const missingModules = (r: HealthResult) => new Set(r.problems.filter((p) => p.code === 'module_missing').map((p) => p.params.module));
    try {
      // cold ("Check now"): one users/UserHasRights per Exact right, not per endpoint × action; one refused read per
      // missing module, whose other rights follow without a question
      const cold = await counted(() => checkNow());
      expect(cold.result.features.filter((f) => !f.enabled).map((f) => f.key)).toEqual([]);
      expect(cold.result.error).toBeUndefined();
      expect(cold.calls).toBe(cold.result.calls);
      expect(cold.asked).toBeLessThan(endpointsOf(cold.result).size);
      expect(cold.refused).toBe(missingModules(cold.result).size);
      expect(missingModules(cold.result)).toEqual(new Set(['Projects']));
      expect(cold.result.rightsAskedAt).toBeUndefined();

      // the nightly run: the master data is read again, the rights Exact allowed are not asked again, a refusal is
      // (one question per missing module, no second refused read)
      const warm = await nightly();
      expect(warm.calls).toBeLessThanOrEqual(10);
      expect(warm.calls).toBe(warm.result.calls);
      expect(warm.asked).toBe(missingModules(cold.result).size);
      expect(warm.refused).toBe(0);
      expect(warm.result.problems).toEqual(cold.result.problems);
      // the page says how old the rights it shows are
      expect(Date.parse(warm.result.rightsAskedAt!)).toBeLessThan(Date.parse(warm.result.checkedAt));
      const page = (await admin.get('/settings/integrations/exact/health')).text;
      expect(page).toContain(`data-rights-asked-at="${warm.result.rightsAskedAt}"`);
      expect(page).toMatch(/rechten zoals Exact ze gaf op|rights as Exact answered them on/); // the browser test above may have switched the admin to English
    } finally {
      await db(`delete from transaction_location_settings where location_id = $1`, [fx.locationId]);
      await db(`delete from planning_outgoing_settings where division = $1`, [D1]);
      await db(`delete from planning_settings where division = $1`, [D1]);
      await db(`delete from ledger_setting where key in ('costDimensionsEnabled', 'invoiceLinesCarryCostDimensions')`);
    }
  }, 180_000);

  it('a "yes" Exact gave is kept until Exact refuses a call Koppel makes: the next nightly run asks that right again and finds it missing', async () => {
    const nightly = () => checked(D1, () => t.app.get(SyncService).enqueue(D1, 'connection-health', 'schedule'));
    expect((await nightly()).problems.filter((p) => p.code === 'right_missing')).toEqual([]);
    await x.control('rights', { division: D1, endpoint: 'salesentry/SalesEntries', action: 'POST', allowed: false });
    try {
      const asked = await x.requests({ division: D1, endpoint: 'users/userhasrights' });
      // nothing told Koppel yet: the answer Exact gave is still believed (no question asked)
      expect((await nightly()).problems.filter((p) => p.code === 'right_missing')).toEqual([]);
      expect(await x.requests({ division: D1, endpoint: 'users/userhasrights' })).toBe(asked);
      await finalInvoice(t, fx);
      const run = await admin.post('/accounting/export/run').type('form').send({ _csrf: await csrf(admin, '/accounting/export'), action: 'all', locationId: String(fx.locationId) });
      expect(run.status).toBe(303);
      await waitFor(async () => (await x.requests({ division: D1, endpoint: 'salesentry/salesentries', method: 'POST', status: 403 })) > 0 || undefined, 'the export refused by Exact', 60_000);
      const after = await nightly();
      expect(after.problems.find((p) => p.code === 'right_missing')).toMatchObject({ params: expect.objectContaining({ endpoint: 'salesentry/SalesEntries', action: 'POST' }), features: expect.arrayContaining(['invoices']) });
      expect(await x.requests({ division: D1, endpoint: 'users/userhasrights' })).toBe(asked + 1);
    } finally {
      await x.control('rights', { division: D1, endpoint: 'salesentry/SalesEntries', action: 'POST', allowed: true });
    }
  }, 240_000); // three checks and an export, each waited for with a 60 s deadline
});
