import { DAY_MS, type SandboxClock, startOfUtcDay } from './clock.util.js';

/** Rate limits (60/min, 5000/day per client × division) and the error budget of API.md §4. */

export interface LimitConfig {
  minutely: number;
  daily: number;
  /** more than this many errors per hour on one endpoint blocks it */
  errorBudget: number;
  blockMs: number;
}

export const DEFAULT_LIMITS: LimitConfig = { minutely: 60, daily: 5000, errorBudget: 10, blockMs: 3_600_000 };

interface Counter {
  minuteStart: number;
  minuteCount: number;
  dayStart: number;
  dayCount: number;
  total: number;
}

export interface RequestCount {
  clientId: string;
  division: number;
  method: string;
  endpoint: string;
  /** requests received */
  n: number;
  /** answers sent, by HTTP status (a request still open or cut off has none) */
  statuses: Record<string, number>;
}

export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
  reason?: 'minutely' | 'daily';
}

export class LimitsService {
  config: LimitConfig = { ...DEFAULT_LIMITS };
  private counters = new Map<string, Counter>();
  private errors = new Map<string, number[]>();
  private blocked = new Map<string, number>();
  private requests = new Map<string, RequestCount>();

  constructor(private readonly clock: SandboxClock) {}

  reset(): void {
    this.counters.clear();
    this.errors.clear();
    this.blocked.clear();
    this.requests.clear();
  }

  /**
   * Counts one authenticated API request as it arrives (whatever its outcome, also when the rate limit refuses it),
   * per client × division × method × endpoint (lower-case path without key, e.g. `financial/glaccounts`).
   * Returns a callback that records the status the request was answered with.
   */
  countRequest(clientId: string, division: number, method: string, endpoint: string): (status: number) => void {
    const key = `${clientId}|${division}|${method}|${endpoint}`;
    let r = this.requests.get(key);
    if (!r) {
      r = { clientId, division, method, endpoint, n: 0, statuses: {} };
      this.requests.set(key, r);
    }
    r.n++;
    const counted = r;
    return (status) => { counted.statuses[status] = (counted.statuses[status] ?? 0) + 1; };
  }

  requestStats(): RequestCount[] {
    return [...this.requests.values()].map((r) => ({ ...r, statuses: { ...r.statuses } }));
  }

  private counter(key: string, now: number): Counter {
    const minuteStart = now - (now % 60_000);
    const dayStart = startOfUtcDay(now);
    let c = this.counters.get(key);
    if (!c) {
      c = { minuteStart, minuteCount: 0, dayStart, dayCount: 0, total: 0 };
      this.counters.set(key, c);
    }
    if (c.minuteStart !== minuteStart) { c.minuteStart = minuteStart; c.minuteCount = 0; }
    if (c.dayStart !== dayStart) { c.dayStart = dayStart; c.dayCount = 0; }
    return c;
  }

  /** Counts one call for client × division and returns the headers to send. */
  take(clientId: string, division: number): RateDecision {
    const now = this.clock.now();
    const c = this.counter(`${clientId}|${division}`, now);
    const { minutely, daily } = this.config;
    let reason: RateDecision['reason'];
    if (c.dayCount >= daily) reason = 'daily';
    else if (c.minuteCount >= minutely) reason = 'minutely';
    else { c.minuteCount++; c.dayCount++; c.total++; }
    const minuteLeft = Math.max(0, minutely - c.minuteCount);
    const headers: Record<string, string> = {
      'X-RateLimit-Minutely-Limit': String(minutely),
      'X-RateLimit-Minutely-Remaining': String(reason === 'daily' ? 0 : minuteLeft),
      'X-RateLimit-Minutely-Reset': String(c.minuteStart + 60_000),
    };
    if (minuteLeft > 0 || reason === 'daily') {
      Object.assign(headers, {
        'X-RateLimit-Limit': String(daily),
        'X-RateLimit-Remaining': String(Math.max(0, daily - c.dayCount)),
        'X-RateLimit-Reset': String(c.dayStart + DAY_MS),
      });
    }
    return { allowed: !reason, headers, reason };
  }

  /** ms until the endpoint is unblocked, or 0 */
  blockedFor(key: string): number {
    const until = this.blocked.get(key);
    if (!until) return 0;
    const left = until - this.clock.now();
    if (left <= 0) { this.blocked.delete(key); return 0; }
    return left;
  }

  recordError(key: string): void {
    const now = this.clock.now();
    const list = (this.errors.get(key) ?? []).filter((t) => t > now - 3_600_000);
    list.push(now);
    this.errors.set(key, list);
    if (list.length > this.config.errorBudget) {
      this.blocked.set(key, now + this.config.blockMs);
      this.errors.set(key, []);
    }
  }

  stats(): { key: string; clientId: string; division: number; minute: number; today: number; total: number }[] {
    return [...this.counters.entries()].map(([key, c]) => {
      const [clientId, division] = key.split('|');
      return { key, clientId, division: Number(division), minute: c.minuteCount, today: c.dayCount, total: c.total };
    });
  }

  blockedList(): { key: string; until: number }[] {
    return [...this.blocked.entries()].map(([key, until]) => ({ key, until }));
  }
}

// ---- fault injection ------------------------------------------------------

export interface FaultConfig {
  errorRate: number;
  latencyMs: number;
  status: number;
  endpoints: string[];
  count: number | null;
  afterCommit: boolean;
  timeout: boolean;
  methods: string[];
}

export function parseFaults(body: Record<string, unknown>): FaultConfig {
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : []);
  return {
    errorRate: typeof body.errorRate === 'number' ? body.errorRate : 1,
    latencyMs: typeof body.latencyMs === 'number' ? body.latencyMs : 0,
    status: typeof body.status === 'number' ? body.status : 500,
    endpoints: list(body.endpoints),
    count: typeof body.count === 'number' ? body.count : null,
    afterCommit: body.afterCommit === true,
    timeout: body.timeout === true,
    methods: list(body.methods).map((m) => m.toUpperCase()),
  };
}

export class FaultService {
  config: FaultConfig | null = null;
  /** business validation errors (400) whose message contains one of these answer 500 instead, as Exact sometimes does */
  validationAs500: string[] = [];

  /** the status a business validation error is answered with */
  validationStatus(message: string): number {
    return this.validationAs500.some((m) => message.toLowerCase().includes(m.toLowerCase())) ? 500 : 400;
  }

  matches(method: string, path: string): boolean {
    const f = this.config;
    if (!f) return false;
    if (f.methods.length && !f.methods.includes(method)) return false;
    const p = path.toLowerCase();
    return f.endpoints.length === 0 || f.endpoints.some((e) => p.includes(e.toLowerCase()));
  }

  /** decides whether this (matching) request fails; consumes count */
  shouldFail(): boolean {
    const f = this.config;
    if (!f || f.errorRate <= 0) return false;
    if (Math.random() >= f.errorRate) return false;
    if (f.count !== null) {
      f.count--;
      if (f.count <= 0) this.config = null;
    }
    return true;
  }
}
