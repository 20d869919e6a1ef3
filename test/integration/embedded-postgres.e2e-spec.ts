import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../../src/common/net.js';
import { projectRoot } from '../../src/common/paths.js';

// Runs the built app (`npm test` builds first) the way `npm start` does: embedded PostgreSQL in DATA_DIR.
const MAIN = join(projectRoot, 'dist', 'src', 'main.js');
let dataDir: string;
let env: NodeJS.ProcessEnv;
let appPort: number;
let pgPort: number;

async function waitFor<T>(fn: () => Promise<T | undefined>, ms = 45_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch {
      /* not yet */
    }
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

function start(): ChildProcess {
  const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', () => undefined);
  return child;
}

const healthy = () => waitFor(async () => ((await fetch(`http://127.0.0.1:${appPort}/healthz`)).status === 200 ? true : undefined));
const exited = (c: ChildProcess) => new Promise<number | null>((r) => (c.exitCode !== null ? r(c.exitCode) : c.once('exit', (code) => r(code))));
/** Koppel's own role, with the password generated into DATA_DIR at first initialisation. */
const appUrl = () => {
  const creds = JSON.parse(readFileSync(join(dataDir, 'pg-credentials.json'), 'utf8')) as { app: string };
  return `postgresql://koppel:${encodeURIComponent(creds.app)}@127.0.0.1:${pgPort}/koppel`;
};
const postmasterPid = () => Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'koppel-embedded-'));
  await chmod(dataDir, 0o755);
  appPort = await freePort();
  pgPort = await freePort();
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATA_DIR: dataDir,
    PORT: String(appPort),
    EMBEDDED_PG_PORT: String(pgPort),
    // a real-services configuration so no sandbox process is started for this test
    EXACT_BASE_URL: 'http://127.0.0.1:9',
    EXACT_CLIENT_ID: 'x',
    EXACT_CLIENT_SECRET: 'y',
    EXACT_WEBHOOK_SECRET: 'z',
    LOG_LEVEL: 'error',
  };
});

afterAll(async () => {
  if (existsSync(join(dataDir, 'pg', 'postmaster.pid'))) {
    const pid = postmasterPid();
    if (alive(pid)) process.kill(pid, 'SIGINT');
  }
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start with the embedded PostgreSQL', () => {
  it('keeps data over restarts, survives an unclean kill, and stops the database on SIGTERM', async () => {
    const first = start();
    await healthy();
    const client = new pg.Client({ connectionString: appUrl() });
    await client.connect();
    await client.query(`insert into locations (name, code, street, house_number, postcode, city) values ('Kept', 'KEPT', 's', '1', '1234 AB', 'c')`);
    await client.end();

    // unclean kill: node dies, its postgres is left running
    const orphan = postmasterPid();
    first.kill('SIGKILL');
    await exited(first);
    expect(alive(orphan)).toBe(true);

    // the next start stops the leftover server and starts its own, with the data intact
    const second = start();
    await healthy();
    expect(alive(orphan)).toBe(false);
    const c2 = new pg.Client({ connectionString: appUrl() });
    await c2.connect();
    expect((await c2.query(`select count(*)::int as n from locations where code = 'KEPT'`)).rows[0].n).toBe(1);
    await c2.end();

    const pid = postmasterPid();
    second.kill('SIGTERM');
    expect(await exited(second)).toBe(0);
    await waitFor(async () => (alive(pid) ? undefined : true), 15_000);
  }, 120_000);

  it('stops with a message naming the variable when a setting is bad', async () => {
    const child = spawn(process.execPath, [MAIN], { env: { ...env, PORT: 'eighty' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (d) => (err += d));
    expect(await exited(child)).toBe(1);
    expect(err).toContain('PORT');
  });

  it('stops outside sandbox mode when EXACT_WEBHOOK_SECRET is missing (no sandbox default is used)', async () => {
    const { EXACT_WEBHOOK_SECRET: _unset, ...rest } = env;
    const child = spawn(process.execPath, [MAIN], { env: rest, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (d) => (err += d));
    expect(await exited(child)).toBe(1);
    expect(err).toContain('EXACT_WEBHOOK_SECRET');
  });
});
