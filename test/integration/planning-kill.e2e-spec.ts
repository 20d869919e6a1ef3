import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/app.js';
import { connectExact, startExactSandbox, type ExactTestEnv } from '../support/exact.js';
import { sql, waitFor } from '../support/sync.js';
import { projectRoot } from '../../src/common/paths.js';
import { PlanningService } from '../../src/modules/planning/planning.service.js';

// A real OS process is SIGKILLed in the middle of the first planning import; a new process resumes it from the
// stored per-entity cursor: every card once, every order's lines once, and not everything read again.
const NODE = join(projectRoot, 'node_modules', '.bin', 'node');
const SCRIPT = join(projectRoot, 'test', 'support', 'planning-process.mjs');
const MFG = 1234567;
const LINES = 30_000;

let x: ExactTestEnv;
let t: TestApp;
const children: ChildProcess[] = [];
const db = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(t.db.url, text, params);

function startKoppel(): Promise<ChildProcess> {
  const child = spawn(NODE, [SCRIPT], {
    env: {
      PATH: process.env.PATH, NODE_ENV: 'test', DATABASE_URL: t.db.url, DATA_DIR: t.db.dataDir, LOG_LEVEL: 'error',
      SYNC_TIMERS: 'false', SYNC_POLL_SECONDS: '0.5', WEBHOOK_WORKER: 'false', ...x.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Koppel process did not start:\n${log}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('ready')) (clearTimeout(timer), resolve(child));
    });
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`Koppel process exited (${code}) before it was ready:\n${log}`))));
  });
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));

beforeAll(async () => {
  x = await startExactSandbox();
  await x.control('limits', { minutely: 1_000_000, daily: 10_000_000 });
  await x.control('planning/volume', { division: MFG, salesOrderLines: LINES, routingSteps: 0 });
  // this process only queues (no engine): the child processes do the work
  t = await startTestApp({ ...x.env, SYNC_ENABLED: 'false', SYNC_TIMERS: 'false' });
  const a = await t.createUser('admin');
  const admin = await t.login(a.email, a.password);
  expect((await connectExact(x, admin, [MFG])).status).toBe(303);
}, 120_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
  await t?.close();
  await x?.close();
});

describe('a process killed during the first import', () => {
  it('resumes from the stored cursor without duplicates', async () => {
    const planning = t.app.get(PlanningService);
    await planning.save(MFG, { SalesOrder: 'on' });
    await planning.activate(MFG);
    const first = await startKoppel();
    // killed while the order lines stream in: part of them applied, the cursor stored
    await waitFor(async () => {
      const [s] = await db<{ cursor: string | null }>(`select cursor from sync_state where division = $1 and resource = 'planning'`, [MFG]);
      const c = s?.cursor ? (JSON.parse(s.cursor) as Record<string, string>) : {};
      return c['sales-order-lines'] ? true : undefined;
    }, 'order lines being imported', 120_000);
    first.kill('SIGKILL');
    await exited(first);
    const [{ cursor }] = await db<{ cursor: string }>(`select cursor from sync_state where division = $1 and resource = 'planning'`, [MFG]);
    const lineCalls = await x.requests({ division: MFG, endpoint: 'sync/salesorder/salesorderlines' });
    expect(lineCalls).toBeLessThan(Math.ceil(LINES / 1000));

    const second = await startKoppel();
    // the new process's sweeper finds the dead run and queues it again (recovery); it resumes where the cursor was
    await waitFor(async () => {
      const [s] = await db<{ status: string; last_error: string | null }>(`select status, last_error from sync_state where division = $1 and resource = 'planning'`, [MFG]);
      const [p] = await db<{ first_import_at: Date | null }>(`select first_import_at from planning_settings where division = $1`, [MFG]);
      if (s?.status === 'failed') throw new Error(s.last_error ?? 'failed');
      return s?.status === 'ok' && p?.first_import_at ? true : undefined;
    }, 'import finished by the second process', 240_000);
    second.kill('SIGTERM');
    await exited(second);

    // every order once, each with its lines once
    const [{ orders, distinct }] = await db<{ orders: string; distinct: string }>(
      `select count(*) as orders, count(distinct exact_id) as distinct from plan_card where division = $1 and kind = 'sales_order'`, [MFG]);
    expect(orders).toBe(distinct);
    expect(Number(orders)).toBe(30 + LINES / 10);
    const [{ lines, unique }] = await db<{ lines: string; unique: string }>(
      `select count(*) as lines, count(distinct l->>'exactId') as unique from plan_card c, jsonb_array_elements(c.lines) l where c.division = $1 and c.kind = 'sales_order'`, [MFG]);
    expect(lines).toBe(unique);
    expect(Number(lines)).toBeGreaterThanOrEqual(LINES);
    // the order lines were not read from the start again: the import reads the next page while it writes one
    // (planning.sync.ts), so a kill loses at most those two pages — the one being written and the one read ahead
    const total = await x.requests({ division: MFG, endpoint: 'sync/salesorder/salesorderlines' });
    expect(total).toBeLessThanOrEqual(Math.ceil((LINES + 200) / 1000) + 2);
    expect(cursor).toContain('sales-order-lines');
  }, 420_000);
});
