import 'reflect-metadata';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { startTestDatabase, type TestDatabase } from '../../test/support/database.js';
import { ormConfig } from '../database/orm.config.js';
import { Clock } from '../common/clock.js';
import type { AppConfig } from '../config/config.js';
import { ExactRateLimiter, readLimitHeaders } from './rate-limiter.js';
import { ExactRateLimitError } from './errors.js';

// The per-division budget on a real PostgreSQL (the table every Koppel process shares), with a clock of its own.
let db: TestDatabase;
let pool: pg.Pool;
let clock: Clock;
let limiter: ExactRateLimiter;
const RESERVE = 100;
const D = 1234567;

beforeAll(async () => {
  db = await startTestDatabase();
  const orm = await MikroORM.init(ormConfig(db.url));
  await orm.migrator.up();
  await orm.close();
  pool = new pg.Pool({ connectionString: db.url, max: 12 });
}, 120_000);
afterAll(async () => {
  // a closing connection may still hear the server's shutdown below (57P01) after end() resolved: not a test failure
  pool?.on('error', () => undefined);
  await pool?.end();
  await db?.stop();
});
beforeEach(async () => {
  await pool.query('delete from exact_rate_limit');
  clock = new Clock();
  limiter = new ExactRateLimiter(pool, { exact: { dailyReserve: RESERVE } } as AppConfig, clock);
});

/** Polls (no fixed sleep) until `cond` holds; generous deadline for a slow machine. */
async function until(cond: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Sets the stored budget directly, as another process (or Exact's headers) left it. */
async function setRow(minutelyRemaining: number, minutelyResetInMs: number, dailyRemaining = 5000, dailyResetInMs = 3_600_000) {
  const now = clock.now().getTime();
  await pool.query(
    `insert into exact_rate_limit (division, minutely_remaining, minutely_reset, daily_remaining, daily_reset) values ($1, $2, $3, $4, $5)
     on conflict (division) do update set minutely_remaining = $2, minutely_reset = $3, daily_remaining = $4, daily_reset = $5`,
    [D, minutelyRemaining, now + minutelyResetInMs, dailyRemaining, now + dailyResetInMs],
  );
}

describe('ExactRateLimiter', () => {
  it('starts a division at Exact\'s documented limits and takes one call', async () => {
    await limiter.acquire(D, 'interactive');
    expect(await limiter.status(D)).toMatchObject({ minutelyLimit: 60, minutelyRemaining: 59, dailyLimit: 5000, dailyRemaining: 4999 });
  });

  it('takes in what Exact said, but never raises what is left within the same minute', async () => {
    await limiter.acquire(D, 'interactive');
    const reset = clock.now().getTime() + 30_000;
    const h = (remaining: number) => readLimitHeaders(new Headers({ 'X-RateLimit-Minutely-Limit': '60', 'X-RateLimit-Minutely-Remaining': String(remaining), 'X-RateLimit-Minutely-Reset': String(reset), 'X-RateLimit-Remaining': '4000' }));
    await limiter.update(D, h(20));
    await limiter.update(D, h(40)); // an older answer that arrived late
    expect(await limiter.status(D)).toMatchObject({ minutelyRemaining: 20, minutelyReset: reset, dailyRemaining: 4000 });
  });

  it('lets exactly what is left through when processes race, and the rest wait for the next minute', async () => {
    await setRow(5, 10 * 60_000);
    let through = 0;
    const calls = Array.from({ length: 12 }, () => limiter.acquire(D, 'interactive').then(() => through++));
    await until(() => through === 5);
    expect((await limiter.status(D))?.minutelyRemaining).toBe(0);
    expect(through).toBe(5); // the minute ends only when the clock says so
    clock.advance(10 * 60_000 + 1000);
    await Promise.all(calls);
    expect(through).toBe(12);
    expect((await limiter.status(D))?.minutelyRemaining).toBe(60 - 7);
  });

  it('keeps the daily reserve for people: background work stops, a click still goes', async () => {
    await setRow(60, 60_000, RESERVE);
    const e = await limiter.acquire(D, 'background').catch((x) => x);
    expect(e).toBeInstanceOf(ExactRateLimitError);
    expect(e).toMatchObject({ daily: true });
    await expect(limiter.acquire(D, 'interactive')).resolves.toBeUndefined();
  });

  it('waitForBudget leaves headroom for interactive calls in a background batch', async () => {
    await setRow(5, 10 * 60_000);
    await expect(limiter.waitForBudget(D, 'interactive')).resolves.toBeUndefined();
    let done = false;
    const waiting = limiter.waitForBudget(D, 'background').then(() => (done = true));
    await until(async () => (await limiter.status(D))?.minutelyRemaining === 5);
    expect(done).toBe(false);
    clock.advance(10 * 60_000 + 1000);
    await waiting;
    expect(done).toBe(true);
  });

  it('stops a wait when the work is cancelled', async () => {
    await setRow(0, 10 * 60_000);
    const ac = new AbortController();
    const wait = limiter.acquire(D, 'background', ac.signal);
    ac.abort(new Error('cancelled'));
    await expect(wait).rejects.toThrow('cancelled');
  });

  it('after a 429 nothing more goes until the reset', async () => {
    await limiter.acquire(D, 'interactive');
    const reset = clock.now().getTime() + 30_000;
    await limiter.exhausted(D, { minutelyReset: reset }, false);
    expect(await limiter.status(D)).toMatchObject({ minutelyRemaining: 0, minutelyReset: reset });
  });
});
