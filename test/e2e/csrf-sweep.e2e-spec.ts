import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { csrf, startTestApp, type Agent, type TestApp } from '../support/app.js';
import { sql } from '../support/sync.js';

/**
 * A sweep over every state-changing route the app registers (POST, PUT, PATCH, DELETE): without a CSRF
 * token, or with the token of another session, each one is refused with 403 and the CSRF message, and
 * nothing in the database changes. The only routes left out are machine endpoints listed below with why.
 */

/** Machine endpoints without CSRF token (MACHINE_PATHS in src/bootstrap.ts), each with its own protection. */
const MACHINE_ENDPOINTS: Record<string, string> = {
  // Exact's webhook callback: no session, no browser; every notification is checked by its HMAC signature
  'POST /webhooks/exact': 'signed by Exact (HMAC over the raw body with EXACT_WEBHOOK_SECRET)',
};

let t: TestApp;
let admin: Agent;
let otherToken: string;

beforeAll(async () => {
  t = await startTestApp({ SYNC_ENABLED: 'false', SYNC_TIMERS: 'false', WEBHOOK_WORKER: 'false' });
  const a = await t.createUser('admin');
  admin = await t.login(a.email, a.password);
  const b = await t.createUser('admin');
  const other = await t.login(b.email, b.password);
  otherToken = await csrf(other, '/');
}, 120_000);

afterAll(async () => {
  await t?.close();
});

interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Every route registered on the Express app, as "METHOD /path". */
function registeredRoutes(): string[] {
  const express = t.app.getHttpAdapter().getInstance() as { router?: { stack: RouteLayer[] }; _router?: { stack: RouteLayer[] } };
  const stack = (express.router ?? express._router)!.stack;
  const out = new Set<string>();
  for (const layer of stack) {
    if (!layer.route) continue;
    for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') out.add(`${method.toUpperCase()} ${layer.route.path}`);
  }
  return [...out].sort();
}

/** A concrete URL for a route pattern (":id" → 1). */
const concrete = (path: string) => path.replace(/:(\w+)(\([^)]*\))?/g, (_, name: string) => (/id$/i.test(name) ? '1' : 'x'));

/** A fingerprint of every table in the public schema except the sessions (whose expiry moves on each request): one query. */
async function snapshot(): Promise<Record<string, string>> {
  const tables = await sql<{ t: string }>(t.db.url, `select table_name t from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not in ('session', 'sessions') order by 1`);
  const query = tables.map(({ t: name }) => `select '${name}' t, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) h from "${name}" x`).join(' union all ');
  const rows = await sql<{ t: string; h: string }>(t.db.url, query);
  return Object.fromEntries(rows.map((r) => [r.t, r.h]));
}

const CHUNKS = 4;

describe('CSRF on every state-changing route', () => {
  let sweep: string[] = [];
  let before: Record<string, string>;

  beforeAll(async () => {
    const routes = registeredRoutes();
    const changing = routes.filter((r) => /^(POST|PUT|PATCH|DELETE) /.test(r));
    // the sweep sees the real route table (a sanity check that enumeration works)
    expect(routes).toContain('GET /invoices');
    expect(changing).toEqual(expect.arrayContaining(['POST /login', 'POST /accounting/export/run', 'POST /accounting/export/requeue', 'POST /invoices/:id/finalize', 'POST /webhooks/exact']));
    expect(changing.length).toBeGreaterThan(40);
    // every exception is a documented machine endpoint that the app really has
    for (const e of Object.keys(MACHINE_ENDPOINTS)) expect(changing).toContain(e);
    sweep = changing.filter((r) => !MACHINE_ENDPOINTS[r]);
    before = await snapshot();
  });

  // the routes in four parts (each part its own test), every route in exactly one part
  it.each(Array.from({ length: CHUNKS }, (_, i) => i))('refuses part %i of the POST/PUT/PATCH/DELETE routes without a valid token (403, CSRF message)', async (part) => {
    const mine = sweep.filter((_, i) => i % CHUNKS === part);
    expect(mine.length).toBeGreaterThan(0);
    const accepted: string[] = [];
    let next = 0;
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (next < mine.length) {
        const route = mine[next++];
        const [method, path] = route.split(' ');
        const url = concrete(path);
        const send = () => admin[method.toLowerCase() as 'post'](url);
        const attempts = [
          send().type('form').send({ name: 'csrf-sweep' }),
          send().type('form').send({ _csrf: otherToken, name: 'csrf-sweep' }),
          send().set('HX-Request', 'true').set('X-CSRF-Token', otherToken).type('form').send({ name: 'csrf-sweep' }),
        ];
        for (const res of await Promise.all(attempts)) {
          if (res.status !== 403 || !res.text.includes('Uw formulier is verlopen')) accepted.push(`${route} → ${res.status}`);
        }
      }
    }));
    expect(accepted).toEqual([]);
  });

  it('changed nothing in the database during the sweep', async () => {
    expect(sweep.length).toBeGreaterThan(40);
    expect(await snapshot()).toEqual(before);
  });

  it('leaves out only machine endpoints that protect themselves: an unsigned webhook is refused', async () => {
    const res = await t.agent().post('/webhooks/exact').set('Content-Type', 'application/json').send(JSON.stringify({ Content: { Topic: 'Accounts', Division: 1, Key: 'x' } }));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});
