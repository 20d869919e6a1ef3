// Bench: "Export customers" of 1000 new customers to Exact (sandbox, limits raised so nothing waits).
// Target: one call per customer plus a constant (one filtered lookup per 40 codes, then one POST each).
// `seconds_at_real_limits` = the calls spread over Exact's real budget of 60 calls/minute per division.
// Only the export's own calls are counted (endpoint crm/Accounts; other modules may call Exact after connecting).
import 'reflect-metadata';
import { mkdtemp, chmod, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxRequests } from './support.mjs';

const dist = (p) => new URL(`../dist/src/${p}`, import.meta.url).href;
const DIVISION = 1234567;
const REAL_PER_MINUTE = 60;

export default async function bench(args = []) {
  const n = Number(args[0] ?? 1000);
  const { startEmbeddedPostgres } = await import(dist('database/embedded-postgres.js'));
  const { freePort } = await import(dist('common/net.js'));
  const { startSandbox } = await import(dist('exact-sandbox/server.js'));
  const { loadConfig } = await import(dist('config/config.js'));
  const { AppModule } = await import(dist('app.module.js'));
  const { ExactConnectionService } = await import(dist('exact/connection.service.js'));
  const { CustomerExportService } = await import(dist('modules/customers/customer-export.service.js'));
  const { NestFactory } = await import('@nestjs/core');
  const { MikroORM } = await import('@mikro-orm/postgresql');

  const dir = await mkdtemp(join(tmpdir(), 'koppel-bench-customers-'));
  await chmod(dir, 0o755);
  const db = await startEmbeddedPostgres({ dir: join(dir, 'pg'), port: await freePort(), database: 'koppel', persistent: false });
  const sandbox = await startSandbox({ port: 0 });
  const control = async (path, body) => {
    const res = await fetch(`${sandbox.url}/_sandbox/${path}`, { method: body === undefined ? 'GET' : 'POST', headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  let app;
  try {
    await control('limits', { minutely: 1_000_000, daily: 10_000_000 });
    const redirectUri = 'http://localhost:3000/settings/integrations/exact/callback';
    const client = await control('clients', { redirectUri });
    const config = loadConfig({
      NODE_ENV: 'test', DATA_DIR: dir, LOG_LEVEL: 'error', SYNC_ENABLED: 'false', SYNC_TIMERS: 'false',
      EXACT_BASE_URL: sandbox.url, EXACT_CLIENT_ID: client.clientId, EXACT_CLIENT_SECRET: client.clientSecret, EXACT_WEBHOOK_SECRET: client.webhookSecret,
    });
    app = await NestFactory.create(AppModule.forRoot(config, db.url), { logger: ['error'] });
    const orm = app.get(MikroORM);
    await orm.migrator.up();
    await app.init();

    const { code } = await control('authorize', { clientId: client.clientId, redirectUri, divisions: 'all' });
    const tok = await (await fetch(`${sandbox.url}/api/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: client.clientId, client_secret: client.clientSecret }),
    })).json();
    await app.get(ExactConnectionService).complete({ accessToken: tok.access_token, refreshToken: tok.refresh_token, expiresInSeconds: Number(tok.expires_in) });

    // 1000 new customers (numbers the sandbox does not use) in a location that books into the division
    const conn = orm.em.getConnection();
    const [{ id: locationId }] = await conn.execute(
      `insert into locations (name, code, street, house_number, postcode, city, country, exact_division) values ('Bench', 'BENCH', 'Weg', '1', '1234 AB', 'Ede', 'NL', ${DIVISION}) returning id`,
    );
    const values = Array.from({ length: n }, (_, i) => `('${500000 + i}', 'Bench Klant ${i}', 'Laan', '${1 + (i % 200)}', '1234 AB', 'Ede', 'NL', 'NL${String(100000000 + i)}B01', ${locationId})`);
    await conn.execute(`insert into customers (number, name, street, house_number, postcode, city, country, vat_number, location_id) values ${values.join(',')}`);

    // counted by the sandbox itself
    const accountCalls = () => sandboxRequests(control, client.clientId, { division: DIVISION, endpoint: 'crm/accounts' });
    const callsBefore = await accountCalls();
    const t0 = performance.now();
    const summary = await app.get(CustomerExportService).exportChanged({ locationId });
    const seconds = (performance.now() - t0) / 1000;
    const apiCalls = (await accountCalls()) - callsBefore;
    if (summary.created !== n) throw new Error(`expected ${n} created, got ${JSON.stringify({ ...summary, errors: summary.errors.slice(0, 3) })}`);
    if (apiCalls !== summary.apiCalls) console.error(`note: the sandbox counted ${apiCalls} calls, the service reports ${summary.apiCalls}`);
    console.error(`exported ${n} customers: ${summary.created} created, ${apiCalls} Exact calls (${Math.ceil(n / 40)} lookups + ${n} POSTs) in ${seconds.toFixed(1)} s`);
    return {
      bench: 'customers',
      customers: n,
      api_calls: apiCalls,
      calls_per_customer: Math.round((apiCalls / n) * 1000) / 1000,
      seconds: Math.round(seconds * 10) / 10,
      seconds_at_real_limits: Math.round((apiCalls * 60) / REAL_PER_MINUTE),
    };
  } finally {
    await app?.close().catch(() => undefined);
    await sandbox.close();
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
