// A separate Koppel process for the crash test: boots the BUILT app (dist/, made by `npm test`'s pretest)
// on DATABASE_URL with a test-only sync resource, and prints "ready". Run with Node 24 (node_modules/.bin/node).
//   KOPPEL_TEST_RESOURCE=numbers  TEST_TOTAL=60  TEST_BATCH=5  TEST_DELAY_MS=120  KOPPEL_TEST_ENQUEUE=301
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MikroORM } from '@mikro-orm/postgresql';

const dist = new URL('../../dist/src/', import.meta.url);
const { AppModule } = await import(new URL('app.module.js', dist).href);
const { loadConfig } = await import(new URL('config/config.js', dist).href);
const { SyncRegistry } = await import(new URL('modules/sync/sync.registry.js', dist).href);
const { SyncService } = await import(new URL('modules/sync/sync.service.js', dist).href);

const env = process.env;
const config = loadConfig(env);
const app = await NestFactory.create(AppModule.forRoot(config, config.databaseUrl), { logger: ['error', 'warn'] });
await app.get(MikroORM).migrator.up();
// no Exact connection in this test: divisions come from the locations (the engine's default source)
const { SYNC_DIVISION_SOURCE } = await import(new URL('modules/sync/sync.types.js', dist).href);
app.get(SyncRegistry).useDivisionSource(app.get(SYNC_DIVISION_SOURCE));
for (const r of app.get(SyncRegistry).list()) if (!r.name.startsWith('test-')) app.get(SyncRegistry).unregister(r.name);

const total = Number(env.TEST_TOTAL ?? 60);
const batch = Number(env.TEST_BATCH ?? 5);
const delay = Number(env.TEST_DELAY_MS ?? 100);
if (env.KOPPEL_TEST_RESOURCE === 'numbers') {
  // "Imports" records 1..total in batches; each batch and its cursor commit in one transaction.
  app.get(SyncRegistry).register({
    name: 'test-numbers',
    schedule: '15min',
    run: async (ctx) => {
      let next = Number(ctx.cursor ?? 0) + 1;
      await ctx.em.execute('insert into sync_test_starts (pid, cursor_start) values (?, ?)', [process.pid, ctx.cursor ?? null]);
      while (next <= total) {
        await ctx.waitForBudget();
        await new Promise((r) => setTimeout(r, delay)); // the "Exact call" for this batch
        ctx.signal.throwIfAborted();
        const last = Math.min(total, next + batch - 1);
        await ctx.em.transactional(async (em) => {
          for (let n = next; n <= last; n++) await em.execute('insert into sync_test_records (n, pid) values (?, ?)', [n, process.pid]);
          await ctx.saveCursor(String(last), 'import', { em });
        });
        ctx.count({ created: last - next + 1, apiCalls: 1 });
        await ctx.progress(last, total);
        next = last + 1;
      }
    },
  });
}
await app.init();
if (env.KOPPEL_TEST_ENQUEUE) await app.get(SyncService).enqueue(Number(env.KOPPEL_TEST_ENQUEUE), 'test-numbers', 'import');
console.log('ready');

let closing = false;
process.on('SIGTERM', () => {
  if (closing) return;
  closing = true;
  void app.close().then(() => process.exit(0), () => process.exit(1));
});
