import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import pg from 'pg';
import { csrfFrom, startTestApp, type TestApp } from '../support/app.js';
import { sql, waitFor } from '../support/sync.js';
import { freePort } from '../../src/common/net.js';

// A browser follows a redirect as soon as the headers arrive. What the request that redirects put in the session
// (a one-time message, or the fields of a form posted after the session expired) must already be stored then:
// here the session table is locked, so the session's save cannot complete, and the redirect is followed the moment
// its headers arrive — as Chromium did under load in exact-browser.e2e-spec.ts and journeys.e2e-spec.ts.
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

/** A browser's cookie jar, kept by hand. */
function cookieJar() {
  const jar = new Map<string, string>();
  const take = (setCookies: string[] | undefined) => {
    for (const c of setCookies ?? []) {
      const [kv] = c.split(';');
      const i = kv.indexOf('=');
      jar.set(kv.slice(0, i), kv.slice(i + 1));
    }
  };
  return {
    header: () => [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
    keep: (res: Response) => (take(res.headers.getSetCookie()), res),
    take,
    sid: () => decodeURIComponent(jar.get('koppel.sid')!).replace(/^s:/, '').replace(/\.[^.]+$/, ''),
  };
}
type Jar = ReturnType<typeof cookieJar>;

function get(path: string, jar: Jar): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(`${base}${path}`, { headers: { Cookie: jar.header(), 'Sec-Fetch-Dest': 'document' } }, (res) => {
      jar.take(res.headers['set-cookie']);
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve(text));
    }).on('error', reject);
  });
}

async function login(jar: Jar, email: string, password: string): Promise<void> {
  const page = jar.keep(await fetch(`${base}/login`, { headers: { Cookie: jar.header() } }));
  const token = csrfFrom(await page.text());
  const done = jar.keep(await fetch(`${base}/login`, { method: 'POST', redirect: 'manual', headers: { Cookie: jar.header(), 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: token, email, password }) }));
  expect(done.status).toBe(303);
}

/**
 * Posts a form while `lockSql` keeps the session's save waiting, following the redirect the moment its headers
 * arrive (as a browser does); the lock is let go once the save waits for it and anything already sent has arrived.
 * Returns the status and the page the redirect led to.
 */
async function postWhileSessionSaveWaits(path: string, form: Record<string, string>, jar: Jar, lockSql: string, lockParams: unknown[] = []) {
  const lock = new pg.Client({ connectionString: t.db.url });
  await lock.connect();
  try {
    await lock.query('begin');
    await lock.query(lockSql, lockParams);
    const body = new URLSearchParams(form).toString();
    let followed: Promise<string> | undefined;
    const answered = new Promise<number>((resolve, reject) => {
      const req = http.request(`${base}${path}`, { method: 'POST', headers: { Cookie: jar.header(), Referer: `${base}${path}/new`, 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
        // like a browser: the cookies are taken and the redirect followed at once, without waiting for the rest
        jar.take(res.headers['set-cookie']);
        if (res.headers.location) followed = get(res.headers.location, jar);
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
    const status = await answered;
    return { status, page: await followed! };
  } finally {
    await lock.end();
  }
}

/** An admin, logged in, on the new-location form: the cookie jar and the form's token. */
async function onNewLocationForm() {
  const u = await t.createUser('admin');
  const jar = cookieJar();
  await login(jar, u.email, u.password);
  const form = jar.keep(await fetch(`${base}/settings/locations/new`, { headers: { Cookie: jar.header() } }));
  return { u, jar, token: csrfFrom(await form.text()) };
}

describe('a redirect and the session it needs', () => {
  it('stores a flash message before the redirect reaches the browser, so the next page shows it', async () => {
    const { jar, token } = await onNewLocationForm();
    const typed = { _csrf: token, name: 'Vestiging Flash', code: 'fls', street: 'Oudegracht', houseNumber: '1', postcode: '3511 AB', city: 'Utrecht', country: 'NL' };
    const { status, page } = await postWhileSessionSaveWaits('/settings/locations', typed, jar, 'select sid from session where sid = $1 for update', [jar.sid()]);
    expect(status).toBe(303);
    expect(page).toMatch(/class="flash flash-success"[^>]*>Locatie Vestiging Flash is aangemaakt\./);
  });

  it('stores what was typed after the session expired before sending the browser to the login page, so logging in gives it back', async () => {
    const { u, jar, token } = await onNewLocationForm();
    await sql(t.db.url, 'delete from session'); // the night passes
    const typed = { name: 'Vestiging Nacht', code: 'NACHT', street: 'Oudegracht', houseNumber: '2', postcode: '3511 AB', city: 'Utrecht', country: 'NL' };
    // the new session that holds the fields cannot be stored until the table lock goes (reads still work)
    const { status, page } = await postWhileSessionSaveWaits('/settings/locations', { _csrf: token, ...typed }, jar, 'lock table session in share mode');
    expect(status).toBe(303);
    expect(page).toContain('Uw sessie was verlopen');
    await login(jar, u.email, u.password);
    const back = await get('/settings/locations/new', jar);
    const data = back.match(/<script type="application\/json" id="pending-form">([^<]*)<\/script>/);
    expect(data).not.toBeNull();
    expect(Object.fromEntries((JSON.parse(data![1]) as { fields: [string, string][] }).fields)).toEqual(typed);
  });
});
