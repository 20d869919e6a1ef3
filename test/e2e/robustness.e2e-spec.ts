import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { csrf, startTestApp, type Agent, type TestApp } from '../support/app.js';
import { connectExact, startExactSandbox, type ExactTestEnv } from '../support/exact.js';
import { SYNC_TEST_ENV } from '../support/sync.js';

// Bad input gets a clear answer, never a 500: every route, with odd parameters and junk bodies.
let x: ExactTestEnv;
let t: TestApp;
let admin: Agent;
let routes: { method: string; path: string }[];

beforeAll(async () => {
  x = await startExactSandbox();
  t = await startTestApp({ ...x.env, ...SYNC_TEST_ENV });
  const a = await t.createUser('admin');
  admin = await t.login(a.email, a.password);
  await connectExact(x, admin, 'all');
  const router = (t.app.getHttpAdapter().getInstance() as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } }).router;
  routes = router.stack
    .filter((l) => l.route)
    .flatMap((l) => Object.keys(l.route!.methods).map((m) => ({ method: m.toUpperCase(), path: l.route!.path })))
    .filter((r) => !r.path.startsWith('/settings/integrations/exact/disconnect') && r.path !== '/logout');
}, 120_000);

afterAll(async () => {
  await t?.close();
  await x?.close();
});

const fill = (path: string, value: string) => path.replace(/:[A-Za-z]+/g, value);
const JUNK = [{}, { id: 'x', name: '\u0000<script>', amount: 'NaN', 'lines[0][quantity]': '1e400', page: '-1', division: 'abc', locationId: '99999999999999999999' }];

describe('no 500 for bad input', () => {
  it('answers odd GETs and junk POSTs on every route with a 2xx, 3xx or 4xx', async () => {
    expect(routes.length).toBeGreaterThan(50);
    const bad: string[] = [];
    const token = await csrf(admin, '/');
    for (const r of routes) {
      for (const value of ['abc', '999999', '0']) {
        const path = fill(r.path, value);
        if (r.method === 'GET') {
          const res = await admin.get(`${path}?page=-5&sort=%27%3B--&dir=sideways&size=1e9&q=%00&division=x&from=2026-13-45`);
          if (res.status >= 500) bad.push(`GET ${path} → ${res.status}`);
        } else if (r.method === 'POST') {
          for (const body of JUNK) {
            const res = await admin.post(path).type('form').send({ _csrf: token, ...body });
            if (res.status >= 500) bad.push(`POST ${path} ${JSON.stringify(body).slice(0, 40)} → ${res.status}`);
          }
        }
      }
    }
    expect(bad).toEqual([]);
  }, 300_000);

  it('answers every route without a session, and with a long junk body, without a 500', async () => {
    const anon = t.agent();
    const bad: string[] = [];
    const long = 'x'.repeat(20_000);
    for (const r of routes) {
      const path = fill(r.path, '1');
      const res = r.method === 'GET' ? await anon.get(path) : await anon.post(path).type('form').send({ name: long });
      if (res.status >= 500) bad.push(`${r.method} ${path} → ${res.status}`);
    }
    const token = await csrf(admin, '/');
    for (const r of routes.filter((x) => x.method === 'POST')) {
      const res = await admin.post(fill(r.path, '1')).type('form').send({ _csrf: token, name: long, description: long, email: long, q: long });
      if (res.status >= 500) bad.push(`POST ${r.path} (long) → ${res.status}`);
    }
    expect(bad).toEqual([]);
  }, 300_000);
});
