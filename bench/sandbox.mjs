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

export default async function bench(args = []) {
  const records = Number(args[0] ?? 100000);
  const t0 = performance.now();
  const sb = await startSandbox({ port: 0, volume: records });
  const startMs = Math.round(performance.now() - t0);
  try {
    const token = await connect(sb.url);
    const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
    const first = await (await fetch(`${sb.url}/api/v1/${DIVISION}/sync/Financial/TransactionLines?$filter=Timestamp gt 1L&$select=Timestamp&$top=1`, { headers })).json();
    const start = BigInt((Array.isArray(first.d) ? first.d : first.d.results)[0].Timestamp); // $top=1: the bare {"d":[…]} form
    const times = [];
    for (let i = 0; i < 9; i++) {
      // different cursors through the 100k rows, full rows (all fields)
      const from = start + BigInt(Math.floor((records * (i + 1)) / 11));
      const t = performance.now();
      const res = await fetch(`${sb.url}/api/v1/${DIVISION}/sync/Financial/TransactionLines?$filter=Timestamp gt ${from}L`, { headers });
      const body = await res.json();
      times.push(performance.now() - t);
      if (body.d.results.length !== 1000) throw new Error(`expected 1000 rows, got ${body.d.results.length}`);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    console.error(`sandbox started with ${records} extra TransactionLines in ${startMs} ms; page times ${times.map((x) => x.toFixed(1)).join(', ')} ms`);
    return { bench: 'sandbox', records, sync_page_ms: Math.round(median * 10) / 10 };
  } finally {
    await sb.close();
  }
}
