import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { childProcessEnv, type AppConfig } from './config/config.js';
import { projectRoot } from './common/paths.js';

/**
 * `npm start` without EXACT_BASE_URL runs the built-in Exact sandbox beside the app, as its own
 * process: the app talks to it only over HTTP, exactly as to Exact Online.
 */
export class SandboxStartError extends Error {}

/**
 * Starts the sandbox child and waits until it listens on EXACT_SANDBOX_PORT. When it cannot (another process holds the
 * port, or it does not come up), this throws: Koppel must never talk to whatever else answers on that port.
 */
export async function startSandboxProcess(config: AppConfig, log: (m: string) => void): Promise<ChildProcess | undefined> {
  const entry = join(projectRoot, 'dist', 'src', 'exact-sandbox', 'main.js');
  if (!existsSync(entry)) {
    log('The Exact sandbox is not built; Exact Online features are unavailable until EXACT_BASE_URL is set.');
    return undefined;
  }
  const port = config.exact.sandboxPort;
  const child = spawn(process.execPath, [entry], {
    env: childProcessEnv({
      EXACT_SANDBOX_PORT: String(port),
      DATA_DIR: config.dataDir,
      SANDBOX_CLIENT_ID: config.exact.clientId,
      SANDBOX_CLIENT_SECRET: config.exact.clientSecret,
      SANDBOX_WEBHOOK_SECRET: config.exact.webhookSecret,
      SANDBOX_REDIRECT_URI: config.exact.redirectUri,
      SANDBOX_CONTROL_TOKEN: config.exact.sandboxControlToken ?? '',
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  await new Promise<void>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new SandboxStartError(
        /EADDRINUSE/.test(stderr)
          ? `EXACT_SANDBOX_PORT ${port} is held by another process: Koppel will not talk to an unknown program as its Exact sandbox. Stop that program or set EXACT_SANDBOX_PORT to a free port.`
          : `The Exact sandbox did not start on EXACT_SANDBOX_PORT ${port} (${why}). Set EXACT_SANDBOX_PORT to a free port or EXACT_BASE_URL to use Exact Online.`,
      ));
    };
    const timer = setTimeout(() => fail('no answer within 30 s'), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      process.stdout.write(text);
      if (text.includes('listening')) {
        clearTimeout(timer);
        child.removeListener('exit', onExit);
        resolve();
      }
    });
    const onExit = (code: number | null) => fail(`exit code ${code}`);
    child.once('exit', onExit);
  });
  return child;
}
