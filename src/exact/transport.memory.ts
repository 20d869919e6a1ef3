import type { CallLog, CallLogEntry, RateLimits, TokenSource } from './transport.js';
import type { CallKind, LimitHeaders } from './rate-limiter.js';

/**
 * In-memory storage for an ExactTransport outside the app (unit specs, one-off scripts): a token pair that a
 * `refresh` function renews, limits that only remember what Exact said, and a call log in an array.
 */
export class MemoryTokens implements TokenSource {
  refreshes = 0;
  constructor(
    public token: string,
    private readonly renew: (rejected?: string) => Promise<string> = async () => `${token}-r${this.refreshes}`,
  ) {}

  async accessToken(): Promise<string> {
    return this.token;
  }

  async refresh(_force: boolean, rejected?: string): Promise<string> {
    if (rejected !== undefined && rejected !== this.token) return this.token; // someone else refreshed already
    this.refreshes++;
    this.token = await this.renew(rejected);
    return this.token;
  }
}

export class MemoryRateLimits implements RateLimits {
  readonly acquired: { division: number; kind: CallKind }[] = [];
  readonly last = new Map<number, LimitHeaders>();
  readonly exhaustedCalls: { division: number; daily: boolean }[] = [];

  async acquire(division: number, kind: CallKind): Promise<void> {
    this.acquired.push({ division, kind });
  }
  async update(division: number, limits: LimitHeaders): Promise<void> {
    this.last.set(division, limits);
  }
  async exhausted(division: number, limits: LimitHeaders, daily: boolean): Promise<void> {
    this.last.set(division, limits);
    this.exhaustedCalls.push({ division, daily });
  }
}

export class MemoryCallLog implements CallLog {
  readonly entries: CallLogEntry[] = [];

  async record(entry: CallLogEntry): Promise<void> {
    this.entries.push(entry);
  }

  async errorsSince(endpoint: string, division: number | undefined, since: Date, statuses: readonly number[]): Promise<{ count: number; oldest: Date | null }> {
    const hits = this.entries.filter((e) => e.endpoint === endpoint && e.division === division && e.at > since && e.status !== null && statuses.includes(e.status));
    return { count: hits.length, oldest: hits.length ? new Date(Math.min(...hits.map((e) => e.at.getTime()))) : null };
  }
}
