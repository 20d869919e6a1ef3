import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { freePort } from '../../src/common/net.js';

export interface TestDatabase {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL for one test file: a fresh embedded server in a temp folder (mode 755, so the
 * postgres user can enter it), or — with TEST_DATABASE_URL (e.g. Debian's PostgreSQL 15 in CI) — a fresh
 * database on that server, dropped afterwards.
 */
export async function startTestDatabase(): Promise<TestDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), 'koppel-test-'));
  await chmod(dataDir, 0o755);
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    const name = `koppel_test_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: external });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(external);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      dataDir,
      stop: async () => {
        const c = new pg.Client({ connectionString: external });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  }
  const db = await startOnFreePort(join(dataDir, 'pg'));
  return {
    url: db.url,
    dataDir,
    stop: async () => {
      await db.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A free port is only free when it is asked for: between freePort() and PostgreSQL's listen (initdb takes seconds)
 * another test file running in parallel can take it. Start again on a new port then (the cluster is kept).
 */
async function startOnFreePort(dir: string, attempts = 4) {
  for (let i = 1; ; i++) {
    try {
      return await startEmbeddedPostgres({ dir, port: await freePort(), database: 'koppel', persistent: false });
    } catch (e) {
      if (i >= attempts) throw e;
    }
  }
}
