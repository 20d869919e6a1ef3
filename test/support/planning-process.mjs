// A separate Koppel process for the planning kill test: boots the BUILT app (dist/) on DATABASE_URL with the sync
// engine on and prints "ready". Run with Node 24 (node_modules/.bin/node); SIGKILL it to kill it mid-import.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MikroORM } from '@mikro-orm/postgresql';

const dist = new URL('../../dist/src/', import.meta.url);
const { AppModule } = await import(new URL('app.module.js', dist).href);
const { loadConfig } = await import(new URL('config/config.js', dist).href);

const config = loadConfig(process.env);
const app = await NestFactory.create(AppModule.forRoot(config, config.databaseUrl), { logger: ['error', 'warn'] });
await app.get(MikroORM).migrator.up();
await app.init();
console.log('ready');
process.on('SIGTERM', () => void app.close().then(() => process.exit(0), () => process.exit(1)));
