import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import pg from 'pg';
import { csrfFrom, startTestApp, type TestApp } from '../support/app.js';
import { waitFor } from '../support/sync.js';
import { freePort } from '../../src/common/net.js';

// A browser follows a redirect as soon as the headers arrive. The one-time message set by the request that
// redirects must already be stored then: here the session row is locked, so its save cannot complete, and the
// redirect is followed the moment its headers arrive — as Chromium did under load in exact-browser.e2e-spec.ts.
let t: TestApp;
let base: string;

beforeAll(async () => {
  t = await startTestApp();
  const port = await freePort();
  await t.app.listen(port, '127.0.0.1');
  base = `http://127.0.0.1:${port}`;
}, 120_000);

afterAll(async () => {
  await t?.close();
});

function get(path: string, cookie: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(`${base}${path}`, { headers: { Cookie: cookie, 'Sec-Fetch-Dest': 'document' } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve(text));
    }).on('error', reject);
  });
}

describe('a flash message and the redirect that carries it', () => {
  it('is stored before the redirect reaches the browser, so the next page shows it', async () => {
    const u = await t.createUser('admin');
    // log in as a browser would, keeping the cookies by hand
    const jar = new Map<string, string>();
    const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const keep = (res: Response) => {
      for (const c of res.headers.getSetCookie()) { const [kv] = c.split(';'); const i = kv.indexOf('='); jar.set(kv.slice(0, i), kv.slice(i + 1)); }
      return res;
    };
    const login = keep(await fetch(`${base}/login`));
    const loginToken = csrfFrom(await login.text());
    const done = keep(await fetch(`${base}/login`, { method: 'POST', redirect: 'manual', headers: { Cookie: cookie(), 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: loginToken, email: u.email, password: u.password }) }));
    expect(done.status).toBe(303);
    const form = keep(await fetch(`${base}/settings/locations/new`, { headers: { Cookie: cookie() } }));
    const token = csrfFrom(await form.text());
    const sid = decodeURIComponent(jar.get('koppel.sid')!).replace(/^s:/, '').replace(/\.[^.]+$/, '');

    const lock = new pg.Client({ connectionString: t.db.url });
    await lock.connect();
    try {
      await lock.query('begin');
      expect((await lock.query('select sid from session where sid = $1 for update', [sid])).rowCount).toBe(1);
      const body = new URLSearchParams({ _csrf: token, name: 'Vestiging Flash', code: 'fls', street: 'Oudegracht', houseNumber: '1', postcode: '3511 AB', city: 'Utrecht', country: 'NL' }).toString();
      let followed: Promise<string> | undefined;
      const answered = new Promise<number>((resolve, reject) => {
        const req = http.request(`${base}/settings/locations`, { method: 'POST', headers: { Cookie: cookie(), 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
          // like a browser: the redirect is followed at once, without waiting for the rest of the response
          if (res.headers.location) followed = get(res.headers.location, cookie());
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(body);
      });
      // the session's save waits for our lock
      await waitFor(async () => {
        const { rows } = await lock.query("select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query ilike '%session%' and pid <> pg_backend_pid()");
        return rows[0].n > 0 ? true : undefined;
      }, 'the session save waits for the lock', 30_000);
      // a round trip to the app, so that anything it has already sent has arrived (and a redirect been followed)
      await fetch(`${base}/healthz`);
      await lock.query('commit');
      expect(await answered).toBe(303);
      const page = await followed!;
      expect(page).toMatch(/class="flash flash-success"[^>]*>Locatie Vestiging Flash is aangemaakt\./);
    } finally {
      await lock.end();
    }
  });
});
