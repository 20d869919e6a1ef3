import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { json, startLocalHttp } from '../../test/support/local-http.js';
import { ExactTransport } from './transport.js';
import { MemoryCallLog, MemoryRateLimits, MemoryTokens } from './transport.memory.js';
import { ExactClient } from './exact.client.js';
import { ExactServerError } from './errors.js';
import { f } from './odata.js';

// Pagination through the typed resources: __next is followed exactly as Exact sent it (API.md §3.3).
let http: Awaited<ReturnType<typeof startLocalHttp>>;
let client: ExactClient;

beforeAll(async () => {
  http = await startLocalHttp((_req, res) => json(res, 200, { d: { results: [] } }));
  client = new ExactClient(new ExactTransport(new MemoryTokens('t'), new MemoryRateLimits(), new MemoryCallLog(), { baseUrl: http.baseUrl, timeoutMs: 5000, errorBudget: 8, now: () => new Date(), backoffMs: () => 0 }));
});
afterAll(async () => {
  await http?.close();
});
afterEach(() => {
  http.seen.length = 0;
});

/** Three pages; each __next carries an opaque token with characters a rebuilt URL would change. */
function paged(pathPrefix: string, rows: (page: number) => Record<string, unknown>[], origin = () => http.baseUrl) {
  const nexts = [`${pathPrefix}?$skiptoken=guid%27AbC%27%2C17&$select=ID&x=%2F`, `${pathPrefix}?$skiptoken=Z%3D%3D&$select=ID`];
  http.setHandler((req, res) => {
    const page = req.url === nexts[0] ? 1 : req.url === nexts[1] ? 2 : 0;
    json(res, 200, { d: { results: rows(page), ...(page < 2 ? { __next: `${origin()}${nexts[page]}` } : {}) } });
  });
  return nexts;
}

describe('pagination', () => {
  it('follows __next verbatim until there is none', async () => {
    const nexts = paged('/api/v1/7/crm/Accounts', (p) => [{ ID: `a${p}` }, { ID: `b${p}` }]);
    const rows = await client.division(7).accounts.all({ filter: f.eq('Name', 'x y'), select: ['ID'] });
    expect(rows.map((r) => r.ID)).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'b2']);
    expect(http.seen.map((r) => r.url)).toEqual([`/api/v1/7/crm/Accounts?$select=ID&$filter=Name%20eq%20%27x%20y%27`, ...nexts]);
  });

  it('gives pages one by one (one call each) for paced readers', async () => {
    paged('/api/v1/7/bulk/Financial/TransactionLines', (p) => [{ ID: `l${p}`, AmountDC: p }]);
    const sizes: number[] = [];
    for await (const page of client.division(7).transactionLinesBulk.listPages({ select: ['ID', 'AmountDC'] })) sizes.push(page.rows.length);
    expect(sizes).toEqual([1, 1, 1]);
    expect(http.seen).toHaveLength(3);
  });

  it('moves a sync cursor to the highest Timestamp of each page', async () => {
    paged('/api/v1/7/sync/CRM/Accounts', (p) => [{ ID: `a${p}`, Timestamp: String(100 + p * 10) }, { ID: `b${p}`, Timestamp: String(95 + p * 10) }]);
    const pages: { cursor: bigint; more: boolean }[] = [];
    for await (const p of client.division(7).accountsSync.changes(42n, ['ID', 'Timestamp'])) pages.push({ cursor: p.cursor, more: p.more });
    expect(pages).toEqual([{ cursor: 100n, more: true }, { cursor: 110n, more: true }, { cursor: 120n, more: false }]);
    expect(decodeURIComponent(http.seen[0].url)).toBe('/api/v1/7/sync/CRM/Accounts?$select=ID,Timestamp&$filter=Timestamp gt 42L');
  });

  it('refuses a __next that points at another origin (our bearer token stays home)', async () => {
    paged('/api/v1/7/crm/Accounts', () => [{ ID: 'a' }], () => 'http://127.0.0.2:1');
    await expect(client.division(7).accounts.all()).rejects.toThrow(ExactServerError);
    expect(http.seen).toHaveLength(1);
  });

  it('reads a bare-array page (small $top) as the last page', async () => {
    http.setHandler((_req, res) => json(res, 200, { d: [{ ID: 'only' }] }));
    expect(await client.division(7).journals.first({ filter: f.eq('Code', '70') })).toEqual({ ID: 'only' });
    expect(decodeURIComponent(http.seen[0].url)).toBe("/api/v1/7/financial/Journals?$filter=Code eq '70'&$top=1");
  });

  it('reads the divisions of a user through current/Me\'s division, page by page', async () => {
    paged('/api/v1/7/system/Divisions', (p) => [{ Code: 7 + p, Hid: String(p) }]);
    const divisions = await client.divisionList(7, ['Code', 'Hid']);
    expect(divisions.map((d) => [d.Code, d.Hid])).toEqual([[7, 0n], [8, 1n], [9, 2n]]);
  });
});
