import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { csrf, csrfFrom, startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('CSRF after login', () => {
  it('accepts the first POST of a fresh session, also after a pause', async () => {
    const u = await t.createUser('admin');
    const agent = await t.login(u.email, u.password);
    await new Promise((r) => setTimeout(r, 1500));
    const page = await agent.get('/settings/locations/new');
    const res = await agent.post('/settings/locations').type('form').send({ _csrf: csrfFrom(page.text), name: 'X', code: 'CSRF1', street: 's', houseNumber: '1', postcode: '1234 AB', city: 'c', country: 'NL' });
    expect(res.status).toBe(303);
  });

  it('explains an expired form with the CSRF message', async () => {
    const u = await t.createUser('admin');
    const agent = await t.login(u.email, u.password);
    await csrf(agent, '/');
    const res = await agent.post('/settings/locations').type('form').send({ _csrf: 'stale', name: 'X' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('Uw formulier is verlopen');
  });
});
