import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type Agent, type TestApp } from '../support/app.js';
import { advanceClocks, connectExact, startExactSandbox, type ExactTestEnv } from '../support/exact.js';
import { sql, SYNC_TEST_ENV, waitFor } from '../support/sync.js';
import { ExactClient } from '../../src/exact/exact.client.js';
import { ExactRateLimitError } from '../../src/exact/errors.js';
import { ExactHousekeeping } from '../../src/modules/integrations/integrations.module.js';
import { CALL_LOG_DAYS } from '../../src/modules/integrations/api-call-log.service.js';
import { Clock } from '../../src/common/clock.js';
import { ExactConnectionService } from '../../src/exact/connection.service.js';

/**
 * The Exact connection's upkeep: the nightly keep-alive (a refresh token never reaches Exact's 30 days of
 * disuse), the call log's retention, the daily reserve kept for people (EXACT_DAILY_RESERVE), and once the
 * real @nestjs/schedule cron wiring (SYNC_TIMERS=true with a per-second cron).
 */

const D1 = 1234567;
const DAY = 86_400;

describe('with a controllable clock', () => {
  let x: ExactTestEnv;
  let t: TestApp;
  let admin: Agent;

  beforeAll(async () => {
    x = await startExactSandbox();
    // no sync jobs and no webhook subscription checks: the only Exact calls are the ones these tests make
    t = await startTestApp({ ...x.env, ...SYNC_TEST_ENV, SYNC_ENABLED: 'false', WEBHOOK_CHECK_SECONDS: '0', EXACT_DAILY_RESERVE: '20' });
    const a = await t.createUser('admin');
    admin = await t.login(a.email, a.password);
    const cb = await connectExact(x, admin, [D1]);
    expect(cb.status).toBe(303);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await x?.close();
  });

  const db = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(t.db.url, text, params);
  const connection = async () =>
    (await db<{ status: string; refresh_token_issued_at: Date; refresh_count: number; refresh_token_sealed: string }>(
      'select status, refresh_token_issued_at, refresh_count, refresh_token_sealed from exact_connection where id = 1'))[0];
  /** Calls of our client for the division, as the sandbox counted them (not Koppel's own log). */
  const exactCounted = async () => {
    const { calls } = await x.control<{ calls: { clientId: string; division: number; total: number }[] }>('stats');
    return calls.filter((c) => c.clientId.toLowerCase() === x.client.clientId.toLowerCase() && c.division === D1).reduce((s, c) => s + c.total, 0);
  };
  const api = () => t.app.get(ExactClient).division(D1);

  it('keep-alive: refreshes a refresh token unused for 7 days, leaves a fresh one alone, and so outlives Exact\'s 30 days', async () => {
    const housekeeping = t.app.get(ExactHousekeeping);
    // two days after consent the refresh token is fresh: the keep-alive itself does not refresh it
    await advanceClocks(x, [t], 2 * DAY);
    expect(await t.app.get(ExactConnectionService).keepAlive()).toBe('fresh');
    // unused for 7 days or more: refreshed
    await advanceClocks(x, [t], 7 * DAY);
    expect(await t.app.get(ExactConnectionService).keepAlive()).toBe('refreshed');
    // then every 8 days for 40 days, no other call in between: each night refreshes, the connection lives on
    for (let i = 0; i < 5; i++) {
      const before = await connection();
      await advanceClocks(x, [t], 8 * DAY);
      const nightStart = t.app.get(Clock).now().getTime();
      await housekeeping.nightly();
      const after = await connection();
      expect(after.status).toBe('connected');
      expect(after.refresh_count).toBe(before.refresh_count + 1);
      expect(after.refresh_token_sealed).not.toBe(before.refresh_token_sealed);
      expect(after.refresh_token_issued_at.getTime()).toBeGreaterThanOrEqual(nightStart);
    }
    // 42 days after consent the connection still works for a real call
    expect(await api().journals.first({ select: ['ID'] })).toBeDefined();
    expect((await connection()).status).toBe('connected');
  });

  it('keeps the API call log for 30 days: the nightly job removes older calls, keeps newer ones', async () => {
    await api().journals.first({ select: ['ID'] }); // a call "today"
    const maxAt = async () => (await db<{ at: Date }>('select max(at) at from exact_api_call'))[0].at.getTime();
    const oldest = await maxAt();
    await advanceClocks(x, [t], 20 * DAY);
    await api().journals.first({ select: ['ID'] }); // a call 20 days later
    const recentAt = await maxAt();
    expect(recentAt).toBeGreaterThan(oldest + 19 * DAY * 1000);
    await advanceClocks(x, [t], (CALL_LOG_DAYS - 20) * DAY + 3600); // the first calls are now 30 days and an hour old
    await t.app.get(ExactHousekeeping).nightly();
    const rows = await db<{ at: Date }>('select at from exact_api_call order by at');
    const cutoff = t.app.get(Clock).now().getTime() - CALL_LOG_DAYS * DAY * 1000;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.at.getTime() >= cutoff)).toBe(true);
    expect(rows.some((r) => r.at.getTime() <= oldest)).toBe(false);
    expect(rows.some((r) => r.at.getTime() === recentAt)).toBe(true);
  });

  it('keeps the daily reserve for people: background calls stop at EXACT_DAILY_RESERVE left, interactive ones go on', async () => {
    // a day of 30 calls for this client; Koppel learns it from Exact's headers on the next call
    await x.control('limits', { daily: 30, resetCounters: true });
    await api().journals.first({ select: ['ID'] }, { kind: 'background' }); // 29 left
    for (let i = 0; i < 9; i++) await api().journals.first({ select: ['ID'] }, { kind: 'interactive' }); // 20 left
    expect(await exactCounted()).toBe(10);
    // background: refused by Koppel itself, Exact is not called
    const refused = await api().journals.first({ select: ['ID'] }, { kind: 'background' }).then(() => undefined, (e: unknown) => e);
    expect(refused).toBeInstanceOf(ExactRateLimitError);
    expect((refused as ExactRateLimitError).daily).toBe(true);
    expect(await exactCounted()).toBe(10);
    // a person's action still gets its call
    expect(await api().journals.first({ select: ['ID'] }, { kind: 'interactive' })).toBeDefined();
    expect(await exactCounted()).toBe(11);
    // the next day the background may call again
    await advanceClocks(x, [t], DAY + 60);
    expect(await api().journals.first({ select: ['ID'] }, { kind: 'background' })).toBeDefined();
    expect(await exactCounted()).toBe(12);
    await x.control('limits', { daily: 5000, resetCounters: true });
  });
});

describe('the real cron wiring (@nestjs/schedule timers, SYNC_TIMERS=true)', () => {
  let x: ExactTestEnv;
  let t: TestApp;

  beforeAll(async () => {
    x = await startExactSandbox();
    // every second: both the sync schedules and the nightly housekeeping fire on their own
    t = await startTestApp({ ...x.env, SYNC_TIMERS: 'true', SYNC_POLL_SECONDS: '0.5', SYNC_CRON: '* * * * * *', NIGHTLY_CRON: '* * * * * *' });
    const a = await t.createUser('admin');
    const admin = await t.login(a.email, a.password);
    expect((await connectExact(x, admin, [D1])).status).toBe(303);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await x?.close();
  });

  it('fires the schedules from real timers: scheduled sync runs appear and the nightly job prunes the call log', async () => {
    const db = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(t.db.url, text, params);
    // an API call older than the retention; only the nightly timer removes it
    await db(`insert into exact_api_call (at, method, endpoint, url, division, status, duration_ms, kind) values (now() - interval '40 days', 'GET', 'old/Call', 'x', $1, 200, 1, 'background')`, [D1]);
    const scheduled = await waitFor(async () => {
      const rows = await db<{ resource: string; status: string }>(`select resource, status from sync_run where division = $1 and trigger = 'schedule' and status <> 'running'`, [D1]);
      return rows.length ? rows : undefined;
    }, 'a sync run started by the cron timer', 60_000);
    expect(scheduled.length).toBeGreaterThan(0);
    await waitFor(async () => ((await db(`select 1 from exact_api_call where endpoint = 'old/Call'`)).length === 0 ? true : undefined), 'the nightly timer pruned the call log', 60_000);
  });
});
