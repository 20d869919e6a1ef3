import { startSandbox, type SandboxHandle } from '../../src/exact-sandbox/server.js';
import { csrf, type Agent, type TestApp } from './app.js';

export const TEST_REDIRECT_URI = 'http://localhost:3000/settings/integrations/exact/callback';

export interface ExactTestEnv {
  sandbox: SandboxHandle;
  client: { clientId: string; clientSecret: string; webhookSecret: string };
  /** The redirect URI the OAuth client was registered with (TEST_REDIRECT_URI unless given). */
  redirectUri: string;
  /** Settings that point a test app at this sandbox with its own OAuth client. */
  env: Record<string, string>;
  control<T = unknown>(path: string, body?: unknown, method?: string): Promise<T>;
  /** API requests the sandbox itself received (its own counter, GET /_sandbox/stats) that match the filter. */
  requests(filter?: RequestFilter): Promise<number>;
  close(): Promise<void>;
}

export interface RequestFilter {
  division?: number;
  /** HTTP method(s), upper case; `write` = anything but GET */
  method?: string | string[] | 'write';
  /** lower-case path after the division without key (`financial/glaccounts`), or a pattern */
  endpoint?: string | RegExp;
  /** count only the answers with this status */
  status?: number;
  /** default: this environment's OAuth client; null = any client (also requests without a valid token) */
  clientId?: string | null;
}

interface CountedRequest { clientId: string; division: number; method: string; endpoint: string; n: number; statuses: Record<string, number> }

/** Sums the sandbox's own request counter over the rows that match `filter`. */
export function countRequests(rows: CountedRequest[], filter: RequestFilter, ownClientId: string): number {
  const clientId = filter.clientId === undefined ? ownClientId : filter.clientId;
  let n = 0;
  for (const r of rows) {
    if (clientId !== null && r.clientId !== clientId) continue;
    if (filter.division !== undefined && r.division !== filter.division) continue;
    if (filter.method === 'write' ? r.method === 'GET' : filter.method !== undefined && ![filter.method].flat().includes(r.method)) continue;
    if (typeof filter.endpoint === 'string' ? r.endpoint !== filter.endpoint : filter.endpoint && !filter.endpoint.test(r.endpoint)) continue;
    n += filter.status === undefined ? r.n : (r.statuses[filter.status] ?? 0);
  }
  return n;
}

/**
 * An in-process Exact sandbox on a free port, with an OAuth client registered for Koppel. Pass
 * `redirectUri` when the app runs with its own PUBLIC_BASE_URL (e.g. listening on a real port for webhooks):
 * `${PUBLIC_BASE_URL}/settings/integrations/exact/callback`.
 */
export async function startExactSandbox(opts: { volume?: number; seed?: number; redirectUri?: string } = {}): Promise<ExactTestEnv> {
  const { redirectUri = TEST_REDIRECT_URI, ...sandboxOpts } = opts;
  const sandbox = await startSandbox({ port: 0, ...sandboxOpts });
  const control = async <T>(path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST'): Promise<T> => {
    const res = await fetch(`${sandbox.url}/_sandbox/${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`sandbox ${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const client = await control<{ clientId: string; clientSecret: string; webhookSecret: string }>('clients', { redirectUri });
  return {
    sandbox,
    client,
    redirectUri,
    env: { EXACT_BASE_URL: sandbox.url, EXACT_CLIENT_ID: client.clientId, EXACT_CLIENT_SECRET: client.clientSecret, EXACT_WEBHOOK_SECRET: client.webhookSecret },
    control,
    requests: async (filter = {}) => countRequests((await control<{ requests: CountedRequest[] }>('stats')).requests, filter, client.clientId),
    close: () => sandbox.close(),
  };
}

/**
 * Runs "Connect Exact Online" as an admin would, with the sandbox's consent given through its control
 * API (the browser test clicks the real consent page). Returns the callback's response.
 */
export async function connectExact(x: ExactTestEnv, agent: Agent, divisions: 'all' | number[] = 'all') {
  const token = await csrf(agent, '/settings/integrations/exact');
  const start = await agent.post('/settings/integrations/exact/connect').type('form').send({ _csrf: token });
  if (start.status !== 302) throw new Error(`connect did not redirect: ${start.status} ${start.text}`);
  const state = new URL(start.headers.location).searchParams.get('state') ?? '';
  const { code } = await x.control<{ code: string }>('authorize', { clientId: x.client.clientId, redirectUri: x.redirectUri ?? TEST_REDIRECT_URI, divisions });
  return agent.get(`/settings/integrations/exact/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`);
}

/** Moves both clocks: the sandbox's (token expiry, rate windows) and the app's. */
export async function advanceClocks(x: ExactTestEnv, apps: TestApp[], seconds: number): Promise<void> {
  await x.control('clock', { advanceSeconds: seconds });
  const { Clock } = await import('../../src/common/clock.js');
  for (const t of apps) t.app.get(Clock).advance(seconds * 1000);
}
