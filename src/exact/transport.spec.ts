import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { json, startLocalHttp, type Handler } from '../../test/support/local-http.js';
import { ExactTransport, type TransportSettings } from './transport.js';
import { MemoryCallLog, MemoryRateLimits, MemoryTokens } from './transport.memory.js';
import { ExactAuthError, ExactBlockedError, ExactNetworkError, ExactRateLimitError, ExactServerError, ExactValidationError } from './errors.js';

// The transport built outside the app: real HTTP to a local server, storage in memory (issue #19 item 3).
let http: Awaited<ReturnType<typeof startLocalHttp>>;
const ok: Handler = (_req, res) => json(res, 200, { d: { results: [] } });

beforeAll(async () => {
  http = await startLocalHttp(ok);
});
afterAll(async () => {
  await http?.close();
});
afterEach(() => {
  http.setHandler(ok);
  http.seen.length = 0;
});

function build(opts: { tokens?: MemoryTokens; settings?: Partial<TransportSettings> } = {}) {
  const tokens = opts.tokens ?? new MemoryTokens('tok-1');
  const limits = new MemoryRateLimits();
  const log = new MemoryCallLog();
  const transport = new ExactTransport(tokens, limits, log, { baseUrl: http.baseUrl, timeoutMs: 5000, errorBudget: 8, now: () => new Date(), backoffMs: () => 0, ...opts.settings });
  return { transport, tokens, limits, log };
}

/** Polls (no fixed sleep) until `cond` holds; generous deadline for a slow machine. */
async function until(cond: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A promise with its resolve function, to hold a fake server or token endpoint at a chosen point. */
function gate<T = void>() {
  let open!: (v: T) => void;
  const p = new Promise<T>((r) => (open = r));
  return { p, open };
}

describe('ExactTransport: requests', () => {
  it('sends JSON with the bearer token, Prefer on a POST that wants the record back, and reserves a call per attempt', async () => {
    const { transport, limits } = build();
    http.setHandler((req, res) => json(res, 201, { d: { ID: 'x', Echo: JSON.parse(req.body) } }));
    const res = await transport.request({ method: 'POST', path: '1234/crm/Accounts', division: 1234, body: { Name: 'A' }, representation: true, kind: 'background' });
    expect(res.body).toEqual({ d: { ID: 'x', Echo: { Name: 'A' } } });
    const [seen] = http.seen;
    expect(seen.url).toBe('/api/v1/1234/crm/Accounts');
    expect(seen.headers).toMatchObject({ accept: 'application/json', authorization: 'Bearer tok-1', 'content-type': 'application/json', prefer: 'return=representation' });
    expect(limits.acquired).toEqual([{ division: 1234, kind: 'background' }]);
  });

  it('retries a GET after 5xx with backoff and gives up after maxAttempts', async () => {
    const { transport, log } = build();
    let n = 0;
    http.setHandler((_req, res) => (++n < 3 ? json(res, 503, { error: { message: { value: 'busy' } } }) : ok(_req, res)));
    await transport.request({ method: 'GET', path: '1/crm/Accounts', division: 1 });
    expect(http.seen).toHaveLength(3);
    expect(log.entries.map((e) => e.status)).toEqual([503, 503, 200]);

    http.seen.length = 0;
    http.setHandler((_req, res) => json(res, 500, { error: { message: { value: 'down' } } }));
    await expect(transport.request({ method: 'GET', path: '1/crm/Accounts', division: 1, maxAttempts: 2 })).rejects.toBeInstanceOf(ExactServerError);
    expect(http.seen).toHaveLength(2);
    http.seen.length = 0;
    await expect(transport.request({ method: 'GET', path: '1/crm/Accounts', division: 1 })).rejects.toThrow(/Exact answered 500/);
    expect(http.seen).toHaveLength(5); // the default
  });

  it('never retries a write blindly: a POST answered 5xx or cut off is sent once', async () => {
    const { transport } = build();
    http.setHandler((_req, res) => json(res, 500, {}));
    await expect(transport.request({ method: 'POST', path: '1/crm/Accounts', division: 1, body: {} })).rejects.toBeInstanceOf(ExactServerError);
    expect(http.seen).toHaveLength(1);

    http.seen.length = 0;
    http.setHandler((_req, res) => void res.socket?.destroy());
    await expect(transport.request({ method: 'POST', path: '1/crm/Accounts', division: 1, body: {} })).rejects.toBeInstanceOf(ExactNetworkError);
    expect(http.seen).toHaveLength(1);
  });

  it('retries a GET after a dropped connection', async () => {
    const { transport } = build();
    let n = 0;
    http.setHandler((req, res) => (++n === 1 ? void res.socket?.destroy() : ok(req, res)));
    await expect(transport.request({ method: 'GET', path: '1/crm/Accounts', division: 1 })).resolves.toMatchObject({ status: 200 });
    expect(http.seen).toHaveLength(2);
  });

  it('honours a per-call timeout', async () => {
    const { transport, log } = build();
    const hold = gate();
    http.setHandler(async (req, res) => {
      await hold.p;
      ok(req, res);
    });
    const started = Date.now();
    await expect(transport.request({ method: 'GET', path: '1/crm/Accounts', division: 1, timeoutMs: 150, maxAttempts: 1 })).rejects.toBeInstanceOf(ExactNetworkError);
    expect(Date.now() - started).toBeLessThan(4000); // far below the 5 s default of this transport
    expect(log.entries[0]).toMatchObject({ status: null, error: expect.stringMatching(/^network: /) });
    hold.open();
  });

  it('maps statuses to typed errors and keeps Exact\'s own text', async () => {
    const { transport } = build();
    http.setHandler((_req, res) => json(res, 400, { error: { message: { value: 'Boekstuknummer 7 bestaat al' } } }));
    const e = await transport.request({ method: 'POST', path: '1/salesentry/SalesEntries', division: 1, body: {} }).catch((x) => x);
    expect(e).toBeInstanceOf(ExactValidationError);
    expect(e).toMatchObject({ exactMessage: 'Boekstuknummer 7 bestaat al', division: 1, endpoint: 'salesentry/SalesEntries' });
  });
});

describe('ExactTransport: rate limits', () => {
  it('passes the limit headers on, waits out a minutely 429 and sends again; a daily 429 is final', async () => {
    const { transport, limits } = build();
    let n = 0;
    http.setHandler((req, res) =>
      ++n === 1
        ? json(res, 429, { error: { message: { value: 'minute' } } }, { 'X-RateLimit-Minutely-Remaining': '0', 'X-RateLimit-Minutely-Reset': '1700000060000' })
        : json(res, 201, { d: { ID: 'x' } }, { 'X-RateLimit-Minutely-Remaining': '58', 'X-RateLimit-Remaining': '4000' }),
    );
    await transport.request({ method: 'POST', path: '1/crm/Accounts', division: 1, body: {} });
    expect(http.seen).toHaveLength(2); // a 429 is a definite "not processed": even a write goes again
    expect(limits.exhaustedCalls).toEqual([{ division: 1, daily: false }]);
    expect(limits.last.get(1)).toMatchObject({ minutelyRemaining: 58, dailyRemaining: 4000 });

    http.seen.length = 0;
    http.setHandler((_req, res) => json(res, 429, {}, { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '1700086400000' }));
    const e = await transport.request({ method: 'GET', path: '1/crm/Accounts', division: 1 }).catch((x) => x);
    expect(e).toBeInstanceOf(ExactRateLimitError);
    expect(e).toMatchObject({ daily: true, resetAt: 1700086400000 });
    expect(http.seen).toHaveLength(1);
  });

  it('reads Exact\'s TooManyErrors block as ExactBlockedError', async () => {
    const { transport } = build();
    http.setHandler((_req, res) => json(res, 429, {}, { Reason: 'TooManyErrors', 'Retry-After': '600' }));
    const e = await transport.request({ method: 'GET', path: '1/crm/Accounts', division: 1 }).catch((x) => x);
    expect(e).toBeInstanceOf(ExactBlockedError);
    expect((e as ExactBlockedError).until.getTime()).toBeGreaterThan(Date.now() + 500_000);
  });
});

describe('ExactTransport: error budget and call log', () => {
  it('stops calling an endpoint of a division after errorBudget failures in an hour, before Exact blocks the app', async () => {
    const { transport } = build({ settings: { errorBudget: 3 } });
    http.setHandler((_req, res) => json(res, 404, { error: { message: { value: 'not found' } } }));
    for (let i = 0; i < 3; i++) await expect(transport.request({ method: 'GET', path: `1/crm/Accounts(guid'0000000${i}-0000-0000-0000-000000000000')`, division: 1 })).rejects.toThrow(/Not found/);
    const blocked = await transport.request({ method: 'GET', path: '1/crm/Accounts', division: 1 }).catch((x) => x);
    expect(blocked).toBeInstanceOf(ExactBlockedError);
    expect(http.seen).toHaveLength(3); // the fourth never left
    // another division and another endpoint keep their own budget
    http.setHandler(ok);
    await expect(transport.request({ method: 'GET', path: '2/crm/Accounts', division: 2 })).resolves.toMatchObject({ status: 200 });
    await expect(transport.request({ method: 'GET', path: '1/crm/Contacts', division: 1 })).resolves.toMatchObject({ status: 200 });
  });

  it('counts only failures of the last hour', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z');
    const { transport } = build({ settings: { errorBudget: 2, now: () => new Date(now) } });
    http.setHandler((_req, res) => json(res, 403, {}));
    for (let i = 0; i < 2; i++) await expect(transport.request({ method: 'GET', path: '1/crm/Accounts', division: 1 })).rejects.toThrow(/refused access/);
    await expect(transport.request({ method: 'GET', path: '1/crm/Accounts', division: 1 })).rejects.toBeInstanceOf(ExactBlockedError);
    now += 3_601_000;
    http.setHandler(ok);
    await expect(transport.request({ method: 'GET', path: '1/crm/Accounts', division: 1 })).resolves.toMatchObject({ status: 200 });
  });

  it('logs every call without tokens, codes or secrets', async () => {
    const { transport, log } = build({ tokens: new MemoryTokens('sekrit.access.token') });
    http.setHandler((_req, res) => json(res, 400, { error: { message: { value: 'bad refresh_token=r3fr3sh and header Bearer sekrit.access.token' } } }));
    await expect(transport.request({ method: 'GET', path: '1/crm/Accounts?code=auth-c0de&access_token=t0ken', division: 1 })).rejects.toBeInstanceOf(ExactValidationError);
    const [entry] = log.entries;
    const text = JSON.stringify(entry);
    for (const secret of ['r3fr3sh', 'sekrit', 'auth-c0de', 't0ken']) expect(text).not.toContain(secret);
    expect(entry).toMatchObject({ method: 'GET', endpoint: 'crm/Accounts', division: 1, status: 400, kind: 'interactive' });
    expect(entry.url).toContain('[redacted]');
    expect(entry.error).toContain('[redacted]');
  });

  it('does not fail a call when the call log cannot be written', async () => {
    const { transport, log } = build();
    log.record = async () => {
      throw new Error('log down');
    };
    await expect(transport.request({ method: 'GET', path: '1/crm/Accounts', division: 1 })).resolves.toMatchObject({ status: 200 });
  });
});

describe('ExactTransport: a 401 is refreshed once', () => {
  it('holds the calls that start while the refresh runs, so only the first call meets the 401', async () => {
    const started = gate();
    const release = gate();
    const tokens = new MemoryTokens('old', async () => {
      started.open();
      await release.p;
      return 'new';
    });
    const { transport, limits } = build({ tokens });
    http.setHandler((req, res) => (req.headers.authorization === 'Bearer new' ? ok(req, res) : json(res, 401, {})));
    const first = transport.request({ method: 'GET', path: '1/crm/Accounts', division: 1 });
    await started.p; // the first call met a 401 and is refreshing
    const others = [1, 2, 1, 2].map((d) => transport.request({ method: 'GET', path: `${d}/crm/Accounts`, division: d }));
    // every other call has its limiter slot, i.e. has asked for a token, before the refresh ends
    await until(() => limits.acquired.length === 5);
    release.open();
    await expect(Promise.all([first, ...others])).resolves.toHaveLength(5);
    expect(tokens.refreshes).toBe(1);
    expect(http.seen.filter((r) => r.headers.authorization === 'Bearer old')).toHaveLength(1);
    expect(http.seen.filter((r) => r.headers.authorization === 'Bearer new')).toHaveLength(5);
  });

  it('refreshes once when parallel calls meet the 401 together', async () => {
    const tokens = new MemoryTokens('old', async () => 'new');
    const { transport } = build({ tokens });
    const arrived = gate();
    let waiting = 0;
    http.setHandler(async (req, res) => {
      if (req.headers.authorization === 'Bearer new') return ok(req, res);
      if (++waiting === 4) arrived.open();
      await arrived.p; // all four are in flight with the old token before any answer
      json(res, 401, {});
    });
    await expect(Promise.all([1, 2, 3, 4].map(() => transport.request({ method: 'GET', path: '1/crm/Accounts', division: 1 })))).resolves.toHaveLength(4);
    expect(tokens.refreshes).toBe(1);
  });

  it('reports a second 401 after the refresh instead of refreshing in a loop', async () => {
    const tokens = new MemoryTokens('old', async () => 'new');
    const { transport } = build({ tokens });
    http.setHandler((_req, res) => json(res, 401, { error: { message: { value: 'token revoked' } } }));
    await expect(transport.request({ method: 'GET', path: '1/crm/Accounts', division: 1 })).rejects.toBeInstanceOf(ExactAuthError);
    expect(http.seen).toHaveLength(2);
    expect(tokens.refreshes).toBe(1);
  });

  it('lets every waiting call fail when the refresh fails', async () => {
    const tokens = new MemoryTokens('old', async () => {
      throw new ExactAuthError('The Exact Online connection must be renewed', undefined, undefined, undefined, true);
    });
    const { transport } = build({ tokens });
    http.setHandler((_req, res) => json(res, 401, {}));
    const results = await Promise.allSettled([1, 2, 3].map(() => transport.request({ method: 'GET', path: '1/crm/Accounts', division: 1 })));
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof ExactAuthError && r.reason.needsReconnect)).toBe(true);
  });

  it('uses a token given for the call (while connecting) without touching the stored one', async () => {
    const tokens = new MemoryTokens('stored');
    const { transport } = build({ tokens });
    http.setHandler((_req, res) => json(res, 401, {}));
    await expect(transport.request({ method: 'GET', path: 'current/Me', token: 'fresh-from-oauth' })).rejects.toBeInstanceOf(ExactAuthError);
    expect(http.seen.map((r) => r.headers.authorization)).toEqual(['Bearer fresh-from-oauth']);
    expect(tokens.refreshes).toBe(0);
  });
});
