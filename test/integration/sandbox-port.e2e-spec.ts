import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/common/net.js';
import { projectRoot } from '../../src/common/paths.js';
import { startTestDatabase, type TestDatabase } from '../support/database.js';

// Issue #13 item 4 (Koppel's side): `npm start` runs the sandbox on EXACT_SANDBOX_PORT; when another process holds that
// port, Koppel refuses to run instead of talking to that program as if it were its Exact sandbox. Runs the built app.
const MAIN = join(projectRoot, 'dist', 'src', 'main.js');

let db: TestDatabase;
let dataDir: string;
let squatter: Server;
let squatterPort: number;
let connections = 0;

beforeAll(async () => {
  db = await startTestDatabase();
  dataDir = await mkdtemp(join(tmpdir(), 'koppel-sbxport-'));
  squatter = createServer((socket) => {
    connections++;
    socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}');
  });
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  squatterPort = (squatter.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((r) => squatter.close(r));
  await rm(dataDir, { recursive: true, force: true });
  await db.stop();
});

describe('npm start with the built-in sandbox', () => {
  it('stops with a message naming EXACT_SANDBOX_PORT when another process holds the port, and never calls that process', async () => {
    const child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, DATABASE_URL: db.url, PORT: String(await freePort()),
        EXACT_SANDBOX_PORT: String(squatterPort), LOG_LEVEL: 'log', SYNC_ENABLED: 'false', WEBHOOK_WORKER: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr?.on('data', (c: Buffer) => { output += c.toString(); });
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(output).toContain(`EXACT_SANDBOX_PORT ${squatterPort} is held by another process`);
    expect(output).not.toContain('Koppel listens on');
    expect(connections).toBe(0);
  });
});
