// Shared by the benchmarks: a throwaway embedded PostgreSQL, an in-process Exact sandbox and a Koppel app
// (all from dist/, built by `npm run bench`), connected to the sandbox without a browser.
import 'reflect-metadata';
import { mkdtemp, chmod, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dist = (p) => new URL(`../dist/src/${p}`, import.meta.url).href;

/** Polls fn until it gives a truthy value (returned), every `everyMs`; throws after `ms`. */
export async function waitFor(fn, ms = 60_000, everyMs = 200) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function startBenchEnvironment({ volume = 0, limits, env = {} } = {}) {
  const { startEmbeddedPostgres } = await import(dist('database/embedded-postgres.js'));
  const { freePort } = await import(dist('common/net.js'));
  const { startSandbox } = await import(dist('exact-sandbox/server.js'));
  const { loadConfig } = await import(dist('config/config.js'));
  const { AppModule } = await import(dist('app.module.js'));
  const { configureApp } = await import(dist('bootstrap.js'));
  const { NestFactory } = await import('@nestjs/core');
  const { MikroORM } = await import('@mikro-orm/postgresql');

  const dir = await mkdtemp(join(tmpdir(), 'koppel-bench-'));
  await chmod(dir, 0o755);
  const db = await startEmbeddedPostgres({ dir: join(dir, 'pg'), port: await freePort(), database: 'koppel', persistent: false });
  const sandbox = await startSandbox({ port: 0, volume });
  const control = async (path, body, method = body === undefined ? 'GET' : 'POST') => {
    const res = await fetch(`${sandbox.url}/_sandbox/${path}`, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  if (limits) await control('limits', limits);
  const redirectUri = 'http://localhost:3000/settings/integrations/exact/callback';
  const client = await control('clients', { redirectUri });
  const config = loadConfig({
    NODE_ENV: 'test', DATA_DIR: dir, LOG_LEVEL: 'error', SYNC_ENABLED: 'false',
    EXACT_BASE_URL: sandbox.url, EXACT_CLIENT_ID: client.clientId, EXACT_CLIENT_SECRET: client.clientSecret, EXACT_WEBHOOK_SECRET: client.webhookSecret,
    ...env,
  });
  const app = await NestFactory.create(AppModule.forRoot(config, db.url), { logger: ['error'] });
  await app.get(MikroORM).migrator.up();
  await configureApp(app);
  await app.init();

  /** Consent for all divisions through the control API, code → tokens → stored connection. */
  async function connect(divisions = 'all') {
    const { code } = await control('authorize', { clientId: client.clientId, redirectUri, divisions });
    const res = await fetch(`${sandbox.url}/api/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: client.clientId, client_secret: client.clientSecret }),
    });
    const body = await res.json();
    const { ExactConnectionService } = await import(dist('exact/connection.service.js'));
    await app.get(ExactConnectionService).complete({ accessToken: body.access_token, refreshToken: body.refresh_token, expiresInSeconds: Number(body.expires_in) });
  }

  /**
   * API requests the sandbox itself received from Koppel's client (its own counter, GET /_sandbox/stats), optionally
   * only those of one division, method or endpoint (lower-case path after the division, e.g. 'crm/accounts').
   */
  async function apiCalls(filter = {}) {
    return sandboxRequests(control, client.clientId, filter);
  }

  return {
    app, sandbox, control, client, config, connect, apiCalls, dist, dbUrl: db.url,
    async close() {
      await app.close();
      await sandbox.close();
      await db.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Sums the sandbox's request counter over the requests of clientId that match `filter` ({ division, method, endpoint }). */
export async function sandboxRequests(control, clientId, filter = {}) {
  const { requests } = await control('stats');
  return requests
    .filter((r) => r.clientId === clientId
      && (filter.division === undefined || r.division === filter.division)
      && (filter.method === undefined || r.method === filter.method)
      && (filter.endpoint === undefined || r.endpoint === filter.endpoint))
    .reduce((n, r) => n + r.n, 0);
}

// ---- HTTP helpers of the page benchmarks (planning-board, planning-cards)

export const p95 = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return Number(s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)].toFixed(2));
};

/** A tiny cookie jar over fetch: the planner's session and CSRF cookies. */
export function session(base) {
  const jar = new Map();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  return async (path, init = {}) => {
    const res = await fetch(`${base}${path}`, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), Cookie: cookie() } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  };
}
export const csrfOf = (html) => html.match(/name="_csrf" value="([^"]+)"/)[1];

/**
 * A planner made in the bench's app, the app listening on a free port and the planner logged in over HTTP: the
 * session's `http` (see session()) and the app's `base` URL.
 */
export async function plannerSession(env) {
  const { UsersService } = await import(env.dist('modules/users/users.service.js'));
  const { MikroORM, RequestContext } = await import('@mikro-orm/postgresql');
  const who = { email: 'planner@example.com', password: 'bench-password-1' };
  await RequestContext.create(env.app.get(MikroORM).em, () => env.app.get(UsersService).create({ ...who, name: 'Bench Planner', role: 'planner' }));
  await env.app.listen(0, '127.0.0.1');
  const base = (await env.app.getUrl()).replace('[::1]', '127.0.0.1');
  const http = session(base);
  const login = await http('/login');
  const res = await http('/login', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrfOf(await login.text()), ...who }) });
  if (res.status !== 303) throw new Error(`login failed: ${res.status}`);
  return { http, base };
}
