import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { csrf, csrfFrom, startTestApp, type Agent, type TestApp } from '../support/app.js';
import { sql } from '../support/sync.js';
import type { Role } from '../../src/modules/users/user.entity.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

/** The hrefs of the links in one navigation element of a page. */
function links(html: string, cls: 'mainnav' | 'subnav'): string[] {
  const m = html.match(new RegExp(`<(nav|aside) class="${cls}"[^>]*>([\\s\\S]*?)</(nav|aside)>`));
  return m ? [...m[2].matchAll(/href="([^"]+)"/g)].map((x) => x[1]) : [];
}

/** GET a path, following same-site redirects; the final status. */
async function finalStatus(agent: Agent, path: string): Promise<number> {
  let res = await agent.get(path);
  for (let i = 0; i < 5 && res.status === 303; i++) res = await agent.get(res.headers.location);
  return res.status;
}

describe('navigation per role', () => {
  const expected: Record<Role, string[]> = {
    admin: ['/', '/customers', '/invoices', '/accounting', '/planning/board', '/time', '/sync', '/settings'],
    accountant: ['/', '/customers', '/invoices', '/accounting', '/planning/board', '/time', '/sync', '/settings'],
    planner: ['/', '/planning/board', '/time', '/sync'],
  };

  for (const role of ['admin', 'accountant', 'planner'] as const) {
    it(`shows a ${role} only what the ${role} may open, and every item opens`, async () => {
      const u = await t.createUser(role);
      const agent = await t.login(u.email, u.password);
      const home = await agent.get('/');
      const main = links(home.text, 'mainnav');
      expect(main).toEqual(expected[role]);
      for (const href of main) expect([href, await finalStatus(agent, href)]).toEqual([href, 200]);
      // the settings sub-navigation: users and integrations only for admins
      if (main.includes('/settings')) {
        const sub = links((await agent.get('/settings/locations')).text, 'subnav');
        expect(sub).toEqual(role === 'admin' ? ['/settings/locations', '/settings/users', '/settings/integrations'] : ['/settings/locations']);
        for (const href of sub) expect([href, await finalStatus(agent, href)]).toEqual([href, 200]);
      }
      // the dashboard offers no set-up steps a non-admin cannot take
      if (role !== 'admin') expect(home.text).not.toContain('href="/settings/integrations');
      if (role === 'planner') for (const href of ['/invoices', '/customers', '/accounting', '/settings/locations']) expect(home.text).not.toContain(`href="${href}"`);
    });
  }
});

describe('logging out and an expired session', () => {
  it('says so after logging out', async () => {
    const u = await t.createUser('accountant');
    const agent = await t.login(u.email, u.password);
    const token = await csrf(agent, '/');
    const res = await agent.post('/logout').type('form').send({ _csrf: token });
    expect(res.headers.location).toBe('/login?loggedOut=1');
    const page = await agent.get(res.headers.location);
    expect(page.text).toContain('U bent uitgelogd.');
  });

  it('keeps a form typed into when the session expired, and gives it back on the page after logging in', async () => {
    const u = await t.createUser('admin');
    const agent = await t.login(u.email, u.password);
    const form = await agent.get('/settings/locations/new');
    await sql(t.db.url, 'delete from session'); // the session expires (all of them, as after 12 idle hours)
    const typed = { name: 'Vestiging </script> Breda', code: 'BRD', street: 'Grote Markt', houseNumber: '1', postcode: '4811 XS', city: 'Breda', country: 'NL' };
    const post = await agent.post('/settings/locations').type('form').set('Referer', 'http://127.0.0.1/settings/locations/new').send({ _csrf: csrfFrom(form.text), ...typed });
    expect(post.status).toBe(303);
    expect(post.headers.location).toBe('/login?next=%2Fsettings%2Flocations%2Fnew&expired=1');
    const login = await agent.get(post.headers.location);
    expect(login.text).toContain('Uw sessie was verlopen');
    const back = await agent.post('/login').type('form').send({ _csrf: csrfFrom(login.text), email: u.email, password: u.password, next: '/settings/locations/new' });
    expect(back.headers.location).toBe('/settings/locations/new');
    const page = await agent.get('/settings/locations/new');
    const data = page.text.match(/<script type="application\/json" id="pending-form">([^<]*)<\/script>/);
    expect(data).not.toBeNull();
    const pending = JSON.parse(data![1]) as { action: string; fields: [string, string][] };
    expect(pending.action).toBe('/settings/locations');
    expect(Object.fromEntries(pending.fields)).toEqual(typed);
    expect(page.text).toContain('staat weer in het formulier');
    // given back once
    expect((await agent.get('/settings/locations/new')).text).not.toContain('id="pending-form"');
    // nothing was saved behind the user's back
    expect(await sql(t.db.url, "select 1 from locations where code = 'BRD'")).toEqual([]);
  });

  it('sends an htmx request without a session to the login page with the full page as next, never the fragment', async () => {
    const get = await t.agent().get('/accounting/imports/journals?division=1').set('HX-Request', 'true').set('HX-Current-URL', 'http://127.0.0.1:3000/accounting/journals?division=1');
    expect(get.status).toBe(401);
    expect(get.headers['hx-redirect']).toBe('/login?next=%2Faccounting%2Fjournals%3Fdivision%3D1');

    const u = await t.createUser('admin');
    const agent = await t.login(u.email, u.password);
    const token = await csrf(agent, '/accounting/journals');
    await sql(t.db.url, 'delete from session');
    const post = await agent.post('/accounting/journals/import').type('form').set('HX-Request', 'true').set('X-CSRF-Token', token)
      .set('HX-Current-URL', 'http://127.0.0.1:3000/accounting/journals?division=7').send({ division: '7' });
    expect(post.status).toBe(401);
    expect(post.headers['hx-redirect']).toMatch(/^\/login\?next=%2Faccounting%2Fjournals%3Fdivision%3D7&expired=1$/);
    // only the page's path is taken, so the way back never leaves the site
    const offsite = await t.agent().get('/invoices/form/line?index=3').set('HX-Request', 'true').set('HX-Current-URL', 'https://evil.example//evil.example/steal');
    expect(offsite.headers['hx-redirect']).toBe('/login?next=%2F');
  });

  it('gives a logged-in user whose form token went stale the form back instead of an error page', async () => {
    const u = await t.createUser('admin');
    const agent = await t.login(u.email, u.password);
    await agent.get('/settings/locations/new');
    const res = await agent.post('/settings/locations').type('form').set('Referer', 'http://127.0.0.1/settings/locations/new').send({ _csrf: 'stale', name: 'Vestiging Tilburg' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/settings/locations/new');
    const page = await agent.get('/settings/locations/new');
    expect(page.text).toContain('Vestiging Tilburg');
  });
});
