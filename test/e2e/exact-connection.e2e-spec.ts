import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { csrf, startTestApp, type Agent, type TestApp } from '../support/app.js';
import { advanceClocks, connectExact, startExactSandbox, type ExactTestEnv } from '../support/exact.js';
import { ExactClient } from '../../src/exact/exact.client.js';
import { ExactTokenService } from '../../src/exact/token.service.js';
import { ExactBlockedError, ExactForbiddenError, ExactValidationError } from '../../src/exact/errors.js';
import { f } from '../../src/exact/odata.js';
import { waitFor } from '../support/sync.js';
import { PG_POOL } from '../../src/database/pg-pool.js';
import type pg from 'pg';
import { ExactRateLimiter } from '../../src/exact/rate-limiter.js';
import { APP_CONFIG } from '../../src/config/config.js';
import { Clock } from '../../src/common/clock.js';
import { SyncService } from '../../src/modules/sync/sync.service.js';
import { SUBSCRIPTIONS_CHECK_TASK } from '../../src/modules/webhooks/webhook.maintenance.js';

let x: ExactTestEnv;
let t: TestApp;
let admin: Agent;
const D1 = 1234567;
const D2 = 2345678;
const D3 = 3456789;

beforeAll(async () => {
  x = await startExactSandbox({ volume: 1100 });
  t = await startTestApp(x.env);
  const a = await t.createUser('admin');
  admin = await t.login(a.email, a.password);
}, 120_000);

afterAll(async () => {
  await t?.close();
  await x?.close();
});

const row = async () => (await t.app.get<pg.Pool>(PG_POOL).query('select * from exact_connection where id = 1')).rows[0];
const client = () => t.app.get(ExactClient);

describe('connecting', () => {
  it('shows "not connected" with a Connect button first', async () => {
    const page = await admin.get('/settings/integrations/exact');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Koppel Exact Online');
    expect(page.text).toContain('nog niet gekoppeld');
  });

  it('refuses a planner (403)', async () => {
    const p = await t.createUser('planner');
    const planner = await t.login(p.email, p.password);
    expect((await planner.get('/settings/integrations/exact')).status).toBe(403);
  });

  it('keeps nothing when consent is denied or the state does not match', async () => {
    // consent refused in Exact: the answer to the connection this session started (its own state)
    const start = await admin.post('/settings/integrations/exact/connect').type('form').send({ _csrf: await csrf(admin, '/settings/integrations/exact') });
    const state = new URL(start.headers.location).searchParams.get('state') ?? '';
    const denied = await admin.get(`/settings/integrations/exact/callback?error=access_denied&error_description=User+denied&state=${encodeURIComponent(state)}`);
    expect(denied.status).toBe(303);
    let page = await admin.get('/settings/integrations/exact');
    expect(page.text).toContain('geen toestemming gegeven');
    // the same answer with a state of its own (a crafted link) gets the fixed message, not its text (issue 13)
    await admin.get('/settings/integrations/exact/callback?error=access_denied&error_description=Bel+0800-EVIL&state=x');
    page = await admin.get('/settings/integrations/exact');
    expect(page.text).toContain('hoorde niet bij deze sessie');
    expect(page.text).not.toContain('0800-EVIL');
    expect(await row()).toBeUndefined();

    const { code } = await x.control<{ code: string }>('authorize', { clientId: x.client.clientId, divisions: 'all' });
    await admin.get(`/settings/integrations/exact/callback?code=${encodeURIComponent(code)}&state=forged`);
    page = await admin.get('/settings/integrations/exact');
    expect(page.text).toContain('hoorde niet bij deze sessie');
    expect(await row()).toBeUndefined();
  });

  it('connects through passport-oauth2 and stores user, divisions and sealed tokens', async () => {
    const res = await connectExact(x, admin, [D1, D2]);
    expect(res.status).toBe(303);
    // the connect queued the webhook subscription check (a sync-engine job): it ends before the tests below count
    // calls per division, so its calls never fall into their minute
    const sync = t.app.get(SyncService);
    await waitFor(async () => ['ok', 'failed'].includes((await sync.taskStatus(SUBSCRIPTIONS_CHECK_TASK, 'check')).state) || undefined, 'the subscription check after connecting', 60_000);
    const page = await admin.get('/settings/integrations/exact');
    expect(page.text).toContain('Exact Online is gekoppeld');
    expect(page.text).toContain('Van Dijk Installatietechniek');
    expect(page.text).toContain('De Groot Advies');
    expect(page.text).not.toContain('Peeters &amp; Janssens');
    const r = await row();
    expect(r.status).toBe('connected');
    expect(r.access_token_sealed).toMatch(/^v1:/);
    expect(r.refresh_token_sealed).toMatch(/^v1:/);
    const token = await t.app.get(ExactTokenService).accessToken();
    expect(r.access_token_sealed).not.toContain(token);
  });

  it('reaches each granted division explicitly; a division not granted gives Exact\'s reason', async () => {
    const me = await client().me();
    expect(me.UserName).toBeTruthy();
    const first = await client().division(D2).accounts.first({ filter: f.ne('Name', ''), select: ['ID', 'Code', 'Name'] });
    expect(first?.Code).toHaveLength(18);
    await expect(client().division(D3).accounts.first({ filter: f.ne('Name', '') })).rejects.toThrow(ExactForbiddenError);
    await expect(client().division(D3).journals.first({ filter: f.ne('Code', '') })).rejects.toMatchObject({
      constructor: ExactForbiddenError,
      exactMessage: expect.stringContaining('not within division scope'),
    });
  });
});

describe('the client', () => {
  it('pages through more than 1000 records on normal, bulk and sync endpoints, each record once', async () => {
    const d = client().division(D1);
    const select = ['ID', 'Timestamp'];
    const normal = await d.resource<{ ID: string }>('financialtransaction/TransactionLines').all({ filter: f.ge('FinancialYear', 2000), select: ['ID'] }, { kind: 'background' });
    const bulk: string[] = [];
    for await (const r of d.resource<{ ID: string }>('bulk/Financial/TransactionLines').list({ filter: f.ge('FinancialYear', 2000), select: ['ID'] }, { kind: 'background' })) bulk.push(r.ID);
    const sync: string[] = [];
    let cursor = 1n;
    let pages = 0;
    for await (const p of d.sync<{ ID: string; Timestamp: bigint }>('sync/Financial/TransactionLines').changes(1n, select, { kind: 'background' })) {
      pages++;
      sync.push(...p.rows.map((r) => r.ID));
      expect(p.cursor > cursor).toBe(true);
      cursor = p.cursor;
    }
    expect(normal.length).toBeGreaterThan(1000);
    expect(new Set(normal.map((r) => r.ID)).size).toBe(normal.length);
    expect(new Set(bulk).size).toBe(bulk.length);
    expect(bulk.length).toBe(normal.length);
    expect(new Set(sync).size).toBe(sync.length);
    expect(sync.length).toBeGreaterThanOrEqual(normal.length);
    expect(pages).toBeGreaterThanOrEqual(2);
    // the cursor is the highest Timestamp: asking again from it yields nothing new
    const again = [];
    for await (const p of d.sync('sync/Financial/TransactionLines').changes(cursor, select)) again.push(...p.rows);
    expect(again).toHaveLength(0);
  });

  it('pads codes, parses /Date()/ and Int64 at the edge', async () => {
    const d = client().division(D1);
    const acc = await d.accounts.first({ filter: f.ne('Name', ''), select: ['ID', 'Code'] });
    const byCode = await d.accounts.first({ filter: f.code('Code', acc!.Code.trim()), select: ['ID', 'Code', 'Name', 'Modified'] });
    expect(byCode?.ID).toBe(acc!.ID);
    expect(byCode?.Modified).toBeInstanceOf(Date);
    const synced = await d.accountsSync.changes(1n, ['ID', 'Timestamp']).next();
    expect(typeof synced.value!.rows[0].Timestamp).toBe('bigint');
  });

  it('keeps Exact\'s validation text verbatim', async () => {
    const entry = { Journal: '999', Customer: '00000000-0000-0000-0000-000000000000', SalesEntryLines: [] };
    const error = await client().division(D1).salesEntries.create(entry as never).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ExactValidationError);
    // the same request sent straight to the sandbox: the text Exact answers with, which the error must carry unchanged
    const raw = await fetch(`${x.sandbox.url}/api/v1/${D1}/salesentry/SalesEntries`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await t.app.get(ExactTokenService).accessToken()}`, Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify(entry),
    });
    expect(raw.status).toBe(400);
    const exactText = ((await raw.json()) as { error: { message: { value: string } } }).error.message.value;
    expect(exactText.length).toBeGreaterThan(10);
    expect((error as ExactValidationError).exactMessage).toBe(exactText);
  });

  it('survives injected 500s and 429s without causing an extra 429 itself', async () => {
    await x.control('faults', { status: 500, count: 2, endpoints: ['financial/Journals'] });
    const journals = await client().division(D1).journals.all({ filter: f.ne('Code', ''), select: ['Code'] });
    expect(journals.length).toBeGreaterThan(5);
    await x.control('faults', { status: 429, count: 1, endpoints: ['vat/VATCodes'] });
    // after a 429 Koppel waits for the minute's reset (API.md §4.3) before it calls again: once the sandbox has answered
    // that 429, move both clocks past the reset (without it the test waited for the wall-clock minute, 0–60 s)
    const refused = () => x.requests({ endpoint: 'vat/vatcodes', division: D1, status: 429 });
    const reading = client().division(D1).vatCodes.all({ filter: f.ne('Code', ''), select: ['Code'] });
    await waitFor(async () => ((await refused()) > 0 ? true : undefined), 'the 429 on the VAT codes', 30_000);
    await advanceClocks(x, [t], 61);
    const vat = await reading;
    expect(vat.length).toBeGreaterThan(2);
    await x.control('faults', undefined, 'DELETE');
    // what the sandbox answered: the injected faults and not one 429 of its own (the 429 counts only the injected one)
    expect(await x.requests({ endpoint: 'financial/journals', division: D1, status: 500 })).toBe(2);
    expect(await x.requests({ endpoint: 'vat/vatcodes', division: D1, status: 429 })).toBe(1);
    expect(await x.requests({ status: 429 })).toBe(1);
    // and Koppel's call log shows them
    const log = await t.app.get<pg.Pool>(PG_POOL).query(
      `select endpoint, status, count(*)::int as n from exact_api_call where endpoint in ('financial/Journals', 'vat/VATCodes') group by 1, 2 order by 1, 2`,
    );
    expect(log.rows).toEqual(expect.arrayContaining([
      { endpoint: 'financial/Journals', status: 500, n: 2 },
      { endpoint: 'vat/VATCodes', status: 429, n: 1 },
    ]));
  });

  it('waits for the next minute instead of running into the limit', async () => {
    await x.control('limits', { minutely: 5, resetCounters: true });
    try {
      const d = client().division(D2);
      await d.journals.first({ filter: f.ne('Code', ''), select: ['Code'] }); // learns the (new) limit from the headers
      const started = [];
      for (let i = 0; i < 8; i++) started.push(d.journals.first({ filter: f.ne('Code', ''), select: ['Code'] }));
      // the limiter lets four more through (five in this minute, counted by the sandbox) and holds the rest;
      // then both clocks move past the minute
      const journals = () => x.requests({ endpoint: 'financial/journals', division: D2, status: 200 });
      await waitFor(async () => ((await journals()) >= 5 ? true : undefined), 'five calls answered', 30_000);
      await advanceClocks(x, [t], 61);
      const results = await Promise.all(started);
      expect(results.every((r) => r?.Code)).toBe(true);
      expect(await journals()).toBe(9);
      expect(await x.requests({ division: D2, status: 429 })).toBe(0);
    } finally {
      await x.control('limits', { minutely: 60, resetCounters: true });
    }
  });

  it('waits for no reset that passed while a 429 was on its way (the clocks moved meanwhile)', async () => {
    // the sandbox counts the call and fixes X-RateLimit-Minutely-Reset as the request arrives, and answers 429 five
    // seconds later, after both clocks moved past that reset: Koppel calls again at once. (It took the late answer for
    // a clock a minute off and waited another real minute — the timeouts of the 429 tests on a busy machine.)
    const arrived = () => x.requests({ endpoint: 'financial/journals', division: D2 });
    const refused = () => x.requests({ division: D2, status: 429 });
    const [arrivedBefore, refusedBefore] = [await arrived(), await refused()];
    await x.control('faults', { status: 429, count: 1, latencyMs: 5000, endpoints: ['financial/Journals'] });
    const reading = client().division(D2).journals.first({ filter: f.ne('Code', ''), select: ['Code'] });
    await waitFor(async () => ((await arrived()) > arrivedBefore ? true : undefined), 'the request at the sandbox', 30_000);
    await advanceClocks(x, [t], 61);
    // nothing is left to wait for but the 5 s answer and one more call; a wait for the passed reset lasts ~55 s more
    let timer: NodeJS.Timeout | undefined;
    const overdue = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('still waiting for a minute that had already ended')), 30_000);
    });
    try {
      const journal = await Promise.race([reading, overdue]);
      expect(journal?.Code).toBeTruthy();
    } finally {
      clearTimeout(timer);
      await x.control('faults', undefined, 'DELETE');
    }
    expect((await refused()) - refusedBefore).toBe(1); // the injected one; Koppel caused none
  });

  it('takes an answer that crossed the minute boundary for latency, not for a clock a minute off', async () => {
    // A call went out before Exact's minute ended and its answer (here a 429: nothing more this minute) arrived after
    // it — on a busy machine, or when the clocks were moved while the call was under way. That minute is over; Koppel
    // took the late answer for a clock difference and waited up to another real minute for a reset long gone.
    // Its own limiter (own clock, own skew) on the app's database, in a division of its own.
    const limiter = new ExactRateLimiter(t.app.get(PG_POOL), t.app.get(APP_CONFIG), new Clock());
    const DX = 9_876_543;
    await limiter.acquire(DX, 'interactive');
    const now = Date.now();
    const late = { minutelyLimit: 60, minutelyRemaining: 0, minutelyReset: now - 500 };
    await limiter.update(DX, late, now - 1500); // sent 1.5 s ago, answered before the reset, arrived 0.5 s after it
    await limiter.exhausted(DX, late, false);
    expect((await limiter.status(DX))?.minutelyRemaining).toBe(60); // a new minute: no waiting

    // a real clock difference is still learnt: this answer's minute had ended before the call went out, so Exact's
    // clock is behind ours and Koppel waits for Exact's reset
    const behind = { minutelyLimit: 60, minutelyRemaining: 0, minutelyReset: Date.now() - 20_000 };
    await limiter.update(DX, behind, Date.now() - 1500);
    await limiter.exhausted(DX, behind, false);
    const s = await limiter.status(DX);
    expect(s?.minutelyRemaining).toBe(0);
    expect(s?.minutelyReset).toBe(behind.minutelyReset);
  });

  it('stops calling an endpoint that keeps failing before Exact blocks the app', async () => {
    await x.control('faults', { status: 404, count: 50, endpoints: ['hrm/Costunits'] });
    const d = client().division(D1);
    let blocked = false;
    for (let i = 0; i < 12; i++) {
      try {
        await d.costUnits.first({ filter: f.ne('Code', '') });
      } catch (e) {
        if (e instanceof ExactBlockedError) {
          blocked = true;
          break;
        }
      }
    }
    await x.control('faults', undefined, 'DELETE');
    expect(blocked).toBe(true);
    const limits = await x.control<{ blocked: unknown[] }>('limits');
    expect(limits.blocked).toHaveLength(0); // Exact itself never had to block us
  });
});

describe('tokens', () => {
  it('refreshes after expiry (clocks advanced) and survives an early refresh refused by Exact', async () => {
    const tokens = t.app.get(ExactTokenService);
    const first = await tokens.accessToken();
    // too early: Exact answers TooEarlyToRefreshTokens and the stored token stays in use
    const early = await tokens.refresh(true);
    expect(early).toBe(first);
    expect((await row()).status).toBe('connected');
    const count = (await row()).refresh_count;
    await advanceClocks(x, [t], 600);
    await client().division(D1).journals.first({ filter: f.ne('Code', '') });
    const after = await row();
    expect(after.refresh_count).toBe(count + 1);
    expect(await tokens.accessToken()).not.toBe(first);
  });

  it('shows the status card with when the connection was renewed, calls used and the call log', async () => {
    const page = await admin.get('/settings/integrations/exact');
    expect(page.text).toContain('Koppeling laatst vernieuwd');
    expect(page.text).not.toMatch(/Toegangstoken|vernieuwingstoken/);
    // calls read as used: "n van <limit>", where n counts the calls made today (not those left)
    const figures = [...page.text.matchAll(/(\d+) van (\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(figures.some(([used, limit]) => limit > 60 && used > 0 && used < limit)).toBe(true);
    const log = await admin.get('/settings/integrations/exact/calls?outcome=error');
    expect(log.status).toBe(200);
    expect(log.text).toContain('hrm/Costunits');
    const frag = await admin.get(`/settings/integrations/exact/calls?division=${D1}`).set('HX-Request', 'true');
    expect(frag.text).not.toContain('<html');
  });

  it('marks the connection "needs reconnect" when Exact says the refresh token is old, and tells every admin page', async () => {
    // someone else uses our refresh token (e.g. a restored backup): Koppel's copy becomes an old one
    const r = await row();
    const box = t.app.get(ExactTokenService)['box'];
    const refresh = box.open(r.refresh_token_sealed);
    await advanceClocks(x, [t], 600);
    const stolen = await fetch(`${x.sandbox.url}/api/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh, client_id: x.client.clientId, client_secret: x.client.clientSecret }),
    });
    expect(stolen.status).toBe(200);
    const stolenBody = (await stolen.json()) as { refresh_token: string };
    await advanceClocks(x, [t], 600);
    // our refresh now uses the rotated-away token
    await expect(client().division(D1).journals.first({ filter: f.ne('Code', '') })).rejects.toThrow();
    expect((await row()).status).toBe('needs_reconnect');
    const page = await admin.get('/settings/locations');
    expect(page.text).toContain('moet worden vernieuwd');
    expect(stolenBody.refresh_token).toBeTruthy();
    // reconnect heals it
    await connectExact(x, admin, 'all');
    expect((await row()).status).toBe('connected');
    expect((await admin.get('/settings/locations')).text).not.toContain('moet worden vernieuwd');
  });

  it('disconnects (tokens forgotten) and can connect again', async () => {
    const page = await admin.get('/settings/integrations/exact');
    const token = page.text.match(/name="_csrf" value="([^"]+)"/)![1];
    expect((await admin.post('/settings/integrations/exact/disconnect').type('form').send({ _csrf: token })).status).toBe(303);
    const r = await row();
    expect(r.status).toBe('disconnected');
    expect(r.refresh_token_sealed).toBeNull();
    await expect(t.app.get(ExactTokenService).accessToken()).rejects.toThrow(/not connected/);
    await connectExact(x, admin, 'all');
    expect((await row()).status).toBe('connected');
  });
});
