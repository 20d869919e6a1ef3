// `npm run bench -- ledgers`: imports the GL accounts (all types) and the journals of one sandbox division into an
// empty Koppel through the sync engine (the same path as the "Import from Exact" buttons), and counts Exact calls.
import { startBenchEnvironment } from './support.mjs';

const DIVISION = 1234567;

export default async function ledgersBench(args = []) {
  const division = Number(args[0]) || DIVISION;
  const env = await startBenchEnvironment({ env: { SYNC_ENABLED: 'true', SYNC_TIMERS: 'false', SYNC_POLL_SECONDS: '0.5' } });
  try {
    await env.connect('all');
    const { LedgersSync } = await import(env.dist('modules/ledgers/ledgers.sync.js'));
    const { PG_POOL } = await import(env.dist('database/pg-pool.js'));
    const pool = env.app.get(PG_POOL);
    const jobs = env.app.get(LedgersSync);
    const callsBefore = await env.apiCalls();

    const t0 = performance.now();
    await jobs.request(division, 'gl-accounts', 'import', { allTypes: true });
    await jobs.request(division, 'journals', 'import');
    const deadline = Date.now() + 120_000;
    let rows = [];
    for (;;) {
      rows = (await pool.query("select resource, status, error, created, api_calls from ledger_import where division = $1 order by id", [division])).rows;
      if (rows.length === 2 && rows.every((r) => r.status === 'done' || r.status === 'failed')) break;
      if (Date.now() > deadline) throw new Error(`imports did not finish: ${JSON.stringify(rows)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - t0) / 1000;
    const failed = rows.filter((r) => r.status === 'failed');
    if (failed.length) throw new Error(`import failed: ${failed.map((r) => `${r.resource}: ${r.error}`).join('; ')}`);
    const count = async (table) => (await pool.query(`select count(*)::int n from ${table}`)).rows[0].n;
    const glAccounts = await count('gl_account');
    const journals = await count('journal');
    const apiCalls = (await env.apiCalls()) - callsBefore;
    console.log(`imported ${glAccounts} GL accounts and ${journals} journals of division ${division} in ${seconds.toFixed(2)} s with ${apiCalls} Exact calls`);
    return { bench: 'ledgers', gl_accounts: glAccounts, journals, api_calls: apiCalls, seconds: Number(seconds.toFixed(3)) };
  } finally {
    await env.close();
  }
}
