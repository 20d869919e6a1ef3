// A Koppel process that runs "Export customers & invoices" for one location and exits; the crash test
// kills it at random moments. Boots the built app (dist/) on DATABASE_URL with the given Exact settings, with
// its sync engine on (the export run is a sync-engine job; the test's own process has stopped taking work).
import 'reflect-metadata';

const dist = (p) => new URL(`../../dist/src/${p}`, import.meta.url).href;
const { loadConfig } = await import(dist('config/config.js'));
const { AppModule } = await import(dist('app.module.js'));
const { ExportRunService } = await import(dist('modules/accounting-export/accounting-export.service.js'));
const { NestFactory } = await import('@nestjs/core');

const config = loadConfig({ ...process.env, SYNC_ENABLED: 'true', SYNC_TIMERS: 'false', SYNC_POLL_SECONDS: '0.5', WEBHOOK_WORKER: 'false', LOG_LEVEL: 'error' });
const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, process.env.DATABASE_URL), { logger: ['error'] });
await app.init();
const runs = app.get(ExportRunService);
console.log('ready');
const id = await runs.start('all', { locationId: Number(process.env.EXPORT_LOCATION) }, true, null);
for (;;) {
  const run = await runs.get(id);
  if (run.state !== 'running') {
    console.log(JSON.stringify({ state: run.state, done: run.done, exported: run.exported, blocked: run.blocked, failed: run.failed }));
    break;
  }
  await new Promise((r) => setTimeout(r, 100));
}
await app.close();
process.exit(0);
