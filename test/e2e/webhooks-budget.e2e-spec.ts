import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/app.js';
import { connectExact, startExactSandbox, type ExactTestEnv } from '../support/exact.js';
import { sql, syncOf, waitFor } from '../support/sync.js';
import { sendUntilAccepted } from '../support/webhooks.js';
import { freePort } from '../../src/common/net.js';
import { notificationBody } from '../../src/modules/webhooks/webhook.signature.js';
import { WebhookWorker } from '../../src/modules/webhooks/webhook.worker.js';

// Issue 13 "Exact's budget under webhook bursts": notifications for one division and topic fold into one handling
// (Accounts: one look-up per distinct account; FinancialTransactions: one payments run, then at most one follow-up).
// The calls are counted by the sandbox itself (GET /_sandbox/stats), never by Koppel.
const D1 = 1234567;
let x: ExactTestEnv;
let t: TestApp;
let base: string;

const db = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(t.db.url, text, params);

async function exactCalls(): Promise<number> {
  const stats = await x.control<{ calls: { clientId: string; division: number; total: number }[] }>('stats');
  return stats.calls.filter((c) => c.division === D1).reduce((n, c) => n + c.total, 0);
}

/** Nothing pending in the inbox, no payments run queued or running, no request left open; the same twice. */
async function settled(): Promise<void> {
  const idle = async () => {
    const [q] = await db<{ n: string }>(`select count(*) as n from webhook_inbox where status in ('pending', 'processing')`);
    const [s] = await db<{ status: string }>(`select status from sync_state where division = $1 and resource = 'payments'`, [D1]);
    const [r] = await db<{ open: boolean }>(`select requested > handled as open from payment_sync_request where division = $1`, [D1]);
    return Number(q.n) === 0 && (!s || !['queued', 'running'].includes(s.status)) && !r?.open;
  };
  await waitFor(async () => {
    if (!(await idle())) return false;
    const calls = await exactCalls();
    await new Promise((res) => setTimeout(res, 1000));
    return (await idle()) && (await exactCalls()) === calls;
  }, 'inbox, payments and Exact calls at rest', 120_000);
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  x = await startExactSandbox({ redirectUri: `${base}/settings/integrations/exact/callback` });
  t = await startTestApp({ ...x.env, PORT: String(port), PUBLIC_BASE_URL: base, SYNC_TIMERS: 'false', SYNC_POLL_SECONDS: '0.5', WEBHOOK_POLL_MS: '100', WEBHOOK_CHECK_SECONDS: '0' });
  await t.app.listen(port, '127.0.0.1');
  const a = await t.createUser('admin');
  await connectExact(x, await t.login(a.email, a.password), 'all');
  // the first payments run reads the division from the start: done before counting
  await syncOf(t.app).service.enqueue(D1, 'payments', 'manual');
  await settled();
}, 180_000);

afterAll(async () => {
  await t?.close();
  await x?.close();
});

describe('1000 notifications for one division', () => {
  it('cost a small constant number of Exact calls: one look-up per distinct account, one payments run and at most one follow-up', async () => {
    const { rows: accounts } = await x.control<{ rows: { ID: string }[] }>(`data/${D1}/Accounts?limit=3`);
    expect(accounts).toHaveLength(3);
    let seq = 0;
    const body = (topic: string, key: string, endpoint: string) =>
      notificationBody(
        { Topic: topic, ClientId: x.client.clientId, Division: D1, Action: 'Update', Key: key, ExactOnlineEndpoint: `${x.sandbox.url}/api/v1/${D1}/${endpoint}`, EventCreatedOn: new Date(Date.UTC(2026, 10, 21, 10, 0, 0, ++seq)).toISOString() },
        x.client.webhookSecret,
      );
    const bodies = [
      ...Array.from({ length: 700 }, () => body('FinancialTransactions', randomUUID(), 'financialtransaction/TransactionLines')),
      ...Array.from({ length: 300 }, (_, i) => body('Accounts', accounts[i % 3].ID, 'crm/Accounts')),
    ].sort(() => Math.random() - 0.5);

    const before = await exactCalls();
    const runsBefore = Number((await db<{ n: string }>(`select count(*) as n from sync_run where division = $1 and resource = 'payments'`, [D1]))[0].n);
    // the burst lands while the worker is busy elsewhere (stopped): all of it waits in the inbox, as in a real burst
    const worker = t.app.get(WebhookWorker);
    await worker.stop();
    const { stats, done } = sendUntilAccepted(`${base}/webhooks/exact`, bodies, 20, 100);
    await done;
    expect(stats.accepted).toBe(1000);
    worker.start();
    await settled();

    const [inbox] = await db<{ done: string; total: string }>(`select count(*) filter (where status = 'done') as done, count(*) as total from webhook_inbox where division = $1 and topic in ('Accounts', 'FinancialTransactions')`, [D1]);
    expect(Number(inbox.total)).toBe(1000);
    expect(Number(inbox.done)).toBe(1000); // every notification is accounted for (handled or folded), none lost

    const runs = Number((await db<{ n: string }>(`select count(*) as n from sync_run where division = $1 and resource = 'payments'`, [D1]))[0].n) - runsBefore;
    expect(runs).toBeGreaterThanOrEqual(1);
    expect(runs).toBeLessThanOrEqual(2); // one run, then at most one follow-up
    const calls = (await exactCalls()) - before;
    // 3 accounts × (look-up + at most one follow-up) + 2 payments runs × 2 rounds × one PaymentTerms page
    expect(calls).toBeGreaterThanOrEqual(4);
    expect(calls).toBeLessThanOrEqual(3 * 2 + 2 * 2);
  }, 300_000);
});
