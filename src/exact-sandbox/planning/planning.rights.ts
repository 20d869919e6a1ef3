import type { EntityContext } from '../entity.context.js';
import type { EntityDef } from '../entity.types.js';
import { ExactError, type Row } from '../sandbox.types.js';

/**
 * Licence packages and user rights per division (API.md §1.5 "User lacks the right for the endpoint → 403",
 * `users/UserHasRights`). A division's package decides which modules it has; entities carry a `module`.
 * Entities without a module (the finance side) are always available. Rights can be taken away per
 * endpoint × action through the control API. State lives on the division info row (`_package`, `_modules`,
 * `_denied`) so it is saved with the rest of the state.
 */

export const MODULES = ['Orders', 'Inventory', 'Manufacturing', 'Projects', 'HRM', 'Payroll', 'Quotations'] as const;
export type Module = (typeof MODULES)[number];

export const PACKAGES: Record<string, { description: string; modules: Module[] }> = {
  'EOL-MFG': { description: 'Exact Online Productie Premium', modules: ['Orders', 'Inventory', 'Manufacturing', 'Quotations', 'HRM', 'Payroll'] },
  'EOL-PSA': { description: 'Exact Online Projectmanagement (Professional Services)', modules: ['Projects', 'Quotations', 'HRM', 'Payroll'] },
  'EOL-ACC': { description: 'Exact Online Boekhouden', modules: [] },
  'EOL-ALL': { description: 'Alle modules (sandbox)', modules: [...MODULES] },
};

export const VERB_ACTIONS = ['GET', 'POST', 'PUT', 'DELETE'] as const;

function info(ctx: EntityContext): Row {
  return ctx.state.divisions.get(ctx.division)!;
}

/** modules of the division; a division without a stored package (created by the control API) has all of them */
export function divisionModules(row: Row): string[] {
  return Array.isArray(row._modules) ? (row._modules as string[]) : [...MODULES];
}

function denied(row: Row): string[] {
  return Array.isArray(row._denied) ? (row._denied as string[]) : [];
}

function deniedKey(endpoint: string, action: string): string {
  return `${endpoint.toLowerCase()}|${action.toUpperCase()}`;
}

/** null when allowed, else the Reason header value */
export function rightsProblem(row: Row, def: EntityDef, endpoint: string, action: string): string | null {
  if (def.module && !divisionModules(row).includes(def.module)) return 'NoModuleInPackage';
  const d = denied(row);
  if (d.includes(deniedKey(endpoint, action)) || d.includes(deniedKey(endpoint, '*'))) return 'NoRights';
  return null;
}

/** 403 "Forbidden" (the text Exact answers when the licence or the user's rights do not cover an endpoint) */
export function checkRights(ctx: EntityContext, def: EntityDef, endpoint: string, method: string): void {
  const problem = rightsProblem(info(ctx), def, endpoint, method);
  if (problem) throw new ExactError(403, 'Forbidden', { Reason: problem });
}

export function isUserHasRights(segs: string[]): boolean {
  return segs.length === 3 && segs[1].toLowerCase() === 'users' && segs[2].toLowerCase() === 'userhasrights';
}

function quoted(url: URL, name: string): string {
  const raw = url.searchParams.get(name);
  if (raw === null) throw new ExactError(400, `Verplicht: ${name}`);
  const m = /^'(.*)'$/.exec(raw.trim());
  if (!m) throw new ExactError(400, `Ongeldig: ${name} (gebruik ${name}='…')`);
  return m[1];
}

/** GET users/UserHasRights?endpoint='salesorder/SalesOrders'&action='GET' → {"d":{"UserHasRights":true}} */
export function userHasRights(ctx: EntityContext, routes: Map<string, { def: EntityDef }>, url: URL, method: string): { d: { UserHasRights: boolean } } {
  if (method.toUpperCase() !== 'GET') throw new ExactError(405, `The HTTP method '${method.toUpperCase()}' is not allowed on this resource.`);
  const endpoint = quoted(url, 'endpoint').replace(/^\/+|\/+$/g, '').toLowerCase();
  const action = quoted(url, 'action').toUpperCase();
  if (!(VERB_ACTIONS as readonly string[]).includes(action)) throw new ExactError(400, `Ongeldig: action '${action}'`);
  const route = routes.get(endpoint);
  if (!route) return { d: { UserHasRights: false } };
  const allowedVerb = (route.def.verbs as string[]).includes(action) || action === 'GET';
  return { d: { UserHasRights: allowedVerb && rightsProblem(info(ctx), route.def, endpoint, action) === null } };
}

/** control API: take away or give back a module or a right */
export function setRights(row: Row, b: { package?: unknown; module?: unknown; endpoint?: unknown; action?: unknown; allowed?: unknown }): Row {
  if (b.package !== undefined) {
    const p = PACKAGES[String(b.package)];
    if (!p) throw new ExactError(400, `Unknown package ${String(b.package)} (known: ${Object.keys(PACKAGES).join(', ')})`);
    row._package = String(b.package);
    row._modules = [...p.modules];
  }
  if (typeof b.allowed !== 'boolean' && (b.module !== undefined || b.endpoint !== undefined)) throw new ExactError(400, 'allowed (true/false) is required');
  if (b.module !== undefined) {
    const m = String(b.module);
    if (!(MODULES as readonly string[]).includes(m)) throw new ExactError(400, `Unknown module ${m} (known: ${MODULES.join(', ')})`);
    const mods = new Set(divisionModules(row));
    if (b.allowed) mods.add(m); else mods.delete(m);
    row._modules = MODULES.filter((x) => mods.has(x));
  }
  if (b.endpoint !== undefined) {
    const action = String(b.action ?? '*').toUpperCase();
    if (action !== '*' && !(VERB_ACTIONS as readonly string[]).includes(action)) throw new ExactError(400, `Unknown action ${action}`);
    const key = deniedKey(String(b.endpoint).replace(/^\/+|\/+$/g, ''), action);
    const d = new Set(denied(row));
    if (b.allowed) d.delete(key); else d.add(key);
    row._denied = [...d];
  }
  return rightsView(row);
}

export function rightsView(row: Row): Row {
  return { division: row.Code, package: row._package ?? 'EOL-ALL', modules: divisionModules(row), denied: denied(row) };
}
