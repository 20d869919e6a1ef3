import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { csrf, startTestApp, type Agent, type TestApp } from '../support/app.js';
import { connectExact, startExactSandbox, type ExactTestEnv } from '../support/exact.js';
import { SYNC_TEST_ENV, sql, waitFor } from '../support/sync.js';
import { ExactClient } from '../../src/exact/exact.client.js';
import { f } from '../../src/exact/odata.js';
import type { ExactAccount } from '../../src/exact/exact.types.js';
import { CustomersService } from '../../src/modules/customers/customers.service.js';
import { CustomerExportService } from '../../src/modules/customers/customer-export.service.js';
import { CustomerConflictError, CustomerNotSendableError } from '../../src/modules/customers/customers.errors.js';
import { SyncService } from '../../src/modules/sync/sync.service.js';

let x: ExactTestEnv;
let t: TestApp;
let admin: Agent;
const D1 = 1234567;
const D2 = 2345678;
const D3 = 3456789;
const loc: Record<string, number> = {};

const db = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(t.db.url, text, params);
const client = () => t.app.get(ExactClient);
const customers = () => t.app.get(CustomersService);
const exporter = () => t.app.get(CustomerExportService);
const SELECT = ['ID', 'Code', 'Name', 'AddressLine1', 'Postcode', 'City', 'Country', 'Email', 'Phone', 'VATNumber', 'ChamberOfCommerce'];
const byCode = async (division: number, code: string) => (await client().division(division).accounts.all({ filter: f.code('Code', code), select: SELECT }))[0];
const byId = async (division: number, id: string) => (await client().division(division).accounts.all({ filter: f.guid('ID', id), select: SELECT }))[0];
/** Requests the sandbox received from Koppel's OAuth client (the sandbox's own counter). */
const apiCalls = () => x.requests();
const customerByNumber = async (number: string) => (await db<Record<string, unknown>>('select * from customers where number = $1', [number]))[0];
const linkOf = async (customerId: unknown, division: number) =>
  (await db<Record<string, unknown>>('select * from customer_exact_links where customer_id = $1 and division = $2', [customerId, division]))[0];

async function addLocation(code: string, division: number | null, moment: 'saved' | 'first_invoice'): Promise<number> {
  const rows = await db<{ id: number }>(
    `insert into locations (name, code, street, house_number, postcode, city, country, exact_division, customer_send_moment)
     values ($1, $2, 'Stationsweg', '1', '3511 AA', 'Utrecht', 'NL', $3, $4) returning id`,
    [`Vestiging ${code}`, code, division, moment],
  );
  return rows[0].id;
}

async function post(path: string, form: Record<string, unknown>, from = '/customers/new') {
  return admin.post(path).type('form').send({ _csrf: await csrf(admin, from), ...form });
}

const address = { street: 'Kerkstraat', houseNumber: '12', postcode: '1234 AB', city: 'Amersfoort', country: 'NL' };

beforeAll(async () => {
  x = await startExactSandbox();
  await x.control('limits', { minutely: 100000, daily: 1000000 });
  t = await startTestApp({ ...x.env, ...SYNC_TEST_ENV });
  const a = await t.createUser('admin');
  admin = await t.login(a.email, a.password);
  const res = await connectExact(x, admin, 'all');
  expect(res.status).toBeLessThan(400);
  loc.none = await addLocation('NONE', null, 'saved');
  loc.search = await addLocation('ZOEK', D1, 'first_invoice');
  loc.save = await addLocation('OPSLAAN', D1, 'saved');
  loc.invoice = await addLocation('FACTUUR', D2, 'first_invoice');
  loc.sync = await addLocation('SYNC', D3, 'first_invoice');
}, 120_000);

afterAll(async () => {
  await t?.close();
  await x?.close();
});

describe('customers in Koppel', () => {
  it('creates business and private customers, checks the VAT number per country, lists with search, sort and paging', async () => {
    const list = await admin.get('/customers');
    expect(list.status).toBe(200);
    expect(list.text).toContain('Klant toevoegen');

    const bad = await post('/customers', { type: 'business', name: 'Foute BV', ...address, vatNumber: 'BE0123456789', locationId: loc.none });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('geen geldig btw-nummer');
    expect(bad.text).toContain('Foute BV');

    const ok = await post('/customers', { type: 'business', name: 'Bakkerij Zoet', contactPerson: 'Els Zoet', ...address, vatNumber: 'nl 8588.12.345 b01', cocNumber: '12345678', email: 'els@zoet.example', phone: '033-1234567', locationId: loc.none });
    expect(ok.status).toBe(303);
    const page = await admin.get(ok.headers.location);
    expect(page.text).toContain('Bakkerij Zoet');
    expect(page.text).toContain('NL858812345B01');
    expect(page.text).toContain('Nog niet gekoppeld');

    const priv = await post('/customers', { type: 'private', name: 'Jan de Vries', locationId: loc.none, country: 'NL' });
    expect(priv.status).toBe(303);

    const half = await post('/customers', { type: 'private', name: 'Half Adres', street: 'Dorpsstraat', country: 'NL', locationId: loc.none });
    expect(half.status).toBe(422);

    const search = await admin.get('/customers?q=zoet').set('HX-Request', 'true');
    expect(search.text).not.toContain('<html');
    expect(search.text).toContain('Bakkerij Zoet');
    expect(search.text).not.toContain('Jan de Vries');
    const sorted = await admin.get('/customers?sort=name&dir=desc&size=10');
    expect(sorted.text.indexOf('Jan de Vries')).toBeLessThan(sorted.text.indexOf('Bakkerij Zoet'));
  });
});

describe('search in Exact Online and import', () => {
  let account: ExactAccount;

  it('finds an account by name, code or VAT number in the location division and imports it; a second import opens the existing customer', async () => {
    account = (await byCode(D1, '1005'))!;
    const word = account.Name.split(' ')[0];
    const byName = await admin.get(`/customers/exact-search?locationId=${loc.search}&q=${encodeURIComponent(word)}`).set('HX-Request', 'true');
    expect(byName.status).toBe(200);
    expect(byName.text).toContain(account.Name.replace(/&/g, '&amp;'));
    const byCodeRes = await admin.get(`/customers/exact-search?locationId=${loc.search}&q=1005`);
    expect(byCodeRes.text).toContain('Importeren als zakelijke klant');
    const byVat = await admin.get(`/customers/exact-search?locationId=${loc.search}&q=${encodeURIComponent(account.VATNumber!)}`);
    expect(byVat.text).toContain('<code>1005</code>');
    const noDivision = await admin.get(`/customers/exact-search?locationId=${loc.none}&q=abc`);
    expect(noDivision.text).toContain('nog niet gekoppeld aan een Exact Online-administratie');

    const imp = await post('/customers/import', { locationId: loc.search, exactId: account.ID, type: 'business' });
    expect(imp.status).toBe(303);
    const c = await customerByNumber('1005');
    expect(c).toMatchObject({ name: account.Name, type: 'business', vat_number: account.VATNumber });
    expect(c.contact_person).toBeTruthy();
    expect((await linkOf(c.id, D1)).exact_id).toBe(account.ID);
    const detail = await admin.get(imp.headers.location);
    expect(detail.text).toContain('Openen in Exact Online');
    expect(detail.text).toContain(account.ID);

    const again = await post('/customers/import', { locationId: loc.search, exactId: account.ID, type: 'private' });
    expect(again.headers.location).toBe(imp.headers.location);
    expect((await admin.get(again.headers.location)).text).toContain('bestaat al in Koppel');
    expect(Number((await db<{ n: string }>(`select count(*) as n from customers where number = '1005'`))[0].n)).toBe(1);

    const known = await admin.get(`/customers/exact-search?locationId=${loc.search}&q=1005`);
    expect(known.text).toContain('Al in Koppel');
    expect(known.text).toContain(`href="${imp.headers.location}"`);
  });

  it('opens the existing customer when Koppel already has the number (no duplicate)', async () => {
    const acc = (await byCode(D1, '1011'))!;
    const own = await post('/customers', { type: 'business', number: '1011', name: acc.Name, locationId: loc.none, country: 'NL' });
    expect(own.status).toBe(303);
    const imp = await post('/customers/import', { locationId: loc.search, exactId: acc.ID, type: 'business' });
    expect(imp.headers.location).toBe(own.headers.location);
    expect(Number((await db<{ n: string }>(`select count(*) as n from customers where number = '1011'`))[0].n)).toBe(1);
  });
});

describe('Koppel → Exact', () => {
  it('sends a customer when saved (location setting) and sends changes on the next save', async () => {
    const res = await post('/customers', { type: 'business', number: '90001', name: 'Opslaan BV', ...address, vatNumber: 'NL123456789B01', email: 'info@opslaan.example', locationId: loc.save });
    expect(res.status).toBe(303);
    const acc = await byCode(D1, '90001');
    expect(acc).toMatchObject({ Code: '             90001', Name: 'Opslaan BV', AddressLine1: 'Kerkstraat 12', City: 'Amersfoort', VATNumber: 'NL123456789B01', Email: 'info@opslaan.example' });
    const c = await customerByNumber('90001');
    expect((await linkOf(c.id, D1)).exact_id).toBe(acc!.ID);

    const edit = await admin.post(`/customers/${c.id}`).type('form').send({ _csrf: await csrf(admin, `/customers/${c.id}/edit`), type: 'business', number: '90001', name: 'Opslaan BV', ...address, vatNumber: 'NL123456789B01', email: 'info@opslaan.example', phone: '030-7654321', locationId: loc.save });
    expect(edit.status).toBe(303);
    expect((await byId(D1, acc!.ID))!.Phone).toBe('030-7654321');
    expect(await byCode(D1, '90001')).toMatchObject({ ID: acc!.ID });
  });

  it('sends a customer with its first invoice (ensureInExact), once', async () => {
    const res = await post('/customers', { type: 'private', number: '90002', name: 'Factuur Later', ...address, locationId: loc.invoice });
    expect(res.status).toBe(303);
    expect(await byCode(D2, '90002')).toBeUndefined();
    const c = await customerByNumber('90002');
    expect(await exporter().preflight(c.id as number, D2)).toEqual([]);
    const id = await exporter().ensureInExact(c.id as number, D2);
    expect((await byCode(D2, '90002'))!.ID).toBe(id);
    const before = await apiCalls();
    expect(await exporter().ensureInExact(c.id as number, D2)).toBe(id);
    expect(await apiCalls()).toBe(before);
  });

  it('matches an existing Exact account by its padded code instead of creating a second one', async () => {
    const acc = (await byCode(D2, '1020'))!;
    const [street, houseNumber] = [acc.AddressLine1!.replace(/\s+\S+$/, ''), acc.AddressLine1!.split(' ').pop()];
    const res = await post('/customers', { type: 'business', number: '1020', name: acc.Name, street, houseNumber, postcode: acc.Postcode, city: acc.City, country: 'NL', email: 'nieuw@example.com', locationId: loc.invoice });
    expect(res.status).toBe(303);
    const c = await customerByNumber('1020');
    expect(await exporter().ensureInExact(c.id as number, D2)).toBe(acc.ID);
    const rows = await client().division(D2).accounts.all({ filter: f.raw(`trim(Code) eq '1020'`), select: ['ID'] });
    expect(rows).toHaveLength(1);
    expect((await byId(D2, acc.ID))!.Email).toBe('nieuw@example.com');
  });

  it('a customer added by hand whose number is another company in Exact gets a free number there; the other company is untouched', async () => {
    const other = (await byCode(D2, '1021'))!;
    const res = await post('/customers', { type: 'business', number: '1021', name: 'Andere Naam BV', ...address, locationId: loc.invoice });
    expect(res.status).toBe(303);
    const c = await customerByNumber('1021');
    expect(await exporter().preflight(c.id as number, D2)).toEqual([]);
    const id = await exporter().ensureInExact(c.id as number, D2);
    expect(id).not.toBe(other.ID);
    // the other company keeps its name, address and number; ours got the next free number of the division
    expect(await byId(D2, other.ID)).toEqual(other);
    const mine = (await byId(D2, id))!;
    expect(mine).toMatchObject({ Name: 'Andere Naam BV', AddressLine1: 'Kerkstraat 12', City: 'Amersfoort' });
    expect(mine.Code.trim()).not.toBe('1021');
    expect(await client().division(D2).accounts.all({ filter: f.raw(`trim(Code) eq '1021'`), select: ['ID'] })).toEqual([{ ID: other.ID }]);
    // the code is kept per division: Koppel's number stays 1021, the link has Exact's number
    expect(await linkOf(c.id, D2)).toMatchObject({ exact_id: id, exact_code: mine.Code.trim(), state: 'linked' });
    expect((await admin.get(`/customers/${c.id}`)).text).toContain(`<code>${mine.Code.trim()}</code>`);
    // sent once: the next send costs nothing and finds it by the stored ID
    const before = await apiCalls();
    expect(await exporter().ensureInExact(c.id as number, D2)).toBe(id);
    expect(await apiCalls()).toBe(before);
  });

  it('keeps a customer\'s code per division: imported from one administration, it gets a free number in the other', async () => {
    const d1 = (await byCode(D1, '1030'))!;
    const d2 = (await byCode(D2, '1030'))!;
    expect(d2.Name).not.toBe(d1.Name);
    const imp = await post('/customers/import', { locationId: loc.search, exactId: d1.ID, type: 'business' });
    expect(imp.status).toBe(303);
    const c = await customerByNumber('1030');
    expect(c.name).toBe(d1.Name);
    const inD2 = await exporter().ensureInExact(c.id as number, D2);
    expect(inD2).not.toBe(d2.ID);
    expect(await byId(D2, d2.ID)).toEqual(d2);
    const mine = (await byId(D2, inD2))!;
    expect(mine.Name).toBe(d1.Name);
    expect((await linkOf(c.id, D1)).exact_code).toBe('1030');
    expect((await linkOf(c.id, D2)).exact_code).toBe(mine.Code.trim());

    // importing D2's 1030 (another company) makes a new customer with a number of its own; the first one stays as it was
    const search = await admin.get(`/customers/exact-search?locationId=${loc.invoice}&q=1030`);
    expect(search.text).not.toContain('Al in Koppel');
    const imp2 = await post('/customers/import', { locationId: loc.invoice, exactId: d2.ID, type: 'business' });
    expect(imp2.status).toBe(303);
    expect(imp2.headers.location).not.toBe(imp.headers.location);
    const c2 = (await db<Record<string, unknown>>('select * from customers where name = $1', [d2.Name]))[0];
    expect(c2.number).not.toBe('1030');
    expect(await linkOf(c2.id, D2)).toMatchObject({ exact_id: d2.ID, exact_code: '1030' });
    expect(await customerByNumber('1030')).toMatchObject({ id: c.id, name: d1.Name });
    expect((await linkOf(c.id, D2)).exact_id).toBe(inD2);

    // the Accounts webhook of an account whose number Koppel has for another company creates no link to it
    const d2b = (await byCode(D2, '1031'))!;
    await post('/customers', { type: 'business', number: '1031', name: 'Niet Dezelfde BV', ...address, locationId: loc.none });
    const own = await customerByNumber('1031');
    expect(await customers().onExactAccountChanged(D2, d2b.ID, 'Update')).toBe('created');
    expect(await linkOf(own.id, D2)).toBeUndefined();
    const created = (await db<Record<string, unknown>>('select c.* from customers c join customer_exact_links l on l.customer_id = c.id where l.exact_id = $1', [d2b.ID]))[0];
    expect(created).toMatchObject({ name: d2b.Name });
    expect(created.number).not.toBe('1031');
  });

  it('shows a name/address conflict of the same company side by side: no default, nothing is overwritten until the user chooses', async () => {
    // same name as Exact's 1022, another address: the same company (a conflict the user decides)
    const acc = (await byCode(D2, '1022'))!;
    await post('/customers', { type: 'business', number: '1022', name: acc.Name, ...address, locationId: loc.invoice });
    const c = await customerByNumber('1022');
    const problems = await exporter().preflight(c.id as number, D2);
    expect(problems.map((p) => p.key)).toEqual(['customers.problems.conflict']);
    await expect(exporter().ensureInExact(c.id as number, D2)).rejects.toBeInstanceOf(CustomerConflictError);
    expect(await byId(D2, acc.ID)).toEqual(acc);

    const page = await admin.get(`/customers/${c.id}`);
    expect(page.text).toContain('Naam of adres verschilt');
    expect(page.text).toContain('Kerkstraat 12');
    const form = /<form method="post" action="\/customers\/\d+\/conflict"[\s\S]*?<\/form>/.exec(page.text)![0];
    expect(form).toContain('Als nieuwe relatie met een nieuw nummer aanmaken');
    expect(form).toContain('Gebruik die van Exact');
    expect(form).toMatch(/value="koppel"[^>]*data-confirm="[^"]*overschreven/);
    expect(form).not.toContain('primary'); // no choice is the default
    // a form without a choice changes nothing
    const none = await admin.post(`/customers/${c.id}/conflict`).type('form').send({ _csrf: await csrf(admin, `/customers/${c.id}`), division: D2 });
    expect(none.status).toBe(422);
    expect(await byId(D2, acc.ID)).toEqual(acc);
    expect((await linkOf(c.id, D2)).state).toBe('conflict');

    // "create as a new relation with a new number": the account found stays as it is
    const fresh = await admin.post(`/customers/${c.id}/conflict`).type('form').send({ _csrf: await csrf(admin, `/customers/${c.id}`), division: D2, choice: 'new' });
    expect(fresh.status).toBe(303);
    expect(await byId(D2, acc.ID)).toEqual(acc);
    const link = await linkOf(c.id, D2);
    expect(link.state).toBe('linked');
    expect(link.exact_id).not.toBe(acc.ID);
    const mine = (await byId(D2, link.exact_id as string))!;
    expect(mine).toMatchObject({ Name: acc.Name, AddressLine1: 'Kerkstraat 12' });
    expect(mine.Code.trim()).toBe(link.exact_code);
    expect(mine.Code.trim()).not.toBe('1022');
    expect((await admin.get(`/customers/${c.id}`)).text).toContain('als nieuwe relatie met een eigen nummer');

    // "use Koppel's" (asked again in the browser) writes Koppel's address into the same company's account
    const acc3 = (await byCode(D2, '1023'))!;
    await post('/customers', { type: 'business', number: '1023', name: acc3.Name, ...address, locationId: loc.invoice });
    const c3 = await customerByNumber('1023');
    await expect(exporter().ensureInExact(c3.id as number, D2)).rejects.toBeInstanceOf(CustomerConflictError);
    const use = await admin.post(`/customers/${c3.id}/conflict`).type('form').send({ _csrf: await csrf(admin, `/customers/${c3.id}`), division: D2, choice: 'koppel' });
    expect(use.status).toBe(303);
    expect(await byId(D2, acc3.ID)).toMatchObject({ Name: acc3.Name, AddressLine1: 'Kerkstraat 12', City: 'Amersfoort' });
    expect((await linkOf(c3.id, D2)).state).toBe('linked');

    // "use Exact's": Koppel takes over Exact's address
    const acc2 = (await byCode(D2, '1024'))!;
    await post('/customers', { type: 'business', number: '1024', name: acc2.Name, ...address, locationId: loc.invoice });
    const c2 = await customerByNumber('1024');
    await expect(exporter().ensureInExact(c2.id as number, D2)).rejects.toBeInstanceOf(CustomerConflictError);
    await admin.post(`/customers/${c2.id}/conflict`).type('form').send({ _csrf: await csrf(admin, `/customers/${c2.id}`), division: D2, choice: 'exact' });
    expect((await customerByNumber('1024')).city).toBe(acc2.City);
    expect(await byId(D2, acc2.ID)).toMatchObject({ Name: acc2.Name, City: acc2.City });
    expect((await linkOf(c2.id, D2)).state).toBe('linked');
  });

  it('refuses a customer without an address or with an invalid VAT number, with a clear message', async () => {
    const res = await post('/customers', { type: 'private', number: '90103', name: 'Zonder Adres', country: 'NL', locationId: loc.save });
    expect(res.status).toBe(303);
    const page = await admin.get(res.headers.location);
    expect(page.text).toContain('niet naar Exact Online gestuurd');
    expect(page.text).toContain('heeft geen adres');
    expect(await byCode(D1, '90103')).toBeUndefined();
    const c = await customerByNumber('90103');
    expect((await exporter().preflight(c.id as number, D1)).map((p) => p.key)).toEqual(['customers.problems.noAddress']);
    await expect(exporter().ensureInExact(c.id as number, D1)).rejects.toBeInstanceOf(CustomerNotSendableError);

    // e.g. imported with a number Exact accepted but that does not fit the customer's country
    await db(`update customers set vat_number = 'NL12345', street = 'A', postcode = '1234 AB', city = 'B' where id = $1`, [c.id]);
    const p2 = await exporter().preflight(c.id as number, D1);
    expect(p2).toEqual([{ key: 'customers.problems.invalidVat', params: expect.objectContaining({ vatNumber: 'NL12345' }) }]);
  });

  it('"Export customers" sends every new or changed customer of the filter with one call per customer plus a constant', async () => {
    for (let i = 0; i < 45; i++) {
      await db(`insert into customers (number, name, street, house_number, postcode, city, country, location_id) values ($1, $2, 'Laan', '1', '1234 AB', 'Ede', 'NL', $3)`, [
        String(95000 + i),
        `Export ${i}`,
        loc.invoice,
      ]);
    }
    const accounts = async () => ({
      get: await x.requests({ endpoint: 'crm/accounts', method: 'GET', division: D2 }),
      post: await x.requests({ endpoint: 'crm/accounts', method: 'POST', division: D2 }),
      all: await apiCalls(),
    });
    const before = await accounts();
    const summary = await exporter().exportChanged({ locationId: loc.invoice, q: 'Export' });
    expect(summary).toMatchObject({ total: 45, created: 45, failed: 0, conflicts: 0 });
    // counted by the sandbox: 2 look-ups of ≤40 codes + 45 POSTs and nothing else; the summary reports just that
    const after = await accounts();
    expect({ get: after.get - before.get, post: after.post - before.post, all: after.all - before.all }).toEqual({ get: 2, post: 45, all: 47 });
    expect(summary.apiCalls).toBe(45 + 2);
    expect((await byCode(D2, '95044'))!.Name).toBe('Export 44');
    const beforeAgain = await apiCalls();
    const again = await exporter().exportChanged({ locationId: loc.invoice, q: 'Export' });
    expect(again).toMatchObject({ total: 0, apiCalls: 0 });
    expect(await apiCalls()).toBe(beforeAgain);

    // through the page: a background run (a sync-engine job) with a polling progress fragment that shows the
    // engine's progress and summary: two new customers, created in Exact with one look-up and two POSTs
    for (const i of [45, 46]) {
      await db(`insert into customers (number, name, street, house_number, postcode, city, country, location_id) values ($1, $2, 'Laan', '1', '1234 AB', 'Ede', 'NL', $3)`, [String(95000 + i), `Export ${i}`, loc.invoice]);
    }
    const start = await admin.post('/customers/export').type('form').send({ _csrf: await csrf(admin, '/customers'), q: 'Export', location: loc.invoice });
    expect(start.status).toBe(303);
    const done = await waitFor(async () => {
      const r = await admin.get(start.headers.location).set('HX-Request', 'true');
      return r.text.includes('Klaar') && r.text;
    }, 'export finished');
    expect(done).not.toContain('every 2s');
    expect(done).toContain('2 van 2 klanten verwerkt');
    expect(done).toContain('Aangemaakt in Exact: 2');
    expect(done).toContain('Exact-aanroepen: 3');
    expect(done).toContain('value="100"');
    expect((await byCode(D2, '95046'))!.Name).toBe('Export 46');
    // the full page too; an unknown export is a 404
    expect((await admin.get(start.headers.location)).text).toContain('2 van 2 klanten verwerkt');
    expect((await admin.get('/customers/export/999999')).status).toBe(404);
  });
});

describe('Exact → Koppel', () => {
  it('a customer created in Exact arrives through the Accounts webhook handler (idempotent)', async () => {
    const created = await x.control<{ ID: string; Code: string }>('accounts', { division: D1, Code: '70001', Name: 'Nieuw In Exact BV', AddressLine1: 'Havenweg 3', Postcode: '3011 AA', City: 'Rotterdam', Country: 'NL', VATNumber: 'NL111222333B01' });
    const code = created.Code.trim();
    expect(await customers().onExactAccountChanged(D1, created.ID, 'Update')).toBe('created');
    expect(await customers().onExactAccountChanged(D1, created.ID, 'Update')).toBe('unchanged');
    const c = await customerByNumber(code);
    expect(c).toMatchObject({ name: 'Nieuw In Exact BV', street: 'Havenweg', house_number: '3', city: 'Rotterdam', type: 'business' });

    // a change in Exact follows (setting "update"); the echo of our own write changes nothing
    await x.control('accounts', { division: D1, ID: created.ID, City: 'Schiedam' });
    expect(await customers().onExactAccountChanged(D1, created.ID, 'Update')).toBe('updated');
    expect((await customerByNumber(code)).city).toBe('Schiedam');
  });

  it('a customer created in Exact arrives through the 15-minute sync when webhooks are off', async () => {
    await x.control('webhooks', { enabled: false });
    const sync = t.app.get(SyncService);
    const state = async () => (await db<Record<string, unknown>>(`select * from sync_state where division = $1 and resource = 'customers'`, [D3]))[0];
    const runOnce = async () => {
      const runs = async () => Number((await db<{ n: string }>(`select count(*) as n from sync_run where division = $1 and resource = 'customers' and status <> 'running'`, [D3]))[0].n);
      const before = await runs();
      expect(await sync.enqueue(D3, 'customers', 'manual')).toBe('queued');
      return waitFor(async () => {
        const s = await state();
        return s && s.status !== 'queued' && s.status !== 'running' && (await runs()) > before && s;
      }, 'customers sync run').catch(async (e) => {
        throw new Error(`${(e as Error).message} ${JSON.stringify(await state())} ${JSON.stringify(await db('select * from sync_run order by id'))}`);
      });
    };
    const first = await runOnce(); // baseline: links known accounts, creates nothing
    expect(first.status).toBe('ok');
    expect(first.stage).toBe('incremental');
    expect(Number((await db<{ n: string }>(`select count(*) as n from customers c join locations l on l.id = c.location_id where l.exact_division = $1`, [D3]))[0].n)).toBe(0);

    const created = await x.control<{ ID: string; Code: string }>('accounts', { division: D3, Code: '70002', Name: 'Brasserie Sync', AddressLine1: 'Grote Markt 1', Postcode: '2000', City: 'Antwerpen', Country: 'BE' });
    const second = await runOnce();
    expect(second.status).toBe('ok');
    const c = await customerByNumber(created.Code.trim());
    expect(c).toMatchObject({ name: 'Brasserie Sync', city: 'Antwerpen', country: 'BE', location_id: loc.sync });
    await x.control('webhooks', { enabled: true });
  });

  it('a Delete notification for an account Exact still has unlinks and merges nothing (confirmed with Exact first)', async () => {
    const a = await x.control<{ ID: string; Code: string }>('accounts', { division: D1, Code: '70013', Name: 'Blijft BV', AddressLine1: 'Laan 3', Postcode: '1000 AC', City: 'Amsterdam', Country: 'NL', VATNumber: 'NL111222333B01' });
    expect(await customers().onExactAccountChanged(D1, a.ID, 'Update')).toBe('created');
    // a second account that a merge would make the survivor
    await x.control('accounts', { division: D1, Code: '70014', Name: 'Blijft B.V.', AddressLine1: 'Laan 3', Postcode: '1000 AC', City: 'Amsterdam', Country: 'NL', VATNumber: 'NL111222333B01' });
    const before = await customerByNumber(a.Code.trim());
    expect(await customers().onExactAccountChanged(D1, a.ID, 'Delete')).toBe('unchanged');
    const after = await customerByNumber(a.Code.trim());
    expect(after).toMatchObject({ status: before.status, merged_into_id: null });
    expect(await linkOf(after.id, D1)).toMatchObject({ exact_id: a.ID, state: 'linked' });
  });

  it('an account merged away in Exact leaves no duplicate: Koppel follows the surviving account', async () => {
    // only known to Koppel as the merged-away account → the customer moves to the survivor
    const a = await x.control<{ ID: string; Code: string }>('accounts', { division: D1, Code: '70003', Name: 'Samen BV', AddressLine1: 'Plein 1', Postcode: '1000 AA', City: 'Amsterdam', Country: 'NL', VATNumber: 'NL999888777B01' });
    expect(await customers().onExactAccountChanged(D1, a.ID, 'Update')).toBe('created');
    const b = await x.control<{ ID: string; Code: string }>('accounts', { division: D1, Code: '70004', Name: 'Samen B.V.', AddressLine1: 'Plein 1', Postcode: '1000 AA', City: 'Amsterdam', Country: 'NL', VATNumber: 'NL999888777B01' });
    await client().division(D1).accounts.delete(a.ID);
    expect(await customers().onExactAccountChanged(D1, a.ID, 'Delete')).toBe('relinked');
    expect(await customers().onExactAccountChanged(D1, a.ID, 'Delete')).toBe('unknown');
    const c = await customerByNumber(a.Code.trim());
    expect((await linkOf(c.id, D1)).exact_id).toBe(b.ID);
    expect(c.name).toBe('Samen B.V.');
    expect(await customers().onExactAccountChanged(D1, b.ID, 'Update')).toBe('unchanged');
    expect(Number((await db<{ n: string }>(`select count(*) as n from customers where vat_number = 'NL999888777B01' and status = 'active'`))[0].n)).toBe(1);

    // both known to Koppel → the merged-away one points to the survivor's customer
    const p = await x.control<{ ID: string; Code: string }>('accounts', { division: D1, Code: '70005', Name: 'Twee BV', AddressLine1: 'Weg 2', Postcode: '1000 AB', City: 'Amsterdam', Country: 'NL', VATNumber: 'NL555444333B01' });
    const q = await x.control<{ ID: string; Code: string }>('accounts', { division: D1, Code: '70006', Name: 'Twee B.V.', AddressLine1: 'Weg 2', Postcode: '1000 AB', City: 'Amsterdam', Country: 'NL', VATNumber: 'NL555444333B01' });
    await customers().onExactAccountChanged(D1, p.ID, 'Update');
    await customers().onExactAccountChanged(D1, q.ID, 'Update');
    await client().division(D1).accounts.delete(p.ID);
    expect(await customers().onExactAccountChanged(D1, p.ID, 'Update')).toBe('merged');
    const merged = await customerByNumber(p.Code.trim());
    const survivor = await customerByNumber(q.Code.trim());
    expect(merged).toMatchObject({ status: 'merged', merged_into_id: survivor.id });
    expect((await customers().resolve(merged.id as number)).id).toBe(survivor.id);
    expect(await exporter().ensureInExact(merged.id as number, D1)).toBe(q.ID);
    const list = await admin.get('/customers?q=Twee');
    expect(list.text).toContain('Twee B.V.');
    expect(list.text).not.toContain('Twee BV<');
    expect((await admin.get(`/customers/${merged.id}`)).text).toContain('samengevoegd met Twee B.V.');
  });
});

describe('settings', () => {
  it('lets an admin choose per location when customers are sent, and what Exact changes do', async () => {
    const page = await admin.get('/customers/settings');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Bij de eerste factuur');
    const res = await admin.post('/customers/settings').type('form').send({ _csrf: await csrf(admin, '/customers/settings'), [`moment_${loc.invoice}`]: 'saved', exactChanges: 'review', importNew: 'on' });
    expect(res.status).toBe(303);
    expect((await db<Record<string, unknown>>('select customer_send_moment from locations where id = $1', [loc.invoice]))[0].customer_send_moment).toBe('saved');
    expect((await db<Record<string, unknown>>('select * from customer_settings'))[0]).toMatchObject({ exact_changes: 'review', import_new: true });
  });
});
