// A Koppel process that receives webhooks on WEBHOOK_TEST_PORT and works the inbox; a test handler for
// topic KoppelBurst records every attempt and every effect (no unique key, no "on conflict": a notification
// processed twice leaves two effect rows, which the test reads).
import 'reflect-metadata';

const dist = (p) => new URL(`../../dist/src/${p}`, import.meta.url).href;
const { loadConfig } = await import(dist('config/config.js'));
const { AppModule } = await import(dist('app.module.js'));
const { configureApp } = await import(dist('bootstrap.js'));
const { WebhookHandlers } = await import(dist('modules/webhooks/webhook.handlers.js'));
const { PG_POOL } = await import(dist('database/pg-pool.js'));
const { NestFactory } = await import('@nestjs/core');

// the inbox is background work: it needs the engine on (SYNC_ENABLED) — without timers, so only the inbox runs here
const config = loadConfig({ ...process.env, SYNC_ENABLED: 'true', SYNC_TIMERS: 'false', LOG_LEVEL: 'error' });
const app = await NestFactory.create(AppModule.forRoot(config, process.env.DATABASE_URL), { logger: ['error'] });
await configureApp(app);
const pool = app.get(PG_POOL);
app.get(WebhookHandlers).register('KoppelBurst', async (e) => {
  await pool.query('insert into burst_attempt (key, pid) values ($1, $2)', [e.key, process.pid]);
  // a test can hold the handler here, between its attempt and its effect (the test holds the advisory lock)
  if (process.env.BURST_GATE) await pool.query('select pg_advisory_xact_lock_shared($1)', [Number(process.env.BURST_GATE)]);
  await new Promise((r) => setTimeout(r, Number(process.env.BURST_WORK_MS ?? 3))); // the handler's "work"
  await pool.query('insert into burst_effect (key, pid) values ($1, $2)', [e.key, process.pid]);
}, { name: 'burst', subscribe: false });
await app.listen(Number(process.env.WEBHOOK_TEST_PORT), '127.0.0.1');
console.log('ready');
