import { expect } from '@jest/globals';
import { csrf, startTestApp, type Agent, type TestApp } from './app.js';
import { connectExact, startExactSandbox, type ExactTestEnv } from './exact.js';
import { freePort } from '../../src/common/net.js';
import { sql, waitFor } from './sync.js';
import { SyncService } from '../../src/modules/sync/sync.service.js';
import type { SyncTrigger } from '../../src/modules/sync/sync.types.js';

/**
 * The sandbox (webhooks delivered quickly) and an app listening on a free port that receives them, with an
 * administrator and a planner logged in and Exact connected for `divisions`; sync timers off, fast polling.
 */
export async function startPlanningApp(divisions: number[]): Promise<{ x: ExactTestEnv; t: TestApp; admin: Agent; planner: Agent }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const x = await startExactSandbox({ redirectUri: `${base}/settings/integrations/exact/callback` });
  await x.control('webhooks', { delayMs: 20, jitterMs: 50, retryBaseMs: 200 });
  const t = await startTestApp({ ...x.env, PORT: String(port), PUBLIC_BASE_URL: base, SYNC_TIMERS: 'false', SYNC_POLL_SECONDS: '0.5', WEBHOOK_POLL_MS: '100', WEBHOOK_CHECK_SECONDS: '1' });
  await t.app.listen(port, '127.0.0.1');
  const a = await t.createUser('admin');
  const admin = await t.login(a.email, a.password);
  const p = await t.createUser('planner');
  const planner = await t.login(p.email, p.password);
  expect((await connectExact(x, admin, divisions)).status).toBe(303);
  return { x, t, admin, planner };
}

/**
 * Driving the planning imports (issue #20) in a test: Save + Activate options for a division through the screen,
 * wait until its planning sync is idle (no run, no notification waiting — twice, half a second apart), run it now,
 * read a card. `env()` gives the started sandbox, app and admin (they are made in beforeAll).
 */
export function planningDriver(env: () => { x: ExactTestEnv; t: TestApp; admin: Agent }) {
  const db = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => sql<T>(env().t.db.url, text, params);

  async function saveAndActivate(division: number, options: string[]) {
    const { admin } = env();
    let token = await csrf(admin, `/settings/integrations/exact/planning?division=${division}`);
    const body: Record<string, string> = { _csrf: token, division: String(division) };
    for (const o of options) body[o] = 'on';
    expect((await admin.post('/settings/integrations/exact/planning/save').type('form').send(body)).status).toBe(303);
    token = await csrf(admin, `/settings/integrations/exact/planning?division=${division}`);
    expect((await admin.post('/settings/integrations/exact/planning/activate').type('form').send({ _csrf: token, division: String(division) })).status).toBe(303);
  }

  async function idle(division: number) {
    const quiet = async () => {
      const [s] = await db<{ status: string }>(`select status from sync_state where division = $1 and resource = 'planning'`, [division]);
      const [q] = await db<{ n: string }>(`select count(*) as n from webhook_inbox where status in ('pending', 'processing')`);
      const [p] = await db<{ pending: Record<string, string> }>(`select pending from planning_settings where division = $1`, [division]);
      const stats = await env().x.control<{ webhooksPending: number }>('stats');
      return !!s && ['ok', 'failed', 'idle'].includes(s.status) && Number(q.n) === 0 && !Object.keys(p?.pending ?? {}).length && !stats.webhooksPending;
    };
    await waitFor(async () => (await quiet()) && (await new Promise((r) => setTimeout(r, 500))) === undefined && (await quiet()), 'planning sync idle', 120_000);
    const [s] = await db<{ status: string; last_error: string | null }>(`select status, last_error from sync_state where division = $1 and resource = 'planning'`, [division]);
    expect([s.status, s.last_error]).toEqual(['ok', null]);
  }

  /** One more planning run of the division, started as `trigger` ('schedule' = the 15-minute tick, 'manual' = "Sync now"). */
  async function runNow(division: number, trigger: SyncTrigger = 'schedule') {
    const runs = async () => Number((await db<{ n: string }>(`select count(*) as n from sync_run where resource = 'planning' and division = $1 and status <> 'running'`, [division]))[0].n);
    await idle(division);
    const before = await runs();
    expect(await env().t.app.get(SyncService).enqueue(division, 'planning', trigger)).toBe('queued');
    await waitFor(async () => (await runs()) > before, 'a planning run', 120_000);
    await idle(division);
  }

  /**
   * The same, bound to one division: saveAndActivate(options); idle() — no planning run queued or running and no
   * notification waiting; runNow() — the runs due ('schedule'), runNow('manual') — every entity, as "Run now" does.
   */
  function forDivision(division: number) {
    return {
      db,
      saveAndActivate: (options: string[]) => saveAndActivate(division, options),
      idle: () => idle(division),
      runNow: (trigger: SyncTrigger = 'schedule') => runNow(division, trigger),
    };
  }

  return { db, saveAndActivate, idle, runNow, forDivision };
}
