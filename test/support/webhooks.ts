import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { projectRoot } from '../../src/common/paths.js';

/**
 * Sends every body to url the way Exact does: each one again (after delayMs) until it gets a 2xx.
 * Returns the running promise and a live view of how many got through and how often each was answered.
 */
export function sendUntilAccepted(url: string, bodies: string[], senders: number, delayMs: number) {
  const answered = new Array<number>(bodies.length).fill(0);
  const stats = { accepted: 0, failures: 0, answered };
  let next = 0;
  const sender = async () => {
    while (next < bodies.length) {
      const i = next++;
      for (;;) {
        try {
          const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: bodies[i] });
          await res.arrayBuffer();
          if (res.ok) {
            answered[i]++;
            stats.accepted++;
            break;
          }
        } catch {
          /* refused or reset while Koppel is down */
        }
        stats.failures++;
        await new Promise((r) => setTimeout(r, delayMs));
      }
    }
  };
  return { stats, done: Promise.all(Array.from({ length: senders }, sender)).then(() => undefined) };
}

/**
 * Starts test/support/webhook-process.mjs (the built app in its own process, receiving on `port` and working the
 * inbox; topic KoppelBurst writes burst_attempt and burst_effect rows) and resolves once it is ready.
 */
export function startWebhookProcess(port: number, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(projectRoot, 'test', 'support', 'webhook-process.mjs')], {
    env: { ...process.env, ...env, WEBHOOK_TEST_PORT: String(port), NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => l === 'ready' && resolve(child));
    child.once('exit', (code) => reject(new Error(`webhook process exited (${code}) before it was ready`)));
  });
}
