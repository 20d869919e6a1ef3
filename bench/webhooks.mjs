// Bench: notifications accepted per second by POST /webhooks/exact and the 99th-percentile answer time,
// over real HTTP with concurrent senders, while the inbox worker is busy processing what came in.
//   npm run bench -- webhooks [notifications=5000] [concurrency=16]
// Baseline in the same run (baseline_accepted_per_s, baseline_p99_ms): a bare node:http server that inserts one
// row per request into the same PostgreSQL, driven by the same load generator with the same bodies and concurrency.
import { startBenchEnvironment } from './support.mjs';
import { freePort } from '../dist/src/common/net.js';
import { Worker } from 'node:worker_threads';
import { createServer } from 'node:http';
import pg from 'pg';

const SENDER = `
const { workerData, parentPort } = require('node:worker_threads');
const { url, bodies, concurrency } = workerData;
(async () => {
  const times = [];
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const t = performance.now();
      const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error('answer ' + res.status);
      times.push(performance.now() - t);
    }
  }));
  parentPort.postMessage(times);
})().catch((e) => { throw e; });
`;

/** POSTs every body with `concurrency` senders in a worker thread; resolves with the answer times (ms). */
function sendAll(url, bodies, concurrency) {
  return new Promise((resolve, reject) => {
    const w = new Worker(SENDER, { eval: true, workerData: { url, bodies, concurrency } });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

export default async function bench(args = []) {
  const N = Number(args[0] ?? 5000);
  const CONCURRENCY = Number(args[1] ?? 16);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = await startBenchEnvironment({ env: { PORT: String(port), PUBLIC_BASE_URL: base, WEBHOOK_CHECK_SECONDS: '0', WEBHOOK_POLL_MS: '200' } });
  const { app, client, dist } = env;
  try {
    await env.connect([1234567]);
    await app.listen(port, '127.0.0.1');
    const { notificationBody } = await import(dist('modules/webhooks/webhook.signature.js'));
    const { WebhookHandlers } = await import(dist('modules/webhooks/webhook.handlers.js'));
    const { WEBHOOK_POOL } = await import(dist('modules/webhooks/webhook.inbox.js'));
    const pool = app.get(WEBHOOK_POOL);

    // the worker's "work": a read and a write per notification plus ~2 ms of waiting (an Exact call would be slower)
    let processed = 0;
    app.get(WebhookHandlers).register('BenchTopic', async (e) => {
      await pool.query('select id from webhook_inbox where id = $1', [e.id]);
      await new Promise((r) => setTimeout(r, 2));
      processed++;
    }, { name: 'bench', subscribe: false });

    const bodies = Array.from({ length: N }, (_, i) => notificationBody({
      Topic: 'BenchTopic', ClientId: client.clientId, Division: 1234567, Action: 'Update',
      Key: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      ExactOnlineEndpoint: `${env.sandbox.url}/api/v1/1234567/crm/Accounts`, EventCreatedOn: new Date(Date.UTC(2026, 0, 1) + i).toISOString(),
    }, client.webhookSecret));

    const url = `${base}/webhooks/exact`;
    // warm-up (JIT, pool connections), not counted
    const warmup = Array.from({ length: 200 }, (_, i) => notificationBody({ Topic: 'Warmup', ClientId: client.clientId, Division: 1234567, Action: 'Update', Key: `w${i}`, ExactOnlineEndpoint: null, EventCreatedOn: `${i}` }, client.webhookSecret));
    await sendAll(url, warmup, 8);

    // the senders run in a worker thread, so the app's event loop is measured, not the client's
    const t0 = performance.now();
    const times = await sendAll(url, bodies, CONCURRENCY);
    const seconds = (performance.now() - t0) / 1000;
    const backlogAtEnd = N - processed;

    // none lost: every notification is in the inbox and gets processed
    const until = Date.now() + 120_000;
    let done = 0;
    while (Date.now() < until) {
      done = Number((await pool.query(`select count(*) as n from webhook_inbox where topic = 'BenchTopic' and status = 'done'`)).rows[0].n);
      if (done === N) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const stored = Number((await pool.query(`select count(*) as n from webhook_inbox where topic = 'BenchTopic'`)).rows[0].n);
    times.sort((a, b) => a - b);
    const p = (q) => times[Math.min(times.length - 1, Math.floor(times.length * q))];
    console.error(`${N} notifications, ${CONCURRENCY} concurrent senders: ${seconds.toFixed(2)} s; answer p50 ${p(0.5).toFixed(1)} ms, p99 ${p(0.99).toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms; worker had processed ${N - backlogAtEnd} when sending ended; stored ${stored}, processed ${done}, handler calls ${processed}`);

    const baseline = await bareBaseline(env.dbUrl, bodies, CONCURRENCY);
    console.error(`baseline (bare node:http, one insert per request, same PostgreSQL): ${N} requests in ${baseline.seconds.toFixed(2)} s; p99 ${baseline.p99.toFixed(1)} ms; rows ${baseline.rows}`);
    return {
      bench: 'webhooks',
      notifications: N,
      accepted_per_s: Math.round(N / seconds),
      p99_ms: Math.round(p(0.99) * 10) / 10,
      lost: N - Math.min(stored, done),
      baseline_accepted_per_s: Math.round(N / baseline.seconds),
      baseline_p99_ms: Math.round(baseline.p99 * 10) / 10,
    };
  } finally {
    await env.close();
  }
}

/**
 * The floor to compare with: a bare node:http server on the same machine that stores each request's body as
 * one row in the same PostgreSQL (a pool as large as the webhook receiver's) and answers 200, measured with the
 * same sender worker, bodies and concurrency. No signature check, parsing, dedup or worker: what is left is HTTP
 * plus one insert.
 */
async function bareBaseline(dbUrl, bodies, concurrency) {
  const pool = new pg.Pool({ connectionString: dbUrl, max: 10, application_name: 'bench-baseline' });
  await pool.query('create table if not exists bench_baseline (id bigserial primary key, body text not null, received_at timestamptz not null default now())');
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      pool.query('insert into bench_baseline (body) values ($1)', [Buffer.concat(chunks).toString('utf8')]).then(
        () => res.writeHead(200).end(),
        (e) => res.writeHead(500).end(String(e.message)),
      );
    });
  });
  const port = await freePort();
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${port}/webhooks/exact`;
    await sendAll(url, bodies.slice(0, 200), 8); // warm-up, as for Koppel
    await pool.query('truncate bench_baseline');
    const t0 = performance.now();
    const times = await sendAll(url, bodies, concurrency);
    const seconds = (performance.now() - t0) / 1000;
    times.sort((a, b) => a - b);
    const rows = Number((await pool.query('select count(*) as n from bench_baseline')).rows[0].n);
    if (rows !== bodies.length) throw new Error(`baseline stored ${rows} of ${bodies.length} rows`);
    return { seconds, p99: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))], rows };
  } finally {
    await new Promise((r) => server.close(r));
    await pool.query('drop table if exists bench_baseline');
    await pool.end();
  }
}
