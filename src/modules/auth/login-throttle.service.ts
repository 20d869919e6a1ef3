import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type pg from 'pg';
import { PG_POOL } from '../../database/pg-pool.js';
import { TooManyRequestsError } from '../../common/errors.js';

/**
 * Login throttling shared by all Koppel processes (counters in PostgreSQL):
 * 5 failed attempts per e-mail address and IP per 15 minutes, 30 per IP per hour.
 */
@Injectable()
export class LoginThrottleService {
  private readonly perAccount: RateLimiterPostgres;
  private readonly perIp: RateLimiterPostgres;

  constructor(@Inject(PG_POOL) pool: pg.Pool) {
    const common = { storeClient: pool, storeType: 'pool', tableName: 'login_throttle', tableCreated: true, clearExpiredByTimeout: false };
    this.perAccount = new RateLimiterPostgres({ ...common, keyPrefix: 'acct', points: 5, duration: 15 * 60, blockDuration: 15 * 60 });
    this.perIp = new RateLimiterPostgres({ ...common, keyPrefix: 'ip', points: 30, duration: 60 * 60, blockDuration: 15 * 60 });
  }

  private key(email: string, ip: string) {
    return `${email.toLowerCase()}|${ip}`;
  }

  /** Throws TooManyRequestsError when this e-mail/IP may not try again yet. */
  async check(email: string, ip: string): Promise<void> {
    const [acct, byIp] = await Promise.all([this.perAccount.get(this.key(email, ip)), this.perIp.get(ip)]);
    const blocked = [acct && acct.consumedPoints > 5 - 1 ? acct : null, byIp && byIp.consumedPoints > 30 - 1 ? byIp : null].filter(
      (r): r is RateLimiterRes => r !== null,
    );
    if (blocked.length) {
      const ms = Math.max(...blocked.map((r) => r.msBeforeNext));
      throw new TooManyRequestsError('login throttled', 'auth.throttled', { minutes: Math.max(1, Math.ceil(ms / 60000)) });
    }
  }

  async failed(email: string, ip: string): Promise<void> {
    await Promise.all([
      this.perAccount.penalty(this.key(email, ip), 1).catch(() => undefined),
      this.perIp.penalty(ip, 1).catch(() => undefined),
    ]);
  }

  async succeeded(email: string, ip: string): Promise<void> {
    await this.perAccount.delete(this.key(email, ip)).catch(() => undefined);
  }
}
