import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { csrf, startTestApp, type Agent, type TestApp } from '../support/app.js';
import { connectExact, startExactSandbox, type ExactTestEnv } from '../support/exact.js';
import { sql, SYNC_TEST_ENV, waitFor } from '../support/sync.js';
import { ExactClient } from '../../src/exact/exact.client.js';
import { LedgersService } from '../../src/modules/ledgers/ledgers.service.js';
import { LedgerPagesService } from '../../src/modules/ledgers/ledger-pages.service.js';

const D1 = 1234567;
const D2 = 2345678;
const D3 = 3456789;

let x: ExactTestEnv;
let t: TestApp;
let admin: Agent;

beforeAll(async () => {
  x = await startExactSandbox();
  t = await startTestApp({ ...x.env, ...SYNC_TEST_ENV });
  const a = await t.createUser('admin');
  admin = await t.login(a.email, a.password);
}, 120_000);

afterAll(async () => {
  await t?.close();
  await x?.close();
});

const db = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(t.db.url, text, params);
/** Requests the sandbox received on an endpoint (its own counter; lower-case path after the division). */
const calls = (endpoint: string | RegExp, division?: number) => x.requests({ endpoint, division });

/** Posts a form (with CSRF) and returns the response. */
async function post(path: string, body: Record<string, unknown>, page = '/accounting', htmx = false) {
  const token = await csrf(admin, page);
  const req = admin.post(path).type('form');
  if (htmx) req.set('HX-Request', 'true');
  return req.send({ _csrf: token, ...body });
}

/** Waits until the latest import of a division × resource is done (or failed) and returns it. */
async function finished(division: number, resource: string) {
  return waitFor(async () => {
    const [row] = await db<Record<string, unknown>>('select * from ledger_import where division = $1 and resource = $2 order by id desc limit 1', [division, resource]);
    return row && (row.status === 'done' || row.status === 'failed') ? row : undefined;
  }, `${resource}:${division} finished`, 30_000);
}

async function runImport(path: string, body: Record<string, unknown>, division: number, resource: string) {
  const res = await post(path, { division, ...body });
  expect(res.status).toBe(303);
  const row = await finished(division, resource);
  expect(row.error ?? null).toBeNull();
  expect(row.status).toBe('done');
  return row;
}

const glStatus = async (number: string, division: number) =>
  (await db<{ status: string }>('select l.status from gl_account_link l join gl_account a on a.id = l.gl_account_id where a.number = $1 and l.division = $2', [number, division]))[0]?.status;

describe('before Exact is connected', () => {
  it('shows the Accounting landing page with tabs and a clear message', async () => {
    const page = await admin.get('/accounting');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Grootboekrekeningen');
    expect(page.text).toContain('href="/accounting/export"');
    expect(page.text).toContain('Exact Online is niet gekoppeld');
  });

  it('refuses an import with "not connected"', async () => {
    const res = await post('/accounting/gl-accounts/import', { division: D1 }, '/accounting/gl-accounts');
    expect(res.status).toBe(303);
    const page = await admin.get(res.headers.location);
    expect(page.text).toContain('Exact Online is niet gekoppeld');
    expect(Number((await db<{ n: string }>('select count(*) n from ledger_import'))[0].n)).toBe(0);
  });
});

describe('with Exact connected (divisions 1234567 and 2345678 granted)', () => {
  beforeAll(async () => {
    const res = await connectExact(x, admin, [D1, D2]);
    expect(res.status).toBe(303);
  }, 60_000);

  it('says clearly when a division is not granted', async () => {
    const res = await post('/accounting/gl-accounts/import', { division: D3 }, '/accounting/gl-accounts', true);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Administratie 3456789 is niet vrijgegeven');
  });

  it('imports the revenue GL accounts through the sync endpoint in one call, no duplicates on repeat', async () => {
    const before = await calls('sync/financial/glaccounts');
    const first = await runImport('/accounting/gl-accounts/import', {}, D1, 'gl-accounts');
    const revenue = Number((await db<{ n: string }>('select count(*) n from gl_account where exact_type = 110'))[0].n);
    expect(revenue).toBeGreaterThanOrEqual(20);
    expect(Number(first.created)).toBe(revenue);
    expect(Number((await db<{ n: string }>('select count(*) n from gl_account'))[0].n)).toBe(revenue); // only revenue
    expect(Number(first.skipped_count)).toBeGreaterThan(300); // the other ~385 accounts, with the reason
    expect(JSON.stringify(first.skipped)).toContain('ledgers.skip.notRevenue');
    expect((await calls('sync/financial/glaccounts')) - before).toBe(1);
    expect(Number(first.api_calls)).toBe(1); // what the summary reports is what Exact received
    expect(await glStatus('8000', D1)).toBe('linked');
    expect(await glStatus('8015', D1)).toBe('blocked');

    const again = await runImport('/accounting/gl-accounts/import', {}, D1, 'gl-accounts');
    expect(Number(again.created)).toBe(0);
    expect(Number(again.unchanged)).toBe(revenue);
    expect(Number((await db<{ n: string }>('select count(*) n from gl_account'))[0].n)).toBe(revenue);

    // the summary, the page and the sync history show it
    const page = await admin.get(`/accounting/gl-accounts?division=${D1}`);
    expect(page.text).toContain('Klaar: 0 nieuw');
    expect(page.text).toContain('Geblokkeerd in Exact');
    const runs = await db<{ resource: string; status: string; api_calls: number }>("select * from sync_run where resource = 'gl-accounts' and division = $1", [D1]);
    expect(runs.length).toBe(2);
    expect(runs.every((r) => r.status === 'ok')).toBe(true);
    const history = await admin.get(`/sync/history?division=${D1}&resource=gl-accounts`);
    expect(history.status).toBe(200);
  });

  it('imports all types on request, ~405 accounts still in one call', async () => {
    const before = await calls(/glaccounts/, D1);
    const row = await runImport('/accounting/gl-accounts/import', { allTypes: 'on' }, D1, 'gl-accounts');
    const total = Number((await db<{ n: string }>('select count(*) n from gl_account'))[0].n);
    expect(total).toBeGreaterThan(380);
    expect(Number(row.created) + Number(row.unchanged) + Number(row.updated)).toBeGreaterThanOrEqual(total);
    expect((await calls(/glaccounts/, D1)) - before).toBe(1);
    expect(Number(row.api_calls)).toBe(1);
  });

  it('links a hand-made account by number on "Synchronise accounts", flags blocked and vanished ones', async () => {
    // an account Exact has but Koppel does not import (made in Exact now), and one Exact never had
    await x.control('glaccounts', { division: D2, Code: '8123', Description: 'Omzet workshops', Type: 110 });
    let res = await post('/accounting/gl-accounts', { number: '8123', name: 'Workshops (Koppel)', analytic: 'on' }, '/accounting/gl-accounts/new');
    expect(res.status).toBe(303);
    res = await post('/accounting/gl-accounts', { number: '8999', name: 'Only in Koppel' }, '/accounting/gl-accounts/new');
    expect(res.status).toBe(303);
    const dup = await post('/accounting/gl-accounts', { number: '8123', name: 'again' }, '/accounting/gl-accounts/new');
    expect(dup.status).toBe(422);

    const sync = await runImport('/accounting/gl-accounts/synchronise', {}, D2, 'gl-accounts');
    expect(Number(sync.created)).toBe(0); // synchronise never creates accounts
    expect(await glStatus('8123', D2)).toBe('linked');
    expect(await glStatus('8999', D2)).toBe('missing');
    expect(await glStatus('8095', D2)).toBe('blocked');
    const [acc] = await db<{ name: string; analytic: boolean }>("select name, analytic from gl_account where number = '8123'");
    expect(acc).toEqual({ name: 'Workshops (Koppel)', analytic: true }); // local name kept, nothing sent to Exact

    // Exact blocks 8123, then deletes it: blocked, then flagged (not deleted)
    const client = t.app.get(ExactClient).division(D2);
    const [exact] = await client.glAccounts.all({ filter: "Code eq '8123'", select: ['ID', 'Code'] });
    await x.control('glaccounts', { division: D2, ID: exact.ID, IsBlocked: true });
    await runImport('/accounting/gl-accounts/synchronise', {}, D2, 'gl-accounts');
    expect(await glStatus('8123', D2)).toBe('blocked');
    await client.glAccounts.delete(exact.ID);
    await runImport('/accounting/gl-accounts/synchronise', {}, D2, 'gl-accounts');
    expect(await glStatus('8123', D2)).toBe('missing');
    expect((await db("select id from gl_account where number = '8123'")).length).toBe(1);

    // Koppel never wrote a GL account to Exact: the sandbox received exactly one write on any GL account endpoint
    // of any division, and that is this test's own DELETE above
    expect(await x.requests({ endpoint: /glaccounts/, method: 'write' })).toBe(1);
    expect(await x.requests({ endpoint: 'financial/glaccounts', method: 'DELETE', division: D2 })).toBe(1);

    const lookup = await t.inContext(() => t.app.get(LedgersService).exportLookup(D2));
    const id = Number((await db<{ id: number }>("select id from gl_account where number = '8123'"))[0].id);
    expect(lookup.checkGlAccount(id)?.code).toBe('gl_account_missing');
    const id8000 = Number((await db<{ id: number }>("select id from gl_account where number = '8000'"))[0].id);
    expect(lookup.checkGlAccount(id8000)).toBeUndefined();
    expect(lookup.glAccounts.get(id8000)?.exactId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('imports every journal once (one call), a repeat adds only new ones', async () => {
    const before = await calls('financial/journals');
    const first = await runImport('/accounting/journals/import', {}, D1, 'journals');
    expect(Number(first.created)).toBe(30);
    expect((await calls('financial/journals')) - before).toBe(1);
    const client = t.app.get(ExactClient).division(D1);
    await client.journals.create({ Code: '77', Description: 'Verkoop webshop', Type: 20 });
    const again = await runImport('/accounting/journals/import', {}, D1, 'journals');
    expect(Number(again.created)).toBe(1);
    expect(Number(again.unchanged)).toBe(30);
    const [j] = await db<{ code: string; type: number; blocked: boolean }>("select code, type, blocked from journal where division = $1 and code = '79'", [D1]);
    expect(j.blocked).toBe(true);
    const page = await admin.get(`/accounting/journals?division=${D1}`);
    expect(page.text).toContain('Verkoopboek');
  });

  it('imports VAT codes, maps Koppel rates automatically and reports unmapped rates as preflight problems', async () => {
    await runImport('/accounting/vat/import', {}, D1, 'vat-codes');
    const svc = t.app.get(LedgersService);
    const rates = await db<{ id: number; name: string }>('select id, name from vat_rate order by sort_order');
    const byName = Object.fromEntries(rates.map((r) => [r.name, Number(r.id)]));
    let lookup = await svc.exportLookup(D1);
    expect(lookup.vatCodes.get(byName['21 %'])).toBe('2');
    expect(lookup.vatCodes.get(byName['9 %'])).toBe('1');
    expect(lookup.vatCodes.get(byName['Verlegd'])).toBe('5');
    expect(lookup.vatCodes.get(byName['0 %'])).toBe('0');
    // NL has no 12 %: a preflight problem
    const p = await svc.preflightVatRate(D1, byName['12 %']);
    expect(p?.code).toBe('vat_unmapped');
    expect(lookup.problems.some((x) => x.code === 'vat_unmapped')).toBe(true);
    // a person maps 12 % to nothing valid → 422; unmapping 21 % makes it a problem
    const bad = await post('/accounting/vat/mapping', { division: D1, [`rate_${byName['12 %']}`]: 'ZZ' }, `/accounting/vat?division=${D1}`);
    expect(bad.status).toBe(422);
    const ok = await post('/accounting/vat/mapping', { division: D1, [`rate_${byName['21 %']}`]: '' }, `/accounting/vat?division=${D1}`);
    expect(ok.status).toBe(303);
    lookup = await svc.exportLookup(D1);
    expect(lookup.checkVatRate(byName['21 %'])?.code).toBe('vat_unmapped');
    await post('/accounting/vat/mapping', { division: D1, [`rate_${byName['21 %']}`]: '2' }, `/accounting/vat?division=${D1}`);
    expect((await svc.exportLookup(D1)).checkVatRate(byName['21 %'])).toBeUndefined();
    expect(lookup.checkJournal('70')).toBeUndefined();
    expect(lookup.checkJournal('79')?.code).toBe('journal_blocked');
    expect(lookup.checkJournal('55')?.code).toBe('journal_unknown');
    const page = await admin.get(`/accounting/vat?division=${D1}`);
    expect(page.text).toContain('heeft geen btw-code in administratie');
  });

  it('cost centres: off by default; imported with duplicate check; made in Koppel and pushed to Exact once', async () => {
    const off = await runImport('/accounting/cost-centers/import', {}, D1, 'cost-centers');
    expect(JSON.stringify(off.skipped)).toContain('costDisabled');
    let res = await post('/accounting/cost-centers/settings', { costDimensionsEnabled: 'on', invoiceLinesCarryCostDimensions: 'on' }, '/accounting/cost-centers');
    expect(res.status).toBe(303);
    const imp = await runImport('/accounting/cost-centers/import', {}, D1, 'cost-centers');
    expect(Number(imp.created)).toBe(11); // 6 centres + 5 units
    const again = await runImport('/accounting/cost-centers/import', {}, D1, 'cost-centers');
    expect(Number(again.created)).toBe(0);
    expect(Number(again.unchanged)).toBe(11);

    res = await post('/accounting/cost-centers', { kind: 'center', code: 'WS01', description: 'Werkplaats' }, '/accounting/cost-centers');
    expect(res.status).toBe(303);
    res = await post('/accounting/cost-centers', { kind: 'unit', code: 'PRJ9', description: 'Project 9' }, '/accounting/cost-centers');
    expect(res.status).toBe(303);
    const push = await runImport('/accounting/cost-centers/push', {}, D1, 'cost-centers');
    expect(Number(push.created)).toBe(2);
    const client = t.app.get(ExactClient).division(D1);
    expect((await client.costCenters.all({ filter: "Code eq 'WS01'", select: ['ID'] })).length).toBe(1);
    expect((await client.costUnits.all({ filter: "Code eq 'PRJ9'", select: ['ID'] })).length).toBe(1);
    const repeat = await runImport('/accounting/cost-centers/push', {}, D1, 'cost-centers');
    expect(Number(repeat.created)).toBe(0);
    expect((await client.costCenters.all({ filter: "Code eq 'WS01'", select: ['ID'] })).length).toBe(1);
    const lookup = await t.app.get(LedgersService).exportLookup(D1);
    expect(lookup.checkCostCenter('WS01')).toBeUndefined();
    expect(lookup.checkCostUnit('NOPE')?.code).toBe('cost_unit_unknown');
    expect(lookup.settings.invoiceLinesCarryCostDimensions).toBe(true);
  });

  it('a location chooses its administration and sales journals; a change asks for confirmation, then re-synchronises', async () => {
    await sql(t.db.url, `insert into locations (name, code, street, house_number, postcode, city, country) values ('Utrecht', 'UTR', 'Straat', '1', '3511 AB', 'Utrecht', 'NL')`);
    const [loc] = await db<{ id: number }>("select id from locations where code = 'UTR'");
    const path = `/settings/locations/${loc.id}/exact`;
    const form = await admin.get(path);
    expect(form.status).toBe(200);
    expect(form.text).toContain('Van Dijk Installatietechniek B.V. (1234567)');
    let res = await post(path, { exactDivision: D1 }, path); // first assignment: no confirmation
    expect(res.status).toBe(303);
    res = await post(path, { exactDivision: D1, salesJournalCode: '70', creditJournalCode: '75' }, path);
    expect(res.status).toBe(303);
    const bad = await post(path, { exactDivision: D1, salesJournalCode: '79' }, path); // blocked
    expect(bad.status).toBe(422);
    const svc = t.app.get(LedgersService);
    expect(await svc.salesJournalFor(loc.id, 'invoice')).toBe('70');
    expect(await svc.salesJournalFor(loc.id, 'credit')).toBe('75');

    const runsBefore = Number((await db<{ n: string }>("select count(*) n from sync_run where division = $1 and resource = 'gl-accounts'", [D2]))[0].n);
    const confirm = await post(path, { exactDivision: D2, salesJournalCode: '70', creditJournalCode: '75' }, path);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('wijzigt van Van Dijk Installatietechniek B.V. (1234567) naar De Groot Advies &amp; Projecten B.V. (2345678)');
    expect((await db<{ exact_division: number }>('select exact_division from locations where id = $1', [loc.id]))[0].exact_division).toBe(D1);

    res = await post(path, { exactDivision: D2, salesJournalCode: '70', creditJournalCode: '75', confirm: 'on' }, path);
    expect(res.status).toBe(303);
    const [after] = await db<{ exact_division: number; sales_journal_code: string | null }>('select exact_division, sales_journal_code from locations where id = $1', [loc.id]);
    expect(after.exact_division).toBe(D2);
    expect(after.sales_journal_code).toBeNull(); // D2's journals were not imported yet: the old code is dropped
    const sync = await finished(D2, 'gl-accounts');
    expect(sync.mode).toBe('synchronise');
    await waitFor(async () => Number((await db<{ n: string }>("select count(*) n from sync_run where division = $1 and resource = 'gl-accounts' and status = 'ok'", [D2]))[0].n) > runsBefore, 'resync ran');
    await finished(D2, 'journals');
    expect(Number((await db<{ n: string }>('select count(*) n from journal where division = $1', [D2]))[0].n)).toBe(30);
    const page = await admin.get(path);
    expect(page.text).toContain('Verkoopboek');
  });

  it('the journal choices keep reloading until they show the journals an import is committing at that moment', async () => {
    // a location in an administration whose journals import is running
    await db(`insert into locations (name, code, street, house_number, postcode, city, country, exact_division) values ('Amersfoort', 'AMF', 'Straat', '1', '3811 AA', 'Amersfoort', 'NL', $1)`, [D3]);
    const [loc] = await db<{ id: number }>("select id from locations where code = 'AMF'");
    await db(`insert into ledger_import (division, resource, mode, status, trigger, skipped) values ($1, 'journals', 'import', 'running', 'location', '[]')`, [D3]);
    // the import commits its journals and its end together, while the page reads; the import's state is held until
    // every other read of the page has had its turn
    const importer = new pg.Client({ connectionString: t.db.url });
    await importer.connect();
    try {
      await importer.query('begin');
      await importer.query(`insert into journal (division, code, description, type) values ($1, '70', 'Verkoopboek', 20)`, [D3]);
      await importer.query(`update ledger_import set status = 'done', finished_at = now() where division = $1 and resource = 'journals'`, [D3]);
      await importer.query('lock table ledger_import in access exclusive mode');
      const page = t.inContext(() => t.app.get(LedgerPagesService).locationExact(loc.id));
      await waitFor(async () => {
        const { rows } = await importer.query<{ waiting: string; reading: string }>(
          `select (select count(*) from pg_locks l join pg_class c on c.oid = l.relation where c.relname = 'ledger_import' and not l.granted) as waiting,
                  (select count(*) from pg_stat_activity where pid <> pg_backend_pid() and state = 'active' and query ilike '%from "journal"%') as reading`,
        );
        return Number(rows[0].waiting) > 0 && Number(rows[0].reading) === 0;
      }, 'the page waiting for the import\'s state', 60_000);
      await importer.query('commit');
      const view = await page;
      // seen finished, so its journals are there: never "no journals" without reloading any more
      expect({ journals: view.salesJournals.map((j) => j.code), pending: view.journalsPending }).toEqual({ journals: ['70'], pending: false });
    } finally {
      await importer.end();
    }
  });

  it('the whole import of a division costs a handful of API calls', async () => {
    // counted by the sandbox: every request on these endpoints for D2 in this file (imports, re-synchronisations
    // and this file's own look-up and delete of a GL account)
    expect(await calls(/journals$/, D2)).toBeLessThanOrEqual(2);
    expect(await calls(/vatcodes$/, D2)).toBeLessThanOrEqual(2);
    expect(await calls(/(glaccounts|journals|vatcodes)$/, D2)).toBeLessThanOrEqual(8);
  });
});
