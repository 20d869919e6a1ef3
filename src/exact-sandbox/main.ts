import { join } from 'node:path';
import { startSandbox } from './server.js';
import { DEFAULT_CLIENT } from './sandbox.types.js';

/** Standalone entry: `npm run sandbox [-- --volume N --seed N]`. */

function flag(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const n = Number(process.argv[i + 1]);
  return Number.isFinite(n) ? n : undefined;
}

async function main(): Promise<void> {
  const env = process.env;
  const handle = await startSandbox({
    port: Number(env.EXACT_SANDBOX_PORT ?? 3001),
    host: env.EXACT_SANDBOX_HOST ?? '127.0.0.1',
    stateFile: join(env.DATA_DIR ?? './data', 'exact-sandbox', 'state.json'),
    seed: flag('seed'),
    volume: flag('volume'),
    controlToken: env.SANDBOX_CONTROL_TOKEN || undefined,
    defaultClient: {
      clientId: env.SANDBOX_CLIENT_ID || DEFAULT_CLIENT.clientId,
      clientSecret: env.SANDBOX_CLIENT_SECRET || DEFAULT_CLIENT.clientSecret,
      webhookSecret: env.SANDBOX_WEBHOOK_SECRET || DEFAULT_CLIENT.webhookSecret,
      redirectUri: env.SANDBOX_REDIRECT_URI || DEFAULT_CLIENT.redirectUri,
    },
  });
  console.log(`Exact sandbox listening on ${handle.url}`);
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    handle.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
