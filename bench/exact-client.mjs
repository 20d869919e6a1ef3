// npm run bench -- exact-client
// API calls and wall time to read 10 000 records (TransactionLines of one division) through the sync
// endpoint (1000/page) versus the normal endpoint (60/page). The sandbox's minute limit is lifted so the
// wall time measures the client, not the limiter; seconds_at_real_limits adds what 60 calls/minute costs.
import { startBenchEnvironment } from './support.mjs';

const RECORDS = 10_000;
const DIVISION = 1234567;

export default async function run() {
  const env = await startBenchEnvironment({ volume: RECORDS, limits: { minutely: 100000, daily: 1000000 } });
  try {
    await env.connect();
    const { ExactClient } = await import(env.dist('exact/exact.client.js'));
    const { f } = await import(env.dist('exact/odata.js'));
    const d = env.app.get(ExactClient).division(DIVISION);

    let before = await env.apiCalls();
    let t0 = performance.now();
    let n = 0;
    outer: for await (const page of d.transactionLinesSync.changes(1n, ['ID', 'Timestamp', 'AmountDC'], { kind: 'background' })) {
      for (const _ of page.rows) if (++n >= RECORDS) break outer;
    }
    const syncS = (performance.now() - t0) / 1000;
    const syncCalls = (await env.apiCalls()) - before;
    const syncRead = n;

    before = await env.apiCalls();
    t0 = performance.now();
    n = 0;
    for await (const _ of d.transactionLines.list({ filter: f.ge('FinancialYear', 2000), select: ['ID', 'AmountDC'] }, { kind: 'background' })) {
      if (++n >= RECORDS) break;
    }
    const normalS = (performance.now() - t0) / 1000;
    const normalCalls = (await env.apiCalls()) - before;
    console.error(`read ${syncRead} records via sync in ${syncCalls} calls, ${n} via the normal endpoint in ${normalCalls} calls`);
    return {
      bench: 'exact-client',
      records: RECORDS,
      sync_calls: syncCalls,
      normal_calls: normalCalls,
      sync_s: Number(syncS.toFixed(2)),
      normal_s: Number(normalS.toFixed(2)),
      sync_s_at_real_limits: Number((syncS + Math.max(0, syncCalls - 60)).toFixed(1)),
      normal_s_at_real_limits: Number((normalS + Math.max(0, normalCalls - 60)).toFixed(1)),
    };
  } finally {
    await env.close();
  }
}
