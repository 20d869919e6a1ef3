import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/app.js';
import { connectExact, startExactSandbox, type ExactTestEnv } from '../support/exact.js';
import { sql, waitFor } from '../support/sync.js';
import { freePort } from '../../src/common/net.js';
import { projectRoot } from '../../src/common/paths.js';
import { notificationBody } from '../../src/modules/webhooks/webhook.signature.js';
import { sendUntilAccepted } from '../support/webhooks.js';
import { WebhookWorker } from '../../src/modules/webhooks/webhook.worker.js';

// 1000 notifications in a burst while the receiving Koppel process is killed (SIGKILL) and started again:
// each is answered, kept and its effect happens once; none is lost. Real processes of the built app.
const N = 1000;
const D1 = 1234567;
let x: ExactTestEnv;
let t: TestApp;

beforeAll(async () => {
  x = await startExactSandbox();
  t = await startTestApp(x.env);
  const a = await t.createUser('admin');
  await connectExact(x, await t.login(a.email, a.password), [D1]);
  await t.app.get(WebhookWorker).stop(); // only the child processes work the inbox
  await sql(t.db.url, 'create table burst_effect (key text not null, pid int not null)');
  await sql(t.db.url, 'create table burst_attempt (key text not null, pid int not null)');
}, 120_000);

afterAll(async () => {
  await t?.close();
  await x?.close();
});

function receiver(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(projectRoot, 'test', 'support', 'webhook-process.mjs')], {
    env: { ...process.env, ...x.env, DATABASE_URL: t.db.url, DATA_DIR: t.db.dataDir, WEBHOOK_TEST_PORT: String(port), WEBHOOK_POLL_MS: '50', WEBHOOK_CONCURRENCY: '4', NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => l === 'ready' && resolve(child));
    child.once('exit', (code) => reject(new Error(`receiver exited (${code}) before it was ready`)));
  });
}

describe('webhooks while Koppel is killed', () => {
  it('keeps and processes each of 1000 notifications once, although the receiving process is killed mid-burst', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/webhooks/exact`;
    const bodies = Array.from({ length: N }, (_, i) =>
      notificationBody(
        { Topic: 'KoppelBurst', ClientId: x.client.clientId, Division: D1, Action: 'Update', Key: `kill-${i}-${randomUUID()}`, ExactOnlineEndpoint: `${x.sandbox.url}/api/v1/${D1}/crm/Accounts`, EventCreatedOn: new Date(Date.UTC(2026, 10, 21, 10, 0, i)).toISOString() },
        x.client.webhookSecret,
      ),
    );
    let first: ChildProcess | undefined = await receiver(port);
    const killedPid = first.pid!;
    // like Exact: each notification is sent again until it gets a 2xx
    const { stats: sent, done: sending } = sendUntilAccepted(url, bodies, 16, 50);
    await waitFor(async () => (sent.accepted >= N / 3 ? true : undefined), 'a third accepted', 60_000);
    first.kill('SIGKILL');
    await new Promise((r) => first!.once('exit', r));
    first = undefined;
    const second = await receiver(port);
    try {
      await sending;
      await waitFor(async () => {
        const [r] = await sql<{ n: string }>(t.db.url, `select count(*) as n from webhook_inbox where topic = 'KoppelBurst' and status = 'done'`);
        return Number(r.n) === N ? true : undefined;
      }, 'all processed', 90_000);
      const [inbox] = await sql<{ n: string }>(t.db.url, `select count(*) as n from webhook_inbox where topic = 'KoppelBurst'`);
      expect(Number(inbox.n)).toBe(N); // kept once each, replays were no-ops
      const count = async (text: string) => Number((await sql<{ n: string }>(t.db.url, text))[0].n);
      // every notification had its effect, and both processes did part of the work
      expect(await count('select count(distinct key) as n from burst_effect')).toBe(N);
      expect(await count('select count(distinct pid) as n from burst_effect')).toBe(2);
      // no process handled a notification twice (attempts and effects per key × process)
      expect(await count('select count(*) as n from (select key, pid from burst_attempt group by 1, 2 having count(*) > 1) d')).toBe(0);
      expect(await count('select count(*) as n from (select key, pid from burst_effect group by 1, 2 having count(*) > 1) d')).toBe(0);
      // a notification is handled again only when the kill interrupted it: the killed process had started it
      // (WEBHOOK_CONCURRENCY = 4 at most in flight) and the survivor took it over; nothing else ran twice
      const again = await sql<{ key: string; pids: number[] }>(t.db.url, 'select key, array_agg(pid order by pid) as pids from burst_attempt group by key having count(*) > 1');
      expect(again.length).toBeLessThanOrEqual(4);
      for (const a of again) expect(a.pids).toEqual(expect.arrayContaining([killedPid, second.pid]));
      const twice = await count('select count(*) as n from (select key from burst_effect group by key having count(*) > 1) d');
      expect(twice).toBeLessThanOrEqual(again.length);
      expect(await count('select count(*) as n from burst_effect') - twice).toBe(N);
    } finally {
      second.kill('SIGTERM');
    }
  }, 180_000);
});
