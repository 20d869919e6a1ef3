import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { csrf, csrfFrom, startTestApp, type TestApp } from '../support/app.js';
import { Location } from '../../src/modules/locations/location.entity.js';
import { User } from '../../src/modules/users/user.entity.js';
import { runCli } from '../../src/cli/commands.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const ADMIN = { name: 'Anne Admin', email: 'anne@example.com', password: 'a-long-password-1' };

describe('first run', () => {
  it('sends an empty installation to "create the first administrator"', async () => {
    const agent = t.agent();
    const home = await agent.get('/');
    expect(home.status).toBe(303);
    expect(home.headers.location).toMatch(/^\/login/);
    const login = await agent.get('/login');
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/setup');
    const setup = await agent.get('/setup');
    expect(setup.status).toBe(200);
    expect(setup.text).toContain('Maak de eerste beheerder aan');
  });

  it('rejects a setup post without a CSRF token (403) and creates nothing', async () => {
    const agent = t.agent();
    await agent.get('/setup');
    const res = await agent.post('/setup').type('form').send({ ...ADMIN, passwordRepeat: ADMIN.password });
    expect(res.status).toBe(403);
    expect(await t.inContext(() => t.orm.em.count(User, {}))).toBe(0);
  });

  it('shows field errors (422) and keeps what was typed', async () => {
    const agent = t.agent();
    const token = await csrf(agent, '/setup');
    const res = await agent.post('/setup').type('form').send({ _csrf: token, name: 'Anne', email: 'not-an-email', password: 'short', passwordRepeat: 'x' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Vul een geldig e-mailadres in.');
    expect(res.text).toContain('minstens 10 tekens');
    expect(res.text).toContain('value="Anne"');
  });

  it('creates the administrator, logs in, and closes the setup page afterwards', async () => {
    const agent = t.agent();
    const token = await csrf(agent, '/setup');
    const res = await agent.post('/setup').type('form').send({ _csrf: token, ...ADMIN, passwordRepeat: ADMIN.password });
    expect(res.status).toBe(303);
    const home = await agent.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('Anne Admin');
    expect(home.text).toContain('Het beheerdersaccount is aangemaakt');
    const again = await t.agent().get('/setup');
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe('/login');
  });
});

describe('login', () => {
  it('gives one message for a wrong password and an unknown account', async () => {
    const agent = t.agent();
    const token = await csrf(agent, '/login');
    const wrong = await agent.post('/login').type('form').send({ _csrf: token, email: ADMIN.email, password: 'wrong-password' });
    const unknown = await agent.post('/login').type('form').send({ _csrf: token, email: 'nobody@example.com', password: 'wrong-password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const msg = 'Het e-mailadres of wachtwoord klopt niet';
    expect(wrong.text).toContain(msg);
    expect(unknown.text).toContain(msg);
    expect(wrong.text).toContain(`value="${ADMIN.email}"`);
  });

  it('throttles repeated failures without saying whether the account exists', async () => {
    const agent = t.agent();
    const token = await csrf(agent, '/login');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await agent.post('/login').type('form').send({ _csrf: token, email: 'throttle@example.com', password: `nope-${i}` });
      statuses.push(r.status);
      if (r.status === 429) expect(r.text).toContain('Te veel inlogpogingen');
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });

  it('logs in and out; pages need a login afterwards', async () => {
    const agent = await t.login(ADMIN.email, ADMIN.password);
    expect((await agent.get('/settings/locations')).status).toBe(200);
    const token = await csrf(agent, '/');
    expect((await agent.post('/logout').type('form').send({ _csrf: token })).status).toBe(303);
    const after = await agent.get('/settings/locations');
    expect(after.status).toBe(303);
    expect(after.headers.location).toBe('/login?next=%2Fsettings%2Flocations');
  });

  it('answers an HTMX request without session with HX-Redirect to the login page', async () => {
    const res = await t.agent().get('/settings/locations').set('HX-Request', 'true');
    expect(res.status).toBe(401);
    expect(res.headers['hx-redirect']).toMatch(/^\/login/);
  });

  it('sets security headers', async () => {
    const res = await t.agent().get('/login');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(String(res.headers['set-cookie'])).toMatch(/HttpOnly/i);
  });
});

describe('roles and users', () => {
  it('shows a planner a 403 page on Settings → Users', async () => {
    const planner = await t.createUser('planner');
    const agent = await t.login(planner.email, planner.password);
    const res = await agent.get('/settings/users');
    expect(res.status).toBe(403);
    expect(res.text).toContain('Geen toegang');
    const frag = await agent.get('/settings/users').set('HX-Request', 'true');
    expect(frag.status).toBe(403);
    expect(frag.text).not.toContain('<html');
  });

  it('lets an admin add, re-role and disable a user; a disabled user cannot log in', async () => {
    const admin = await t.login(ADMIN.email, ADMIN.password);
    let token = await csrf(admin, '/settings/users/new');
    const bad = await admin.post('/settings/users').type('form').send({ _csrf: token, name: '', email: 'x', role: 'boss', password: '1' });
    expect(bad.status).toBe(422);
    const created = await admin.post('/settings/users').type('form').send({ _csrf: token, name: 'Piet Planner', email: 'piet@example.com', role: 'planner', password: 'piet-password-1' });
    expect(created.status).toBe(303);
    const dup = await admin.post('/settings/users').type('form').send({ _csrf: token, name: 'Piet 2', email: 'PIET@example.com', role: 'planner', password: 'piet-password-1' });
    expect(dup.status).toBe(422);
    expect(dup.text).toContain('al in gebruik');

    const piet = await t.inContext(() => t.orm.em.findOneOrFail(User, { email: 'piet@example.com' }));
    token = await csrf(admin, '/settings/users');
    expect((await admin.post(`/settings/users/${piet.id}/role`).type('form').send({ _csrf: token, role: 'accountant' })).status).toBe(303);
    const pietAgent = await t.login('piet@example.com', 'piet-password-1');
    expect((await pietAgent.get('/settings/locations')).status).toBe(200);

    expect((await admin.post(`/settings/users/${piet.id}/disable`).type('form').send({ _csrf: token })).status).toBe(303);
    // the running session ends and a new login is refused
    expect((await pietAgent.get('/settings/locations')).status).toBe(303);
    const again = t.agent();
    const tok = await csrf(again, '/login');
    expect((await again.post('/login').type('form').send({ _csrf: tok, email: 'piet@example.com', password: 'piet-password-1' })).status).toBe(401);
  });

  it('does not let an admin disable themselves', async () => {
    const admin = await t.login(ADMIN.email, ADMIN.password);
    const me = await t.inContext(() => t.orm.em.findOneOrFail(User, { email: ADMIN.email }));
    const token = await csrf(admin, '/settings/users');
    await admin.post(`/settings/users/${me.id}/disable`).type('form').send({ _csrf: token });
    const page = await admin.get('/settings/users');
    expect(page.status).toBe(200);
    expect(page.text).toContain('U kunt uzelf niet uitschakelen');
  });
});

describe('locations', () => {
  const valid = { name: 'Vestiging Utrecht', code: 'utr', street: 'Oudegracht', houseNumber: '12a', postcode: '3511 AB', city: 'Utrecht', country: 'NL', vatNumber: 'nl 8588.12.345 b01' };

  it('starts with a useful empty state', async () => {
    const admin = await t.login(ADMIN.email, ADMIN.password);
    const res = await admin.get('/settings/locations');
    expect(res.text).toContain('Er zijn nog geen locaties.');
    expect(res.text).toContain('Locatie toevoegen');
  });

  it('rejects a post without CSRF token with 403', async () => {
    const admin = await t.login(ADMIN.email, ADMIN.password);
    const res = await admin.post('/settings/locations').type('form').send(valid);
    expect(res.status).toBe(403);
    const htmx = await admin.post('/settings/locations').set('HX-Request', 'true').set('X-CSRF-Token', 'forged').type('form').send(valid);
    expect(htmx.status).toBe(403);
  });

  it('answers invalid input with 422 and field messages, saving nothing and keeping the input', async () => {
    const admin = await t.login(ADMIN.email, ADMIN.password);
    const token = await csrf(admin, '/settings/locations/new');
    const res = await admin.post('/settings/locations').type('form').send({ _csrf: token, ...valid, name: '', postcode: '12345', vatNumber: 'BE0123', code: 'bad code!' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Dit veld is verplicht.');
    expect(res.text).toContain('geen geldige postcode');
    expect(res.text).toContain('geen geldig btw-nummer');
    expect(res.text).toContain('Gebruik alleen letters');
    expect(res.text).toContain('value="Oudegracht"');
    expect(await t.inContext(() => t.orm.em.count(Location, {}))).toBe(0);
  });

  it('validates a field inline over HTMX (with the X-CSRF-Token header)', async () => {
    const admin = await t.login(ADMIN.email, ADMIN.password);
    const page = await admin.get('/settings/locations/new');
    const token = page.text.match(/"X-CSRF-Token": "([^"]+)"/)![1];
    const res = await admin.post('/settings/locations/validate/postcode').set('HX-Request', 'true').set('X-CSRF-Token', token).type('form').send({ ...valid, postcode: '99' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('id="err-postcode"');
    expect(res.text).toContain('geen geldige postcode');
    expect(res.text).not.toContain('<html');
  });

  it('creates, lists, sorts, pages, edits and deletes (after confirmation)', async () => {
    const admin = await t.login(ADMIN.email, ADMIN.password);
    let token = await csrf(admin, '/settings/locations/new');
    expect((await admin.post('/settings/locations').type('form').send({ _csrf: token, ...valid })).status).toBe(303);
    const saved = await t.inContext(() => t.orm.em.findOneOrFail(Location, { code: 'UTR' }));
    expect(saved.vatNumber).toBe('NL858812345B01');
    expect(saved.exactDivision).toBeNull();

    const dup = await admin.post('/settings/locations').type('form').send({ _csrf: token, ...valid, name: 'Other' });
    expect(dup.status).toBe(422);
    expect(dup.text).toContain('al in gebruik');

    for (let i = 0; i < 26; i++) {
      await admin.post('/settings/locations').type('form').send({ _csrf: token, ...valid, name: `Loc ${String(i).padStart(2, '0')}`, code: `L${i}`, city: i % 2 ? 'Antwerpen' : 'Zwolle', country: i % 2 ? 'BE' : 'NL', postcode: i % 2 ? '2000' : '8011 AA', vatNumber: i % 2 ? 'BE0123456789' : '' });
    }
    const list = await admin.get('/settings/locations?sort=name&dir=desc');
    expect(list.text).toContain('Pagina 1 van 2');
    expect(list.text.indexOf('Vestiging Utrecht')).toBeLessThan(list.text.indexOf('Loc 25'));
    const page2 = await admin.get('/settings/locations?sort=name&dir=desc&page=2');
    expect(page2.text).toContain('Loc 00');
    const fragment = await admin.get('/settings/locations?sort=city&dir=asc').set('HX-Request', 'true');
    expect(fragment.text).not.toContain('<html');
    expect(fragment.text).toContain('Antwerpen');
    const search = await admin.get('/settings/locations?q=utrecht');
    expect(search.text).toContain('Vestiging Utrecht');
    expect(search.text).not.toContain('Loc 01');

    const edit = await admin.get(`/settings/locations/${saved.id}/edit`);
    expect(edit.text).toContain('Exact Online-administratie');
    expect(edit.text).toMatch(/id="f-division"[^>]*readonly/);
    token = csrfFrom(edit.text);
    expect((await admin.post(`/settings/locations/${saved.id}`).type('form').send({ _csrf: token, ...valid, city: 'Amersfoort' })).status).toBe(303);

    const confirm = await admin.get(`/settings/locations/${saved.id}/delete`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('Locatie Vestiging Utrecht verwijderen?');
    expect((await admin.post(`/settings/locations/${saved.id}/delete`).type('form').send({ _csrf: csrfFrom(confirm.text) })).status).toBe(303);
    expect(await t.inContext(() => t.orm.em.count(Location, { code: 'UTR' }))).toBe(0);
    expect((await admin.get(`/settings/locations/${saved.id}/edit`)).status).toBe(404);
  });
});

describe('language, errors, health and CLI', () => {
  it('switches the language per user and keeps it for the next login', async () => {
    const admin = await t.login(ADMIN.email, ADMIN.password);
    const token = await csrf(admin, '/settings/locations');
    const res = await admin.post('/language').type('form').send({ _csrf: token, language: 'en', back: '/settings/locations' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/settings/locations');
    const page = await admin.get('/settings/locations');
    expect(page.text).toContain('<html lang="en">');
    expect(page.text).toContain('Add location');
    const fresh = await t.login(ADMIN.email, ADMIN.password);
    expect((await fresh.get('/')).text).toContain('Dashboard');
    expect((await fresh.get('/settings/locations')).text).toContain('Locations');
    await fresh.post('/language').type('form').send({ _csrf: await csrf(fresh, '/'), language: 'nl' });
  });

  it('formats dates and money per language', async () => {
    const { formatMoney, formatDate } = await import('../../src/common/i18n/i18n.js');
    expect(formatMoney('nl', 1234.5).replace(/\u00a0/g, ' ')).toBe('€ 1.234,50');
    expect(formatMoney('en', 1234.5)).toBe('€1,234.50');
    expect(formatDate('nl', new Date('2026-03-05T12:00:00Z'))).toBe('5 mrt 2026');
    expect(formatDate('en', new Date('2026-03-05T12:00:00Z'))).toBe('5 Mar 2026');
  });

  it('renders 404 as a full page and as an HTMX fragment', async () => {
    const admin = await t.login(ADMIN.email, ADMIN.password);
    const page = await admin.get('/no/such/page');
    expect(page.status).toBe(404);
    expect(page.text).toContain('<html');
    expect(page.text).toContain('Niet gevonden');
    const frag = await admin.get('/no/such/page').set('HX-Request', 'true');
    expect(frag.status).toBe(404);
    expect(frag.text).not.toContain('<html');
    expect(frag.text).toContain('flash-error');
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const res = await t.agent().post('/webhooks/nothing').set('Content-Type', 'application/json').send('{"broken":');
    expect(res.status).toBe(400);
  });

  it('keeps a flash message for the next page, not for an image or favicon fetched in between', async () => {
    const admin = await t.login(ADMIN.email, ADMIN.password);
    const token = await csrf(admin, '/settings/locations/new');
    await admin.post('/settings/locations').type('form').send({ _csrf: token, name: 'Flash', code: 'FLASH', street: 's', houseNumber: '1', postcode: '1234 AB', city: 'c', country: 'NL' });
    const icon = await admin.get('/favicon.ico');
    expect([icon.status, icon.headers.location]).toEqual([301, '/img/favicon.svg']);
    await admin.get('/no-such-image.png').set('Sec-Fetch-Dest', 'image');
    const page = await admin.get('/settings/locations');
    expect(page.text).toContain('Locatie Flash is aangemaakt.');
  });

  it('answers /healthz with {"status":"ok"}', async () => {
    const res = await t.agent().get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('creates users from the command line', async () => {
    const saved = { ...process.env };
    process.env.DATABASE_URL = t.db.url;
    process.env.DATA_DIR = t.db.dataDir;
    const quiet = { log: () => undefined, error: () => undefined };
    try {
      expect(await runCli(['user:create', '--email', 'cli@example.com', '--password', 'cli-password-1', '--role', 'accountant'], quiet)).toBe(0);
      expect(await runCli(['user:create', '--email', 'cli@example.com', '--password', 'cli-password-1', '--role', 'accountant'], quiet)).toBe(1);
      expect(await runCli(['user:create', '--email', 'x@example.com', '--password', 'short', '--role', 'king'], quiet)).toBe(2);
    } finally {
      process.env = saved;
    }
    const agent = await t.login('cli@example.com', 'cli-password-1');
    expect((await agent.get('/')).status).toBe(200);
  });
});
