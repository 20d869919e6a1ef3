import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type pg from 'pg';
import { PG_POOL } from '../../database/pg-pool.js';
import { TooManyRequestsError } from '../../common/errors.js';

/** Attempts allowed before the key is blocked (documented in README, asserted in the tests). */
export const LOGIN_LIMITS = {
  /** per e-mail address and client address, 15 minutes */
  accountAndAddress: 5,
  /** per e-mail address over all client addresses, 1 hour */
  account: 20,
  /** per client address over all accounts, 1 hour */
  address: 30,
} as const;

/**
 * Login throttling shared by all Koppel processes (counters in PostgreSQL). An attempt takes its point
 * BEFORE the password is checked (one atomic statement per counter), so parallel requests cannot all slip
 * through before the first failure is counted; a successful login gives its points back.
 */
@Injectable()
export class LoginThrottleService {
  private readonly perAccountIp: RateLimiterPostgres;
  private readonly perAccount: RateLimiterPostgres;
  private readonly perIp: RateLimiterPostgres;

  constructor(@Inject(PG_POOL) pool: pg.Pool) {
    const common = { storeClient: pool, storeType: 'pool', tableName: 'login_throttle', tableCreated: true, clearExpiredByTimeout: false };
    this.perAccountIp = new RateLimiterPostgres({ ...common, keyPrefix: 'acct', points: LOGIN_LIMITS.accountAndAddress, duration: 15 * 60, blockDuration: 15 * 60 });
    this.perAccount = new RateLimiterPostgres({ ...common, keyPrefix: 'acct-all', points: LOGIN_LIMITS.account, duration: 60 * 60, blockDuration: 15 * 60 });
    this.perIp = new RateLimiterPostgres({ ...common, keyPrefix: 'ip', points: LOGIN_LIMITS.address, duration: 60 * 60, blockDuration: 15 * 60 });
  }

  private counters(email: string, ip: string): [RateLimiterPostgres, string][] {
    const account = email.toLowerCase();
    return [
      [this.perAccountIp, `${account}|${ip}`],
      [this.perAccount, account],
      [this.perIp, ip],
    ];
  }

  /** Takes one attempt from every counter; throws TooManyRequestsError when any of them is used up. */
  async reserve(email: string, ip: string): Promise<void> {
    const results = await Promise.allSettled(this.counters(email, ip).map(([limiter, key]) => limiter.consume(key, 1)));
    const refused: RateLimiterRes[] = [];
    for (const r of results) {
      if (r.status === 'fulfilled') continue;
      if (r.reason instanceof RateLimiterRes) refused.push(r.reason);
      else throw r.reason; // the store failed: no attempt without a counter
    }
    if (refused.length) {
      const ms = Math.max(...refused.map((r) => r.msBeforeNext));
      throw new TooManyRequestsError('login throttled', 'auth.throttled', { minutes: Math.max(1, Math.ceil(ms / 60000)) });
    }
  }

  /** A successful login: its attempt does not count against the account or the address. */
  async succeeded(email: string, ip: string): Promise<void> {
    const [[accountIp, keyAccountIp], [account, keyAccount], [byIp, keyIp]] = this.counters(email, ip);
    await Promise.all([
      accountIp.delete(keyAccountIp).catch(() => undefined),
      account.reward(keyAccount, 1).catch(() => undefined),
      byIp.reward(keyIp, 1).catch(() => undefined),
    ]);
  }
}
