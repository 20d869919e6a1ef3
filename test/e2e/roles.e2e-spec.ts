import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csrf, csrfFrom, startTestApp, type Agent, type TestApp } from '../support/app.js';
import { projectRoot } from '../../src/common/paths.js';

/**
 * The README's "Roles per route" table is the one list of who may use what. This suite walks every route the
 * app has registered and checks it against the table, route by route and role by role, over HTTP: a route
 * missing from the table (or a table row without a route) fails, and so does a guard that lets a role in that
 * the table keeps out, or the other way round.
 */

type Who = 'anonymous' | 'planner' | 'accountant' | 'admin';
const ROLES: Exclude<Who, 'anonymous'>[] = ['planner', 'accountant', 'admin'];

interface Row { method: string; path: string; access: 'public' | Exclude<Who, 'anonymous'>[] }

/** The table under "### Roles per route" in README.md. */
export function readRoleTable(): Row[] {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  const start = readme.indexOf('### Roles per route');
  if (start < 0) throw new Error('README.md has no "### Roles per route" section');
  const rows: Row[] = [];
  let inTable = false;
  for (const line of readme.slice(start).split('\n').slice(1)) {
    if (!line.startsWith('|')) {
      if (inTable) break;
      continue;
    }
    inTable = true;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim().replace(/`/g, ''));
    if (cells[0] === 'method' || /^-+$/.test(cells[0])) continue;
    const [method, path, access] = cells;
    rows.push({
      method,
      path,
      access: access === 'public' ? 'public' : (access.split(',').map((r) => r.trim()) as Exclude<Who, 'anonymous'>[]),
    });
  }
  return rows;
}

interface Layer { route?: { path: string | string[]; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } }

/** Every route Nest registered on Express (method + path). */
function registeredRoutes(t: TestApp): { method: string; path: string }[] {
  const express = t.app.getHttpAdapter().getInstance() as { router?: { stack: Layer[] }; _router?: { stack: Layer[] } };
  const stack = (express.router ?? express._router)!.stack;
  const out: { method: string; path: string }[] = [];
  const walk = (layers: Layer[]) => {
    for (const layer of layers) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths) for (const m of Object.keys(layer.route.methods)) if (m !== '_all') out.push({ method: m.toUpperCase(), path });
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk(stack);
  return out;
}

/** A concrete URL for a route pattern: ids that exist nowhere, known words for the other parameters. */
function concrete(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, (_m, name: string) => (/id$/i.test(name) ? '987654' : name === 'resource' ? 'gl-accounts' : 'name'));
}

let t: TestApp;
const agents: Partial<Record<Who, Agent>> = {};
const tokens: Partial<Record<Who, string>> = {};
// read when the file loads: one test per route below
const table: Row[] = readRoleTable();

beforeAll(async () => {
  t = await startTestApp({ SYNC_ENABLED: 'false', WEBHOOK_WORKER: 'false', WEBHOOK_CHECK_SECONDS: '0' });
  for (const role of ROLES) {
    const u = await t.createUser(role);
    agents[role] = await t.login(u.email, u.password);
    tokens[role] = await csrf(agents[role]!, '/account/password');
  }
  agents.anonymous = t.agent();
  tokens.anonymous = csrfFrom((await agents.anonymous.get('/login')).text);
});
afterAll(async () => {
  await t?.close();
});

const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`;

describe('README: roles per route', () => {
  it('lists every registered route exactly once, and nothing else', () => {
    const routes = registeredRoutes(t).map(key).sort();
    const rows = table.map(key).sort();
    expect(new Set(rows).size).toBe(rows.length);
    expect(routes.filter((r) => !rows.includes(r))).toEqual([]); // routes without a role entry
    expect(rows.filter((r) => !routes.includes(r))).toEqual([]); // entries without a route
  });

  it('gives administrators every route that is not public', () => {
    expect(table.filter((r) => r.access !== 'public' && !r.access.includes('admin')).map(key)).toEqual([]);
  });

  it('keeps planners out of invoices, PDFs, payments and customer changes', () => {
    const planner = table.filter((r) => r.access !== 'public' && r.access.includes('planner')).map(key);
    expect(planner.filter((r) => /\/invoices|\/pdf|payments|\/accounting|\/products/.test(r))).toEqual([]);
    expect(planner.filter((r) => r.startsWith('POST /customers'))).toEqual([]);
    expect(planner).toContain('GET /customers');
  });

  // route by route, every role, over HTTP; logging out ends the session, so that row goes last
  const rows = [...table].sort((a, b) => Number(a.path === '/logout') - Number(b.path === '/logout'));
  it.each(rows.map((r) => [key(r), r] as const))('%s: each role is let in or refused as the table says', async (_name, row) => {
    const wrong: string[] = [];
    for (const who of ['anonymous', ...ROLES] as Who[]) {
      const allowed = row.access === 'public' || (who !== 'anonymous' && row.access.includes(who));
      const agent = agents[who]!;
      const url = concrete(row.path);
      const req = row.method === 'GET' ? agent.get(url) : agent.post(url).set('X-CSRF-Token', tokens[who]!).type('form').send({});
      const res = await req.set('Accept', 'application/json').redirects(0);
      const code = (res.body as { error?: { code?: string } })?.error?.code;
      const refused = who === 'anonymous' ? res.status === 401 && code === 'unauthenticated' : res.status === 403 && code === 'role_forbidden';
      if (res.status === 403 && code === 'csrf') wrong.push(`${who}: CSRF refused (test setup)`);
      else if (allowed === refused) wrong.push(`${who}: ${allowed ? 'refused' : 'let in'} (${res.status} ${code ?? ''})`);
    }
    expect(wrong).toEqual([]);
  }, 600_000); // some 400 sequential requests: an upper bound for a machine several times slower, not an expectation
});
