import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { csrf, csrfFrom, startTestApp, type Agent, type TestApp } from '../support/app.js';
import { User } from '../../src/modules/users/user.entity.js';
import { PasswordService, MAX_PARALLEL_HASHES, MAX_WAITING_HASHES } from '../../src/modules/auth/password.service.js';
import { LOGIN_LIMITS } from '../../src/modules/auth/login-throttle.service.js';
import { MAX_PAGE } from '../../src/common/pagination.js';

// One app that trusts the loopback proxy (TRUST_PROXY=loopback), so X-Forwarded-For stands for "another machine".
let t: TestApp;
let port = 0;
const PUBLIC = 'http://koppel.test:8080';

const sql = async <T = Record<string, unknown>>(q: string, params: unknown[] = []) =>
  (await t.orm.em.getConnection().execute(q, params)) as T[];
const sessions = async () => Number((await sql<{ n: string }>('select count(*)::int as n from "session"'))[0].n);

beforeAll(async () => {
  t = await startTestApp({ TRUST_PROXY: 'loopback', PUBLIC_BASE_URL: PUBLIC, SYNC_ENABLED: 'false', WEBHOOK_WORKER: 'false', WEBHOOK_CHECK_SECONDS: '0' });
  const server = t.app.getHttpServer();
  if (!server.listening) await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await t?.close();
});

/** Runs fn and returns what Koppel wrote to stderr meanwhile (the setup code is printed there). */
async function captureStderr(fn: () => Promise<unknown>): Promise<string> {
  const original = process.stderr.write.bind(process.stderr);
  let out = '';
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    out += String(chunk);
    return (original as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
  try {
    await fn();
  } finally {
    process.stderr.write = original;
  }
  return out;
}

const ADMIN = { name: 'Anne Admin', email: 'anne@example.com', password: 'a-long-password-1' };
const REMOTE = '203.0.113.7';

describe('first run from another machine (item 6)', () => {
  it('asks no setup code on the machine itself, and a code printed in the log from anywhere else', async () => {
    const local = await t.agent().get('/setup');
    expect(local.status).toBe(200);
    expect(local.text).not.toContain('name="setupCode"');

    const remote = t.agent();
    let page!: import('supertest').Response;
    const log = await captureStderr(async () => {
      page = await remote.get('/setup').set('X-Forwarded-For', REMOTE);
    });
    expect(page.status).toBe(200);
    expect(page.text).toContain('name="setupCode"');
    const code = log.match(/setup code: ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})/)?.[1];
    expect(code).toBeDefined();
    expect(log).toContain(REMOTE);

    const form = { _csrf: csrfFrom(page.text), ...ADMIN, passwordRepeat: ADMIN.password };
    const wrong = await remote.post('/setup').set('X-Forwarded-For', REMOTE).type('form').send({ ...form, setupCode: 'AAAA-BBBB-CCCC' });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('Deze installatiecode klopt niet');
    expect(wrong.text).toContain(`value="${ADMIN.email}"`);
    const none = await remote.post('/setup').set('X-Forwarded-For', REMOTE).type('form').send(form);
    expect(none.status).toBe(422);
    expect(await t.inContext(() => t.orm.em.count(User, {}))).toBe(0);

    const ok = await remote.post('/setup').set('X-Forwarded-For', REMOTE).type('form').send({ ...form, setupCode: code!.toLowerCase() });
    expect(ok.status).toBe(303);
    expect(await t.inContext(() => t.orm.em.count(User, {}))).toBe(1);
  });
});

describe('Host header (item 6)', () => {
  it('answers PUBLIC_BASE_URL\'s host and loopback names with its own port, and refuses every other host', async () => {
    for (const host of ['koppel.test:8080', `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      const res = await t.agent().get('/login').set('Host', host);
      expect([host, res.status]).toEqual([host, 200]);
    }
    for (const host of ['evil.example', `evil.example:${port}`, `localhost:${port + 1}`, 'koppel.test:8081', `127.0.0.2:${port}`, '']) {
      const res = await t.agent().get('/login').set('Host', host);
      expect([host, res.status]).toEqual([host, 421]);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    // health probes come by address
    expect((await t.agent().get('/healthz').set('Host', '10.1.2.3:8080')).status).toBe(200);
  });
});

describe('return addresses (item 2)', () => {
  it('follows only same-origin paths after login, on the login page and after a language switch', async () => {
    const agent = t.agent();
    const page = await agent.get('/login?next=/%5Cevil.example/');
    expect(page.text).not.toContain('evil.example');
    const login = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), email: ADMIN.email, password: ADMIN.password, next: '/\\evil.example/' });
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/');
    const again = await agent.get('/login?next=/%5Cevil.example/');
    expect(again.headers.location).toBe('/');
    expect((await agent.get('/login?next=//evil.example/x')).headers.location).toBe('/');
    expect((await agent.get('/login?next=/customers%3Fpage%3D2')).headers.location).toBe('/customers?page=2');
    const token = await csrf(agent, '/');
    const lang = await agent.post('/language').type('form').send({ _csrf: token, language: 'nl', back: '/\\evil.example' });
    expect(lang.headers.location).toBe('/');
    const pay = await agent.post('/settings/payments').type('form').send({ _csrf: token, back: '/\t/evil.example' });
    expect(pay.headers.location).toBe('/invoices');
  });
});

describe('sessions (item 7)', () => {
  it('stores no session for anonymous requests other than the login and setup pages', async () => {
    const before = await sessions();
    for (const path of ['/', '/invoices', '/settings/users', '/no-such-page', '/healthz', '/css/app.css', '/account/password']) {
      const res = await t.agent().get(path);
      expect([path, ([] as string[]).concat(res.headers['set-cookie'] ?? []).some((c) => c.startsWith('koppel.sid'))]).toEqual([path, false]);
    }
    await t.agent().get('/invoices').set('HX-Request', 'true');
    expect(await sessions()).toBe(before);
    await t.agent().get('/login');
    expect(await sessions()).toBe(before + 1);
  });

  it('ends a session after its absolute lifetime, however active', async () => {
    const agent = await t.login(ADMIN.email, ADMIN.password);
    expect((await agent.get('/')).status).toBe(200);
    const [{ id }] = await sql<{ id: number }>('select id from users where email = ?', [ADMIN.email]);
    // the login is SESSION_MAX_HOURS (24 h) and one minute old
    const started = Date.now() - t.config.sessionMaxAgeMs - 60_000;
    await sql(`update "session" set sess = jsonb_set(sess, '{createdAt}', to_jsonb(?::bigint)) where (sess->>'userId')::int = ?`, [started, id]);
    const after = await agent.get('/');
    expect(after.status).toBe(303);
    expect(after.headers.location).toMatch(/^\/login/);
    expect((await agent.get('/settings/users')).status).toBe(303);
  });

  it('sends pages of a logged-in user with Cache-Control: no-store', async () => {
    const agent = await t.login(ADMIN.email, ADMIN.password);
    for (const path of ['/', '/customers', '/settings/users', '/account/password']) {
      expect([path, (await agent.get(path)).headers['cache-control']]).toEqual([path, 'no-store']);
    }
    expect((await t.agent().get('/login')).headers['cache-control'] ?? '').not.toContain('no-store');
  });
});

describe('own password (item 7)', () => {
  it('lets a user change their own password; other sessions end', async () => {
    const user = await t.createUser('planner', 'own@example.com', 'first-password-1');
    const a = await t.login(user.email, user.password);
    const b = await t.login(user.email, user.password);
    const form = await a.get('/account/password');
    expect(form.status).toBe(200);
    const token = csrfFrom(form.text);
    const wrong = await a.post('/account/password').type('form').send({ _csrf: token, current: 'not-it-at-all', password: 'second-password-2', passwordRepeat: 'second-password-2' });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('Dit is niet uw huidige wachtwoord');
    expect(wrong.text).not.toContain('second-password-2');
    const mismatch = await a.post('/account/password').type('form').send({ _csrf: token, current: user.password, password: 'second-password-2', passwordRepeat: 'other' });
    expect(mismatch.status).toBe(422);
    const ok = await a.post('/account/password').type('form').send({ _csrf: token, current: user.password, password: 'second-password-2', passwordRepeat: 'second-password-2' });
    expect(ok.status).toBe(303);
    expect((await a.get('/')).status).toBe(200);
    expect((await b.get('/')).status).toBe(303);
    await expect(t.login(user.email, user.password)).rejects.toThrow(/401/);
    await t.login(user.email, 'second-password-2');
  });
});

describe('OAuth callback (item 7)', () => {
  it('shows the fixed message, never the text of a callback whose state did not check', async () => {
    const admin = await t.login(ADMIN.email, ADMIN.password);
    const evil = 'Call 0800-EVIL to restore your account';
    for (const error of ['access_denied', 'server_error']) {
      const res = await admin.get(`/settings/integrations/exact/callback?error=${error}&error_description=${encodeURIComponent(evil)}&state=forged`);
      expect(res.status).toBe(303);
      const page = await admin.get('/settings/integrations/exact');
      expect(page.text).toContain('hoorde niet bij deze sessie');
      expect(page.text).not.toContain('0800-EVIL');
    }
    // also after a connection was started (a state is stored) but the answer carries another one
    const token = await csrf(admin, '/settings/integrations/exact');
    expect((await admin.post('/settings/integrations/exact/connect').type('form').send({ _csrf: token })).status).toBe(302);
    await admin.get(`/settings/integrations/exact/callback?error=access_denied&error_description=${encodeURIComponent(evil)}&state=forged`);
    const page = await admin.get('/settings/integrations/exact');
    expect(page.text).toContain('hoorde niet bij deze sessie');
    expect(page.text).not.toContain('0800-EVIL');
  });
});

describe('input at the edge (item 7)', () => {
  it('clamps page numbers on every list instead of answering 500', async () => {
    const admin = await t.login(ADMIN.email, ADMIN.password);
    const lists = ['/customers', '/settings/locations', '/invoices', '/sync/history', '/settings/integrations/exact/calls'];
    for (const list of lists) {
      for (const page of ['99999999999999999999', '1e400', String(MAX_PAGE + 1), '-5', 'abc']) {
        const res = await admin.get(`${list}?page=${page}`);
        expect([list, page, res.status]).toEqual([list, page, 200]);
      }
    }
  });

  it('answers 404, never 500, for a record id in a URL that is no positive PostgreSQL integer', async () => {
    const admin = await t.login(ADMIN.email, ADMIN.password);
    const pages = ['/customers/:id', '/invoices/:id', '/settings/locations/:id/edit', '/settings/locations/:id/delete', '/products/:id/edit', '/invoices/:id/pdf'];
    for (const page of pages) {
      for (const id of ['99999999999', '2147483648', '1e3', '0', '-1', 'abc']) {
        const res = await admin.get(page.replace(':id', id));
        expect([page, id, res.status]).toEqual([page, id, 404]);
      }
    }
  });

  it('refuses an Exact ID that is no GUID with 422', async () => {
    const admin = await t.login(ADMIN.email, ADMIN.password);
    const [{ id }] = await sql<{ id: number }>(
      `insert into locations (name, code, street, house_number, postcode, city, country, exact_division, customer_send_moment)
       values ('Vestiging G', 'GUID', 'Stationsweg', '1', '3511 AA', 'Utrecht', 'NL', 4711, 'saved') returning id`,
    );
    const token = await csrf(admin, '/customers/new');
    for (const exactId of ["x' or 1 eq 1 or ID eq 'x", 'not-a-guid', '0'.repeat(40)]) {
      const res = await admin.post('/customers/import').type('form').send({ _csrf: token, locationId: id, exactId, type: 'business' });
      expect([exactId, res.status]).toEqual([exactId, 422]);
    }
  });
});

describe('roles (item 8)', () => {
  let planner: Agent;
  beforeAll(async () => {
    const p = await t.createUser('planner');
    planner = await t.login(p.email, p.password);
  });

  it('keeps planners out of invoices, PDFs and payments, and from creating or changing customers', async () => {
    for (const path of ['/invoices', '/invoices/1', '/invoices/1/pdf', '/invoices/1/payments', '/customers/new', '/customers/1/edit']) {
      expect([path, (await planner.get(path)).status]).toEqual([path, 403]);
    }
    const token = await csrf(planner, '/customers');
    for (const path of ['/customers', '/customers/1', '/customers/import']) {
      expect([path, (await planner.post(path).type('form').send({ _csrf: token, name: 'X' })).status]).toEqual([path, 403]);
    }
    expect((await planner.get('/customers')).status).toBe(200);
  });
});

// last: these use up the loopback address' login attempts
describe('login throttling (item 3)', () => {
  const attempt = (email: string, ip?: string) => async () => {
    const agent = t.agent();
    const page = await agent.get('/login');
    const req = agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), email, password: 'wrong-password-x' });
    if (ip) req.set('X-Forwarded-For', ip);
    return (await req).status;
  };

  it('evaluates at most the limit of 40 parallel wrong passwords for one account', async () => {
    const user = await t.createUser('planner', 'parallel@example.com');
    const statuses = await Promise.all(Array.from({ length: 40 }, () => attempt(user.email)()));
    const evaluated = statuses.filter((s) => s === 401).length;
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect(evaluated).toBeGreaterThan(0);
    expect(evaluated).toBeLessThanOrEqual(LOGIN_LIMITS.accountAndAddress);
    // the right password is refused too while the account is blocked for this address
    const agent = t.agent();
    const page = await agent.get('/login');
    const right = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), email: user.email, password: user.password });
    expect(right.status).toBe(429);
  });

  it('limits one account over all client addresses', async () => {
    const user = await t.createUser('planner', 'spread@example.com');
    const statuses = await Promise.all(Array.from({ length: 40 }, (_, i) => attempt(user.email, `198.51.100.${i + 1}`)()));
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(LOGIN_LIMITS.account);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(40 - LOGIN_LIMITS.account);
  });

  it('counts a trusted proxy\'s client address, and a successful login gives its attempt back', async () => {
    const user = await t.createUser('planner', 'proxy@example.com');
    for (let i = 0; i < LOGIN_LIMITS.accountAndAddress; i++) expect(await attempt(user.email, '192.0.2.1')()).toBe(401);
    expect(await attempt(user.email, '192.0.2.1')()).toBe(429);
    // another address is still let through
    const agent = t.agent();
    const page = await agent.get('/login');
    const ok = await agent.post('/login').set('X-Forwarded-For', '192.0.2.2').type('form').send({ _csrf: csrfFrom(page.text), email: user.email, password: user.password });
    expect(ok.status).toBe(303);
  });

  it('runs a bounded number of password hashes at once and refuses a pile beyond the queue', async () => {
    const passwords = t.app.get(PasswordService);
    const hashed = await passwords.hash('some-password-123');
    passwords.peakParallel = 0;
    const burst = MAX_PARALLEL_HASHES + MAX_WAITING_HASHES + 8;
    const results = await Promise.allSettled(Array.from({ length: burst }, () => passwords.verify(hashed, 'wrong-password')));
    expect(passwords.peakParallel).toBeLessThanOrEqual(MAX_PARALLEL_HASHES);
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused.length).toBeGreaterThanOrEqual(8);
    expect(refused.every((r) => (r as PromiseRejectedResult).reason?.status === 429)).toBe(true);
    expect(results.filter((r) => r.status === 'fulfilled').every((r) => (r as PromiseFulfilledResult<boolean>).value === false)).toBe(true);
  });
});
