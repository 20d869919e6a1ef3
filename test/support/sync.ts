import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { loadConfig, type AppConfig } from '../../src/config/config.js';
import { Clock } from '../../src/common/clock.js';
import { SyncRegistry } from '../../src/modules/sync/sync.registry.js';
import { SyncScheduler } from '../../src/modules/sync/sync.scheduler.js';
import { SyncService } from '../../src/modules/sync/sync.service.js';
import { SyncSweeper } from '../../src/modules/sync/sync.sweeper.js';
import type { TestDatabase } from './database.js';
import { bootApp } from './app.js';
import { SYNC_DIVISION_SOURCE, type SyncDivisionSource } from '../../src/modules/sync/sync.types.js';

/** Settings for sync tests: no real cron timers (tests call tick()), fast polling. */
export const SYNC_TEST_ENV = { SYNC_TIMERS: 'false', SYNC_POLL_SECONDS: '0.5' } as const;

export interface SecondApp {
  app: NestExpressApplication;
  orm: MikroORM;
  config: AppConfig;
  close(): Promise<void>;
}

/**
 * Boots another Koppel app (a second "process") on an existing database, as startTestApp does for the
 * first one; closing it leaves the database running.
 */
export async function startAppOnDatabase(db: TestDatabase, env: Record<string, string> = {}, beforeInit?: (app: NestExpressApplication) => void): Promise<SecondApp> {
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: db.dataDir, LOG_LEVEL: 'error', ...env });
  const { app, orm } = await bootApp(config, db.url, beforeInit);
  return { app, orm, config, close: () => app.close() };
}

/** The sync parts of an app a test drives. */
export function syncOf(app: NestExpressApplication) {
  return {
    registry: app.get(SyncRegistry),
    scheduler: app.get(SyncScheduler),
    service: app.get(SyncService),
    sweeper: app.get(SyncSweeper),
    clock: app.get(Clock),
  };
}

/** Plain SQL on the test database (no ORM context needed). */
export async function sql<T = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Polls until fn returns a truthy value; fails with the message after timeoutMs. */
export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, message: string, timeoutMs = 25000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out: ${message}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

/** A promise with its resolve function exposed, to hold a test resource inside its run. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

export async function addDivisions(url: string, divisions: number[]): Promise<void> {
  for (const d of divisions) {
    await sql(
      url,
      `insert into locations (name, code, street, house_number, postcode, city, country, exact_division)
       values ($1, $2, 'Straat', '1', '1234 AB', 'Utrecht', 'NL', $3)`,
      [`Vestiging ${d}`, `LOC${d}`, d],
    );
  }
}

export async function stateOf(url: string, division: number, resource: string) {
  const [row] = await sql<{ status: string; cursor: string | null; last_error: string | null; owner: number | null }>(
    url,
    'select * from sync_state where division = $1 and resource = $2',
    [division, resource],
  );
  return row;
}

/**
 * Sync tests run without an Exact connection: make the engine take its divisions from the locations'
 * administrations (the engine's default source) instead of the connected Exact divisions, and run only
 * the test resources.
 */
export function useLocationDivisions(app: NestExpressApplication): void {
  const registry = app.get(SyncRegistry);
  registry.useDivisionSource(app.get<SyncDivisionSource>(SYNC_DIVISION_SOURCE));
  // and only the tests' own resources: the product's resources (customers, ledgers, …) need Exact
  for (const r of registry.list()) if (!r.name.startsWith('test-')) registry.unregister(r.name);
}
