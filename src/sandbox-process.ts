import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from './config/config.js';
import { projectRoot } from './common/paths.js';

/**
 * `npm start` without EXACT_BASE_URL runs the built-in Exact sandbox beside the app, as its own
 * process: the app talks to it only over HTTP, exactly as to Exact Online.
 */
export async function startSandboxProcess(config: AppConfig, log: (m: string) => void): Promise<ChildProcess | undefined> {
  const entry = join(projectRoot, 'dist', 'src', 'exact-sandbox', 'main.js');
  if (!existsSync(entry)) {
    log('The Exact sandbox is not built; Exact Online features are unavailable until EXACT_BASE_URL is set.');
    return undefined;
  }
  const child = spawn(process.execPath, [entry], {
    env: {
      ...process.env,
      EXACT_SANDBOX_PORT: String(config.exact.sandboxPort),
      DATA_DIR: config.dataDir,
      SANDBOX_CLIENT_ID: config.exact.clientId,
      SANDBOX_CLIENT_SECRET: config.exact.clientSecret,
      SANDBOX_WEBHOOK_SECRET: config.exact.webhookSecret,
      SANDBOX_REDIRECT_URI: config.exact.redirectUri,
      SANDBOX_CONTROL_TOKEN: config.exact.sandboxControlToken ?? '',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 15000);
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      process.stdout.write(text);
      if (text.includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      log(`The Exact sandbox stopped (exit code ${code}). Is port ${config.exact.sandboxPort} in use? Set EXACT_SANDBOX_PORT.`);
      clearTimeout(timer);
      resolve();
    });
  });
  return child;
}
