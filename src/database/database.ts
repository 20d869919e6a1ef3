import { join } from 'node:path';
import type { AppConfig } from '../config/config.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres.js';

/** DATABASE_URL when set, else the embedded PostgreSQL in DATA_DIR/pg. */
export async function ensureDatabase(config: AppConfig, log: (m: string) => void): Promise<EmbeddedDatabase> {
  if (config.databaseUrl) return { url: config.databaseUrl, stop: async () => undefined };
  return startEmbeddedPostgres({ dir: join(config.dataDir, 'pg'), port: config.embeddedPgPort, database: 'koppel', log });
}
