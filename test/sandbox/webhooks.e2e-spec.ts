import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_CLIENT, DIV1, DIV2, errorText, json, startTestSandbox, type TestSandbox } from './sandbox.helper.js';

interface Received { body: string; contentLength: string | undefined; at: number }

async function receiver(statusFor: (n: number) => number = () => 200) {
  const got: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
    req.on('end', () => {
      got.push({ body, contentLength: req.headers['content-length'], at: Date.now() });
      res.statusCode = statusFor(got.length);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { got, url: `http://127.0.0.1:${port}/hook`, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

async function waitFor<T>(fn: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timeout waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

// API.md §6: subscriptions, validation POST, signed notifications, retries
describe('sandbox §6 webhooks', () => {
  let t: TestSandbox;
  let tok: string;
  beforeAll(async () => { t = await startTestSandbox(); tok = (await t.connect()).access_token; });
  afterAll(async () => { await t.close(); });

  const subscribe = (division: number, topic: string, url: string) =>
    t.api(`${division}/webhooks/WebhookSubscriptions`, tok, { method: 'POST', json: { CallbackURL: url, Topic: topic }, headers: { Prefer: 'return=representation' } });

  it('sends an empty validation POST about a second after subscribing, then signed notifications', async () => {
    const rx = await receiver();
    const t0 = Date.now();
    const r = await subscribe(DIV1, 'Accounts', rx.url);
    expect(r.status).toBe(201);
    const sub = (await json(r)).d;
    expect(sub.ClientID).toBe(DEFAULT_CLIENT.clientId);
    expect(sub.Division).toBe(DIV1);
    const validation = await waitFor(() => rx.got[0]);
    expect(validation.body).toBe('');
    expect(validation.contentLength).toBe('0');
    expect(validation.at - t0).toBeGreaterThanOrEqual(900);

    const created = (await json(await t.api(`${DIV1}/crm/Accounts`, tok, { method: 'POST', json: { Name: 'Webhook B.V.' } }))).d;
    const note = await waitFor(() => rx.got[1]);
    const m = /^\{"Content":(.*),"HashCode":"([0-9A-F]{64})"\}$/.exec(note.body);
    expect(m).not.toBeNull();
    const expected = createHmac('sha256', DEFAULT_CLIENT.webhookSecret).update(m![1]).digest('hex').toUpperCase();
    expect(m![2]).toBe(expected);
    const content = JSON.parse(m![1]);
    expect(Object.keys(content)).toEqual(['Topic', 'ClientId', 'Division', 'Action', 'Key', 'ExactOnlineEndpoint', 'EventCreatedOn']);
    expect(content).toMatchObject({ Topic: 'Accounts', ClientId: DEFAULT_CLIENT.clientId, Division: DIV1, Action: 'Update', Key: created.ID });
    expect(content.ExactOnlineEndpoint).toBe(`${t.url}/api/v1/${DIV1}/crm/Accounts(guid'${created.ID}')`);

    await t.api(`${DIV1}/crm/Accounts(guid'${created.ID}')`, tok, { method: 'DELETE' });
    const del = await waitFor(() => rx.got[2]);
    expect(JSON.parse(del.body).Content.Action).toBe('Delete');

    // changes through the control API fire too
    await t.control('POST', 'accounts', { division: DIV1, Name: 'Via control' });
    await waitFor(() => rx.got[3]);
    await t.api(`${DIV1}/webhooks/WebhookSubscriptions(guid'${sub.ID}')`, tok, { method: 'DELETE' });
    await rx.close();
  });

  it('retries when the callback fails', async () => {
    await t.control('POST', 'webhooks', { retryBaseMs: 50, validationDelayMs: 10 });
    const rx = await receiver((n) => (n === 2 || n === 3 ? 500 : 200));
    await subscribe(DIV2, 'FinancialTransactions', rx.url);
    await waitFor(() => rx.got[0]);
    const entry = await json(await t.api(`${DIV2}/salesentry/SalesEntries?$top=1&$filter=Status eq 20`, tok));
    await t.control('POST', 'simulate/payment', { division: DIV2, invoiceNumber: entry.d[0].InvoiceNumber, amount: 1 });
    await waitFor(() => rx.got[3]);
    expect(rx.got[1].body).toBe(rx.got[3].body);
    expect(JSON.parse(rx.got[3].body).Content.Topic).toBe('FinancialTransactions');
    const log = await t.control<{ log: { attempt: number }[] }>('GET', 'webhooks');
    expect(log.log.some((l) => l.attempt === 3)).toBe(true);
    await rx.close();
  });

  it('pauses and resumes deliveries', async () => {
    await t.control('POST', 'webhooks', { validationDelayMs: 10 });
    const rx = await receiver();
    await subscribe(DIV2, 'GLAccounts', rx.url);
    await waitFor(() => rx.got[0]);
    await t.control('POST', 'webhooks', { enabled: false });
    await t.control('POST', 'glaccounts', { division: DIV2, Code: '8999', Description: 'Omzet nieuw', Type: 110 });
    await new Promise((r) => setTimeout(r, 400));
    expect(rx.got).toHaveLength(1);
    await t.control('POST', 'webhooks', { enabled: true });
    await waitFor(() => rx.got[1]);
    expect(JSON.parse(rx.got[1].body).Content.Topic).toBe('GLAccounts');
    await rx.close();
  });

  it('validates subscriptions: HTTPS (or loopback http), known topic, no duplicates, client scoped', async () => {
    const http = await subscribe(DIV1, 'Items', 'http://example.com/hook');
    expect(http.status).toBe(400);
    expect(errorText(await json(http))).toMatch(/HTTPS/);
    expect((await subscribe(DIV1, 'Bogus', 'https://example.com/hook')).status).toBe(400);
    expect((await subscribe(DIV1, 'Items', 'https://example.com/hook')).status).toBe(201);
    expect((await subscribe(DIV1, 'Items', 'https://example.com/hook2')).status).toBe(400);
    const other = await t.control<typeof DEFAULT_CLIENT>('POST', 'clients', { redirectUri: 'https://x.example/cb' });
    const otherTok = (await t.connect('all', other)).access_token;
    const list = await json(await t.api(`${DIV1}/webhooks/WebhookSubscriptions`, otherTok));
    expect(list.d.results).toHaveLength(0);
    const mine = await json(await t.api(`${DIV1}/webhooks/WebhookSubscriptions`, tok));
    expect(mine.d.results.length).toBeGreaterThan(0);
  });
});
