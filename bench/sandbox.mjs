// Bench: time to serve one 1000-row sync page over HTTP with 100k records in sync/Financial/TransactionLines.
import { startSandbox } from '../dist/src/exact-sandbox/server.js';

const CLIENT = {
  clientId: '3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
  clientSecret: 'sandbox-secret',
  redirectUri: 'http://localhost:3000/settings/integrations/exact/callback',
};
const DIVISION = 1234567;

async function connect(url) {
  const post = (path, body) => fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await post('/_sandbox/limits', { minutely: 100000, daily: 1000000 });
  const { code } = await (await post('/_sandbox/authorize', { clientId: CLIENT.clientId, redirectUri: CLIENT.redirectUri, divisions: 'all' })).json();
  const res = await fetch(`${url}/api/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CLIENT.redirectUri, client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret }),
  });
  return (await res.json()).access_token;
}

/** collection rows of either envelope ({"d":{"results":[…]}} or the bare {"d":[…]}) */
function rowsOf(body) {
  return Array.isArray(body.d) ? body.d : body.d.results;
}

// Planning volume (issue #14): 100 000 sales order lines (+ 20 000 shop-order operations) in one division; time to serve
// one 1000-row page of sync/SalesOrder/SalesOrderLines.
async function planningBench(url, headers, lines = 100000) {
  const t0 = performance.now();
  const res = await fetch(`${url}/_sandbox/planning/volume`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ division: DIVISION, salesOrderLines: lines, routingSteps: 20000 }),
  });
  if (res.status !== 200) throw new Error(`planning volume failed: ${res.status} ${await res.text()}`);
  const volumeMs = Math.round(performance.now() - t0);
  const first = await (await fetch(`${url}/api/v1/${DIVISION}/sync/SalesOrder/SalesOrderLines?$filter=Timestamp gt 1L&$select=Timestamp&$top=1`, { headers })).json();
  const start = BigInt(rowsOf(first)[0].Timestamp);
  const times = [];
  for (let i = 0; i < 9; i++) {
    const from = start + BigInt(Math.floor((lines * (i + 1)) / 11));
    const t = performance.now();
    const page = await (await fetch(`${url}/api/v1/${DIVISION}/sync/SalesOrder/SalesOrderLines?$filter=Timestamp gt ${from}L`, { headers })).json();
    times.push(performance.now() - t);
    if (rowsOf(page).length !== 1000) throw new Error(`expected 1000 sales order lines, got ${rowsOf(page).length}`);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.error(`planning volume of ${lines} sales order lines added in ${volumeMs} ms; page times ${times.map((x) => x.toFixed(1)).join(', ')} ms`);
  return { planning_records: lines, planning_sync_page_ms: Math.round(median * 10) / 10 };
}

export default async function bench(args = []) {
  const records = Number(args[0] ?? 100000);
  const t0 = performance.now();
  const sb = await startSandbox({ port: 0, volume: records });
  const startMs = Math.round(performance.now() - t0);
  try {
    const token = await connect(sb.url);
    const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
    const first = await (await fetch(`${sb.url}/api/v1/${DIVISION}/sync/Financial/TransactionLines?$filter=Timestamp gt 1L&$select=Timestamp&$top=1`, { headers })).json();
    const start = BigInt(rowsOf(first)[0].Timestamp);
    const times = [];
    for (let i = 0; i < 9; i++) {
      // different cursors through the 100k rows, full rows (all fields)
      const from = start + BigInt(Math.floor((records * (i + 1)) / 11));
      const t = performance.now();
      const res = await fetch(`${sb.url}/api/v1/${DIVISION}/sync/Financial/TransactionLines?$filter=Timestamp gt ${from}L`, { headers });
      const body = await res.json();
      times.push(performance.now() - t);
      if (rowsOf(body).length !== 1000) throw new Error(`expected 1000 rows, got ${rowsOf(body).length}`);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    console.error(`sandbox started with ${records} extra TransactionLines in ${startMs} ms; page times ${times.map((x) => x.toFixed(1)).join(', ')} ms`);
    const planning = await planningBench(sb.url, headers);
    return { bench: 'sandbox', records, sync_page_ms: Math.round(median * 10) / 10, ...planning };
  } finally {
    await sb.close();
  }
}
