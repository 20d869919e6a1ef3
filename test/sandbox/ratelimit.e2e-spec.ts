import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DIV1, DIV2, errorText, json, startTestSandbox, type TestSandbox } from './sandbox.helper.js';

const DAILY = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'];
const MINUTELY = ['x-ratelimit-minutely-limit', 'x-ratelimit-minutely-remaining', 'x-ratelimit-minutely-reset'];

// API.md §4: 60/min and 5000/day per client × division, headers, 429, error budget
describe('sandbox §4 rate limits', () => {
  let t: TestSandbox;
  beforeAll(async () => { t = await startTestSandbox({ realLimits: true }); });
  afterAll(async () => { await t.close(); });

  it('sends the six X-RateLimit headers (epoch ms resets) on every response, also on errors', async () => {
    await t.control('POST', 'clock', { advanceSeconds: 60 });
    const tok = (await t.connect()).access_token;
    const ok = await t.api(`${DIV2}/system/Divisions`, tok);
    for (const h of [...DAILY, ...MINUTELY]) expect(ok.headers.get(h)).toMatch(/^\d+$/);
    expect(ok.headers.get('x-ratelimit-limit')).toBe('5000');
    expect(ok.headers.get('x-ratelimit-minutely-limit')).toBe('60');
    const now = Number((await t.control<{ now: number }>('GET', 'clock')).now);
    const reset = Number(ok.headers.get('x-ratelimit-minutely-reset'));
    expect(reset).toBeGreaterThan(now);
    expect(reset - now).toBeLessThanOrEqual(60_000);
    expect(Number(ok.headers.get('x-ratelimit-reset'))).toBeGreaterThan(now);
    const bad = await t.api(`${DIV2}/crm/Accounts`, tok);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('x-ratelimit-remaining')).toBe('4998');
  });

  it('answers 429 after 60 calls in a minute, with only the minutely headers; resets with the clock', async () => {
    await t.control('POST', 'clock', { advanceSeconds: 60 });
    const tok = (await t.connect()).access_token;
    const { now } = await t.control<{ now: number }>('GET', 'clock');
    // stay inside one minute window of the sandbox clock
    const intoMinute = now % 60_000;
    if (intoMinute > 30_000) await t.control('POST', 'clock', { advanceSeconds: (60_000 - intoMinute) / 1000 + 0.01 });
    let last: Response | null = null;
    for (let i = 0; i < 60; i++) {
      last = await t.api(`${DIV1}/system/Divisions`, tok);
      expect(last.status).toBe(200);
    }
    expect(last!.headers.get('x-ratelimit-minutely-remaining')).toBe('0');
    const limited = await t.api(`${DIV1}/system/Divisions`, tok);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-minutely-remaining')).toBe('0');
    for (const h of DAILY) expect(limited.headers.get(h)).toBeNull();
    expect(errorText(await json(limited))).toMatch(/limit/i);
    // other division has its own budget
    expect((await t.api(`${DIV2}/system/Divisions`, tok)).status).toBe(200);
    await t.control('POST', 'clock', { advanceSeconds: 61 });
    const again = await t.api(`${DIV1}/system/Divisions`, tok);
    expect(again.status).toBe(200);
    expect(again.headers.get('x-ratelimit-limit')).toBe('5000');
  });

  it('enforces the daily limit (lowered through the control API)', async () => {
    await t.control('POST', 'limits', { daily: 3, resetCounters: true });
    const tok = (await t.connect()).access_token;
    for (let i = 0; i < 3; i++) expect((await t.api(`${DIV1}/system/Divisions`, tok)).status).toBe(200);
    const r = await t.api(`${DIV1}/system/Divisions`, tok);
    expect(r.status).toBe(429);
    expect(r.headers.get('x-ratelimit-remaining')).toBe('0');
    await t.control('POST', 'limits', { daily: 5000, resetCounters: true });
  });

  it('blocks an endpoint after more than 10 errors in an hour, for an hour', async () => {
    await t.control('POST', 'limits', { minutely: 100000, resetCounters: true });
    const tok = (await t.connect()).access_token;
    const missing = `${DIV1}/crm/Accounts(guid'00000000-0000-0000-0000-000000000001')`;
    for (let i = 0; i < 11; i++) expect((await t.api(missing, tok)).status).toBe(404);
    const blocked = await t.api(`${DIV1}/crm/Accounts?$filter=Name eq 'x'`, tok);
    expect(blocked.status).toBe(429);
    expect(errorText(await json(blocked))).toMatch(/blocked/);
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await t.api(`${DIV1}/financial/Journals`, tok)).status).toBe(200);
    expect((await t.api(`${DIV2}/crm/Accounts?$filter=Name eq 'x'`, tok)).status).toBe(200);
    await t.control('POST', 'clock', { advanceSeconds: 3601 });
    const tok2 = (await t.connect()).access_token;
    expect((await t.api(`${DIV1}/crm/Accounts?$filter=Name eq 'x'`, tok2)).status).toBe(200);
  });

  it('reports calls per client × division in /_sandbox/stats', async () => {
    const stats = await t.control<{ calls: { division: number; today: number }[] }>('GET', 'stats');
    expect(stats.calls.find((c) => c.division === DIV1)!.today).toBeGreaterThan(0);
  });
});

describe('sandbox request counter (/_sandbox/stats requests)', () => {
  let t: TestSandbox;
  beforeAll(async () => { t = await startTestSandbox({ realLimits: true }); });
  afterAll(async () => { await t.close(); });

  interface Counted { clientId: string; division: number; method: string; endpoint: string; n: number; statuses: Record<string, number> }
  const counted = async (method: string, endpoint: string, division = DIV1) =>
    (await t.control<{ requests: Counted[] }>('GET', 'stats')).requests.find((r) => r.method === method && r.endpoint === endpoint && r.division === division);

  it('counts every request per method and endpoint with the statuses it was answered with, also refused ones', async () => {
    await t.control('POST', 'limits', { minutely: 3, resetCounters: true });
    const tok = (await t.connect()).access_token;
    for (let i = 0; i < 4; i++) await t.api(`${DIV1}/crm/Accounts?$filter=Name eq 'x'`, tok);
    await t.api(`${DIV1}/financial/GLAccounts(guid'00000000-0000-0000-0000-000000000000')`, tok, { method: 'PUT', json: { Description: 'x' } });
    await t.api(`${DIV1}/financial/GLAccounts`, 'not-a-token');
    expect(await counted('GET', 'crm/accounts')).toEqual({
      clientId: expect.any(String), division: DIV1, method: 'GET', endpoint: 'crm/accounts', n: 4, statuses: { 200: 3, 429: 1 },
    });
    expect((await counted('PUT', 'financial/glaccounts'))?.n).toBe(1);
    const anonymous = (await t.control<{ requests: Counted[] }>('GET', 'stats')).requests.find((r) => r.clientId === '');
    expect(anonymous).toMatchObject({ division: DIV1, method: 'GET', n: 1, statuses: { 401: 1 } });
    await t.control('POST', 'limits', { minutely: 60, resetCounters: true });
    expect(await counted('GET', 'crm/accounts')).toBeUndefined();
  });
});
