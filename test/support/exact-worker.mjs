// A second (and third) Koppel process for concurrency tests: boots the built app on DATABASE_URL, says
// "ready", waits for "go" on stdin, fires CALLS concurrent Exact calls and prints one JSON line.
import 'reflect-metadata';
import { createInterface } from 'node:readline';

const dist = (p) => new URL(`../../dist/src/${p}`, import.meta.url).href;
const { loadConfig } = await import(dist('config/config.js'));
const { AppModule } = await import(dist('app.module.js'));
const { ExactClient } = await import(dist('exact/exact.client.js'));
const { f } = await import(dist('exact/odata.js'));
const { NestFactory } = await import('@nestjs/core');

const config = loadConfig({ ...process.env, SYNC_ENABLED: 'false', LOG_LEVEL: 'error' });
const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, process.env.DATABASE_URL), { logger: ['error'] });
const client = app.get(ExactClient);
const division = Number(process.env.WORKER_DIVISION);
const calls = Number(process.env.WORKER_CALLS ?? 50);
console.log('ready');

const rl = createInterface({ input: process.stdin });
for await (const line of rl) {
  if (line.trim() !== 'go') continue;
  const results = await Promise.allSettled(
    Array.from({ length: calls }, (_, i) => client.division(division).journals.first({ filter: f.ne('Description', `x${i}`), select: ['Code'] })),
  );
  const failed = results.filter((r) => r.status === 'rejected').map((r) => String(r.reason?.message ?? r.reason));
  console.log(JSON.stringify({ ok: results.length - failed.length, failed: failed.length, errors: [...new Set(failed)].slice(0, 5) }));
  break;
}
await app.close();
process.exit(0);
