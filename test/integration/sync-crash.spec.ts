import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { startTestDatabase, type TestDatabase } from '../support/database.js';
import { addDivisions, sql, stateOf, waitFor } from '../support/sync.js';
import { ormConfig } from '../../src/database/orm.config.js';
import { projectRoot } from '../../src/common/paths.js';

// A real OS process is SIGKILLed in the middle of a sync job; a new process resumes it from the stored cursor.
const NODE = join(projectRoot, 'node_modules', '.bin', 'node');
const SCRIPT = join(projectRoot, 'test', 'support', 'sync-process.mjs');
const TOTAL = 60;

let db: TestDatabase;
const children: ChildProcess[] = [];

function startKoppel(extra: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(NODE, [SCRIPT], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      DATA_DIR: db.dataDir,
      LOG_LEVEL: 'error',
      SYNC_TIMERS: 'false',
      SYNC_POLL_SECONDS: '0.5',
      KOPPEL_TEST_RESOURCE: 'numbers',
      TEST_TOTAL: String(TOTAL),
      TEST_BATCH: '5',
      TEST_DELAY_MS: '120',
      ...extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Koppel process did not start:\n${log}`)), 30000);
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('ready')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Koppel process exited (${code}) before it was ready:\n${log}`));
    });
  });
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));

beforeAll(async () => {
  db = await startTestDatabase();
  const orm = await MikroORM.init(ormConfig(db.url));
  await orm.migrator.up();
  await orm.close();
  await sql(db.url, 'create table sync_test_records (n int primary key, pid int not null)');
  await sql(db.url, 'create table sync_test_starts (id serial primary key, pid int not null, cursor_start text)');
  await addDivisions(db.url, [301]);
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
  await db?.stop();
});

describe('a Koppel process killed during a job', () => {
  it('resumes from its cursor in the next process, and imports no record twice', async () => {
    const first = await startKoppel({ KOPPEL_TEST_ENQUEUE: '301' });
    await waitFor(async () => Number((await sql<{ n: string }>(db.url, 'select count(*) as n from sync_test_records'))[0].n) >= 15, 'first batches imported', 20000);
    first.kill('SIGKILL');
    await exited(first);

    const atKill = await stateOf(db.url, 301, 'test-numbers');
    expect(atKill.status).toBe('running'); // nobody had a chance to record anything
    const cursorAtKill = Number(atKill.cursor);
    expect(cursorAtKill).toBeGreaterThanOrEqual(15);
    expect(cursorAtKill).toBeLessThan(TOTAL);

    const second = await startKoppel(); // its start-up sweep sees the dead owner and re-enqueues the job
    await waitFor(async () => (await stateOf(db.url, 301, 'test-numbers'))?.status === 'ok', 'resumed job ok', 30000);

    const records = await sql<{ n: number; pid: number }>(db.url, 'select n, pid from sync_test_records order by n');
    expect(records.map((r) => r.n)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    expect(new Set(records.map((r) => r.pid))).toEqual(new Set([first.pid, second.pid]));
    const starts = await sql<{ pid: number; cursor_start: string | null }>(db.url, 'select pid, cursor_start from sync_test_starts order by id');
    expect(starts).toHaveLength(2);
    expect(starts[0]).toEqual({ pid: first.pid, cursor_start: null });
    expect(starts[1].pid).toBe(second.pid);
    expect(Number(starts[1].cursor_start)).toBeGreaterThanOrEqual(cursorAtKill);

    const runs = await sql<{ status: string; trigger: string; error: string | null; cursor_start: string | null; cursor_end: string }>(
      db.url,
      'select status, trigger, error, cursor_start, cursor_end from sync_run order by id',
    );
    expect(runs).toHaveLength(2);
    expect(runs[0]).toMatchObject({ status: 'failed', trigger: 'import', cursor_start: null });
    expect(runs[0].error).toContain('Interrupted');
    expect(runs[1]).toMatchObject({ status: 'ok', trigger: 'recovery', cursor_end: String(TOTAL) });

    second.kill('SIGTERM'); // graceful stop
    await exited(second);
    expect(second.exitCode).toBe(0);
  });
});
