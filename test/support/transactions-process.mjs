// A Koppel process that forwards the desk transactions of one division ("Send to Exact now") and exits; the crash
// test kills it mid-send. Boots the built app (dist/) on DATABASE_URL with the given Exact settings.
import 'reflect-metadata';

const dist = (p) => new URL(`../../dist/src/${p}`, import.meta.url).href;
const { loadConfig } = await import(dist('config/config.js'));
const { AppModule } = await import(dist('app.module.js'));
const { TransactionForwardingService } = await import(dist('modules/transactions/transaction-forwarding.service.js'));
const { NestFactory } = await import('@nestjs/core');

const config = loadConfig({ ...process.env, SYNC_ENABLED: 'false', LOG_LEVEL: 'error' });
const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, process.env.DATABASE_URL), { logger: ['error'] });
await app.init();
console.log('ready');
const summary = await app.get(TransactionForwardingService).forward(Number(process.env.FORWARD_DIVISION), { includeToday: true, kind: 'interactive' });
console.log(JSON.stringify(summary));
await app.close();
process.exit(0);
