import type { Request, Response } from 'express';
import {
  afterSkiptoken, fieldTypesFor, nextLink, parseQuery, sortRows, skiptokenKey, type QueryOptions, type RouteMode,
} from './api.query.js';
import type { EntityContext } from './entity.context.js';
import { createEntity, deleteEntity, updateEntity } from './entity.engine.js';
import type { EntityDef, LinesSpec } from './entity.types.js';
import { DELETED_DEF } from './entities.registry.js';
import { timestampLowerBound } from './odata-filter.parser.js';
import { atomEntry, atomError, atomFeed, errorJson, parseKey, recordUri, rowToJson, type RenderOptions } from './odata-format.util.js';
import type { SandboxCore } from './sandbox.core.js';
import { ExactError, type DivisionGrant, type Key, type Row } from './sandbox.types.js';
import type { TokenInfo } from './oauth.service.js';
import { checkRights, isUserHasRights, userHasRights } from './planning/planning.rights.js';

/** The /api/v1 REST surface (API.md §2–§5, §7). */

interface Route {
  def: EntityDef;
  mode: RouteMode;
}

export function buildRoutes(core: SandboxCore): Map<string, Route> {
  const routes = new Map<string, Route>();
  for (const def of core.registry.byName.values()) {
    for (const p of def.paths) routes.set(p.toLowerCase(), { def, mode: 'normal' });
    if (def.bulk) routes.set(`bulk/${def.bulk}`.toLowerCase(), { def, mode: 'bulk' });
    if (def.sync) routes.set(`sync/${def.sync}`.toLowerCase(), { def, mode: 'sync' });
  }
  routes.set('sync/deleted', { def: DELETED_DEF, mode: 'deleted' });
  return routes;
}

interface Call {
  core: SandboxCore;
  req: Request;
  res: Response;
  url: URL;
  json: boolean;
  headers: Record<string, string>;
}

const PAGE = { normal: 60, bulk: 1000, sync: 1000, deleted: 1000 } as const;

export function wantsJson(accept: string | undefined): boolean {
  return /application\/json/i.test(accept ?? '');
}

function sendError(c: Call, err: ExactError): void {
  c.res.status(err.status).set({ ...c.headers, ...err.headers });
  if (c.json) c.res.type('application/json; charset=utf-8').send(JSON.stringify(errorJson(err.message)));
  else c.res.type('application/xml; charset=utf-8').send(atomError(err.message));
}

function sendJson(c: Call, status: number, body: unknown): void {
  c.res.status(status).set(c.headers).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

function grantAllows(grant: DivisionGrant, division: number): boolean {
  return grant === 'all' || grant.includes(division);
}

function currentDivision(core: SandboxCore, grant: DivisionGrant): number {
  const codes = [...core.state.divisions.keys()];
  return codes.find((c) => grantAllows(grant, c)) ?? codes[0];
}

interface Target {
  route: Route;
  key: Key | null;
  nav: string | null;
  count: boolean;
  endpoint: string;
}

function resolveTarget(routes: Map<string, Route>, rest: string): Target | null {
  let path = rest;
  let keyText: string | null = null;
  let nav: string | null = null;
  let count = false;
  const m = /^(.*?)\(([^)]*)\)(?:\/(.+))?$/.exec(rest);
  if (m) { path = m[1]; keyText = m[2]; nav = m[3] ?? null; }
  if (nav === '$count') { nav = null; count = true; }
  if (!m && path.endsWith('/$count')) { path = path.slice(0, -7); count = true; }
  const route = routes.get(path.toLowerCase());
  if (!route) return null;
  const key = keyText === null ? null : parseKey(route.def, keyText);
  return { route, key, nav, count, endpoint: path.toLowerCase() };
}

/** The endpoint a request is counted and budgeted under: its path after the division, without key, lower case. */
function endpointOf(isMe: boolean, rest: string): string {
  return isMe ? 'current/me' : rest.replace(/\(.*$/, '').toLowerCase();
}

export async function handleApi(core: SandboxCore, routes: Map<string, Route>, req: Request, res: Response): Promise<void> {
  const url = new URL(req.originalUrl, core.publicBase);
  const c: Call = { core, req, res, url, json: wantsJson(req.headers.accept), headers: {} };
  const segs = url.pathname.replace(/^\/api\/v1\/?/i, '').split('/').filter(Boolean).map((s) => decodeURIComponent(s));
  if (segs[0]?.toLowerCase() === 'beta') segs.shift();
  const token = core.oauth.verify(req.headers.authorization);
  const isMe = segs[0]?.toLowerCase() === 'current' && segs[1]?.toLowerCase() === 'me';
  if (!token) {
    // counted without a client (the token names none): division as in the path, 0 when there is none
    const answered = core.limits.countRequest('', Number(segs[0]) || 0, req.method.toUpperCase(), endpointOf(false, segs.slice(1).join('/')));
    res.once('finish', () => answered(res.statusCode));
    c.headers['WWW-Authenticate'] = 'Bearer';
    // a token the sandbox issued (now expired) names the app: its 401s count in the error budget like other 4xx (API.md §1.5, §4.1)
    const known = core.oauth.identify(req.headers.authorization);
    const div = known ? (isMe ? currentDivision(core, known.grant) : Number(segs[0])) : NaN;
    if (known && Number.isInteger(div)) {
      const key = `${known.clientId}|${div}|${isMe ? 'current/me' : segs.slice(1).join('/').replace(/\(.*$/, '').toLowerCase()}`;
      const blockedMs = core.limits.blockedFor(key);
      if (blockedMs > 0) return sendBlocked(c, blockedMs);
      core.limits.recordError(key);
    }
    return sendError(c, new ExactError(401, 'Unauthorized: the access token is missing, invalid or expired.'));
  }
  const division = isMe ? currentDivision(core, token.grant) : Number(segs[0]);
  if (!Number.isInteger(division)) return sendError(c, new ExactError(404, `Resource not found for the segment '${segs[0] ?? ''}'.`));
  const answered = core.limits.countRequest(token.clientId, division, req.method.toUpperCase(), endpointOf(isMe, segs.slice(1).join('/')));
  res.once('finish', () => answered(res.statusCode));
  const rate = core.limits.take(token.clientId, division);
  Object.assign(c.headers, rate.headers);
  if (!rate.allowed) return sendError(c, new ExactError(429, rate.reason === 'daily' ? 'Too many requests: daily limit exceeded.' : 'Too many requests: minutely limit exceeded.'));
  const rest = segs.slice(1).join('/');
  const budgetKey = `${token.clientId}|${division}|${endpointOf(isMe, rest)}`;
  const blockedMs = core.limits.blockedFor(budgetKey);
  if (blockedMs > 0) return sendBlocked(c, blockedMs);
  try {
    await dispatch(c, routes, token, division, isMe, segs);
  } catch (e) {
    let err = e instanceof ExactError ? e : new ExactError(500, e instanceof Error ? e.message : 'Internal error');
    // control switch (POST /_sandbox/faults/validation): chosen business errors answer 500, as Exact does for some
    if (err.status === 400 && core.faults.validationStatus(err.message) === 500) err = new ExactError(500, err.message, err.headers);
    if ([400, 401, 403, 404].includes(err.status)) core.limits.recordError(budgetKey);
    if (!c.res.headersSent) sendError(c, err);
  }
}

function sendBlocked(c: Call, blockedMs: number): void {
  c.headers['Retry-After'] = String(Math.ceil(blockedMs / 1000));
  c.headers.Reason = 'TooManyErrors';
  sendError(c, new ExactError(429, `This endpoint is blocked for this app and division for ${Math.ceil(blockedMs / 60000)} more minutes: more than ${c.core.limits.config.errorBudget} errors in one hour.`));
}

async function dispatch(c: Call, routes: Map<string, Route>, token: TokenInfo, division: number, isMe: boolean, segs: string[]): Promise<void> {
  const { core } = c;
  if (!core.state.divisions.has(division)) throw new ExactError(403, 'Forbidden - WrongDivision', { Reason: 'NoDivisionAccess' });
  if (!grantAllows(token.grant, division)) throw new ExactError(403, 'Forbidden - User division is not within division scope', { Reason: 'NoDivisionAccess' });
  const ctx = core.context(division, token.clientId);
  ctx.divisionBase = `${c.url.origin}/api/v1/${division}/`;
  ctx.grant = token.grant;
  if (isMe) return sendMe(c, ctx);
  if (isUserHasRights(segs)) return sendJson(c, 200, userHasRights(ctx, routes, c.url, c.req.method));
  const target = resolveTarget(routes, segs.slice(1).join('/'));
  if (!target) throw new ExactError(404, `Resource not found for the segment '${segs[segs.length - 1] ?? ''}'.`);
  const method = c.req.method.toUpperCase();
  checkRights(ctx, target.route.def, target.endpoint, method);
  checkVerb(target, method);
  const faulty = core.faults.matches(method, c.url.pathname) ? core.faults.config : null;
  if (faulty?.latencyMs) await new Promise((r) => setTimeout(r, faulty.latencyMs));
  const fail = faulty ? core.faults.shouldFail() : false;
  if (fail && !faulty!.afterCommit) return injectFault(c, faulty!.status, faulty!.timeout);
  if (!fail) return execute(c, ctx, target, method);
  // afterCommit: the write is stored, but the client sees an error / a timeout
  if (method !== 'GET') performWrite(c, ctx, target, method);
  if (faulty!.timeout) return injectFault(c, faulty!.status, true);
  sendError(c, new ExactError(faulty!.status, 'Injected fault after commit (sandbox).'));
}

function injectFault(c: Call, status: number, timeout: boolean): void {
  if (timeout) { setTimeout(() => c.res.socket?.destroy(), 60_000).unref(); return; }
  sendError(c, new ExactError(status, status === 503 ? 'Service unavailable (injected fault).' : 'Injected fault (sandbox).'));
}

function checkVerb(t: Target, method: string): void {
  const readOnly = t.route.mode !== 'normal' || t.nav !== null || t.count;
  const allowed = readOnly ? ['GET'] : t.route.def.verbs;
  const needsKey = method === 'PUT' || method === 'DELETE';
  if (!allowed.includes(method as never) || (needsKey && t.key === null) || (method === 'POST' && t.key !== null)) {
    throw new ExactError(405, `The HTTP method '${method}' is not allowed on this resource.`);
  }
}

async function execute(c: Call, ctx: EntityContext, t: Target, method: string): Promise<void> {
  if (method === 'GET') return getResource(c, ctx, t);
  if (method === 'POST') return postResource(c, ctx, t.route.def);
  performWrite(c, ctx, t, method);
  c.res.status(204).set(c.headers).end();
}

/** PUT / DELETE / POST without writing a response (used by after-commit faults too) */
function performWrite(c: Call, ctx: EntityContext, t: Target, method: string): Row | null {
  const def = t.route.def;
  if (method === 'POST') {
    const row = createEntity(ctx, def, parseBody(c.req));
    if (def.name === 'WebhookSubscriptions') c.core.webhooks.sendValidation(String(row.CallbackURL));
    return row;
  }
  const existing = findOne(ctx, def, t.key!);
  if (method === 'PUT') updateEntity(ctx, def, existing, parseBody(c.req));
  else deleteEntity(ctx, def, existing);
  return existing;
}

function findOne(ctx: EntityContext, def: EntityDef, key: Key): Row {
  const row = def.virtualRows ? def.virtualRows(ctx).find((r) => r[def.key] === key) : ctx.get(def.name, key);
  if (!row || (def.clientScoped && row.ClientID !== ctx.clientId)) throw new ExactError(404, `Resource not found for the segment '${def.paths[0].split('/').pop()}'.`);
  return row;
}

function parseBody(req: Request): unknown {
  const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  try {
    return JSON.parse(raw);
  } catch {
    throw new ExactError(400, 'Error processing request stream. The request should be a valid top-level resource object.');
  }
}

function renderOptions(ctx: EntityContext, def: EntityDef, q: QueryOptions, mode: RouteMode): RenderOptions {
  return { divisionBase: ctx.divisionBase, fields: q.select, types: fieldTypesFor(def, mode) };
}

function withExpand(ctx: EntityContext, def: EntityDef, row: Row, q: QueryOptions, o: RenderOptions): RenderOptions {
  if (q.expand.length === 0) return o;
  const expand = new Map<string, Row[]>();
  for (const nav of q.expand) {
    if (!q.select.includes(nav)) q.select.push(nav);
    const spec = navSpec(def, nav);
    const lines = spec ? lineRows(ctx, def, row, spec) : [];
    const lineDef = spec ? ctx.registry.def(spec.entity) : null;
    expand.set(nav, lineDef ? lines.map((l) => rowToJson(lineDef, l, { divisionBase: o.divisionBase, fields: Object.keys(lineDef.fields), types: lineDef.fields })) : []);
  }
  return { ...o, fields: q.select, expand };
}

function navSpec(def: EntityDef, nav: string): LinesSpec | undefined {
  return [...(def.lines ? [def.lines] : []), ...(def.navs ?? [])].find((l) => l.field.toLowerCase() === nav.toLowerCase());
}

function lineRows(ctx: EntityContext, def: EntityDef, row: Row, spec: LinesSpec = def.lines!): Row[] {
  return ctx.filter(spec.entity, (l) => l[spec.fk] === row[def.key]).sort((a, b) => (a.LineNumber as number) - (b.LineNumber as number));
}

function sendMe(c: Call, ctx: EntityContext): void {
  const div = ctx.state.divisions.get(ctx.division)!;
  const me = {
    __metadata: { uri: `${c.url.origin}/api/v1/current/Me(guid'${ctx.clientId === null ? '' : '5e0d3c1a-7a43-4c59-9d2e-1b2c3d4e5f60'}')`, type: 'Exact.Web.Api.System.Me' },
    UserID: '5e0d3c1a-7a43-4c59-9d2e-1b2c3d4e5f60', CurrentDivision: ctx.division, AccountingDivision: ctx.division, DossierDivision: null,
    DivisionCustomer: div.Customer, DivisionCustomerCode: div.CustomerCode, DivisionCustomerName: div.Description, DivisionCustomerVatNumber: div.VATNumber,
    DivisionCustomerSiretNumber: null, UserName: 'demo@koppel.test', FullName: 'Demo Gebruiker', FirstName: 'Demo', LastName: 'Gebruiker',
    Email: 'demo@koppel.test', LanguageCode: 'nl-NL', Language: 'NL', Legislation: '1', PackageCode: String(div._package ?? 'EOL-ACC'), ServerTime: new Date(ctx.now()).toISOString(),
    ServerUtcOffset: 3600, EmployeeID: null, IsClientUser: false, IsStarterUser: false,
  };
  if (c.json) return sendJson(c, 200, { d: { results: [me] } });
  c.res.status(200).set(c.headers).type('application/atom+xml;type=feed;charset=utf-8')
    .send(`<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:d="http://schemas.microsoft.com/ado/2007/08/dataservices" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"><title type="text">Me</title><entry><content type="application/xml"><m:properties><d:UserID m:type="Edm.Guid">${me.UserID}</d:UserID><d:CurrentDivision m:type="Edm.Int32">${ctx.division}</d:CurrentDivision><d:FullName>${me.FullName}</d:FullName></m:properties></content></entry></feed>`);
}

function getResource(c: Call, ctx: EntityContext, t: Target): void {
  const { def, mode } = t.route;
  const q = parseQuery(def, mode, c.url.searchParams);
  if (t.key !== null && t.nav === null) return sendSingle(c, ctx, def, findOne(ctx, def, t.key), q, mode);
  if (t.key !== null && t.nav !== null) return sendNav(c, ctx, def, findOne(ctx, def, t.key), t.nav);
  if (mode === 'sync' || mode === 'deleted') return sendSync(c, ctx, def, mode, q, t);
  sendList(c, ctx, def, mode, q, t);
}

function sendSingle(c: Call, ctx: EntityContext, def: EntityDef, row: Row, q: QueryOptions, mode: RouteMode): void {
  const o = withExpand(ctx, def, row, q, renderOptions(ctx, def, q, mode));
  if (c.json) return sendJson(c, 200, { d: rowToJson(def, row, o) });
  c.res.status(200).set(c.headers).type('application/atom+xml;type=entry;charset=utf-8').send(atomEntry(def, row, o, ctx.now()));
}

function sendNav(c: Call, ctx: EntityContext, def: EntityDef, row: Row, nav: string): void {
  const spec = navSpec(def, nav);
  if (!spec) {
    if (def.fields[nav] === 'coll') return sendJson(c, 200, { d: { results: [] } });
    throw new ExactError(404, `Resource not found for the segment '${nav}'.`);
  }
  const lineDef = ctx.registry.def(spec.entity);
  const o: RenderOptions = { divisionBase: ctx.divisionBase, fields: Object.keys(lineDef.fields), types: lineDef.fields };
  const rows = lineRows(ctx, def, row, spec);
  if (c.json) return sendJson(c, 200, { d: { results: rows.map((r) => rowToJson(lineDef, r, o)) } });
  c.res.status(200).set(c.headers).type('application/atom+xml;type=feed;charset=utf-8').send(atomFeed(lineDef, rows, o, c.url.toString(), null, null, ctx.now()));
}

function mandatoryFields(def: EntityDef): string[] | null {
  if (def.mandatoryFilter) return def.mandatoryFilter;
  return def.sync ? Object.keys(def.fields).filter((f) => def.fields[f] !== 'coll') : null;
}

function checkListPreconditions(def: EntityDef, mode: RouteMode, q: QueryOptions, params: URLSearchParams): void {
  if (mode === 'bulk' && !params.get('$select')) throw new ExactError(400, 'The $select query option is mandatory for bulk endpoints. Please add a $select statement to the query string.');
  const mandatory = mandatoryFields(def);
  if (!mandatory || !def.sync) return;
  const ok = q.filter && [...q.filter.fields].some((f) => mandatory.includes(f));
  if (!ok) {
    throw new ExactError(400, `This endpoint has mandatory filtering applied. A GET request for this endpoint must have a $filter parameter with one of the following fields in the url:${mandatory.join(',')}`);
  }
}

function sendList(c: Call, ctx: EntityContext, def: EntityDef, mode: RouteMode, q: QueryOptions, t: Target): void {
  if (!t.count) checkListPreconditions(def, mode, q, c.url.searchParams);
  else if (def.sync) checkListPreconditions(def, 'normal', q, c.url.searchParams);
  let rows = def.virtualRows ? def.virtualRows(ctx) : [...ctx.table(def.name).rows.values()];
  if (def.clientScoped) rows = rows.filter((r) => r.ClientID === ctx.clientId);
  if (q.filter) rows = rows.filter(q.filter.test);
  if (t.count) {
    c.res.status(200).set(c.headers).type('text/plain; charset=utf-8').send(String(rows.length));
    return;
  }
  const total = rows.length;
  sortRows(def, rows, q.orderby);
  let start = q.skip;
  if (q.skiptoken) start = afterSkiptoken(def, rows, q.skiptoken, q.orderby.length > 0);
  const size = Math.min(PAGE[mode], q.top ?? Infinity);
  const page = rows.slice(start, start + size);
  const moreRows = start + size < rows.length;
  const topLeft = q.top === null ? null : q.top - page.length;
  const hasNext = moreRows && page.length > 0 && (topLeft === null || topLeft > 0);
  const last = page[page.length - 1];
  const token = last ? (def.keyType === 'guid' ? `guid'${String(last[def.key])}'` : String(last[def.key])) : '';
  const next = hasNext ? nextLink(c.url, { $skiptoken: token, $skip: null, ...(topLeft === null ? {} : { $top: String(topLeft) }) }) : null;
  renderList(c, ctx, def, mode, q, page, next, q.inlinecount ? total : null);
}

function renderList(c: Call, ctx: EntityContext, def: EntityDef, mode: RouteMode, q: QueryOptions, page: Row[], next: string | null, count: number | null): void {
  const base = renderOptions(ctx, def, q, mode);
  if (c.json) {
    const results = page.map((r) => rowToJson(def, r, withExpand(ctx, def, r, q, base)));
    // API.md §3.2: a query whose $top is at or below the page size (no $inlinecount, so no __count and no __next)
    // comes back as a bare array, {"d":[…]}, the form the picqer client's find()/findId() rely on
    if (q.top !== null && q.top <= PAGE[mode] && !q.inlinecount && !next) return sendJson(c, 200, { d: results });
    const d: Record<string, unknown> = { results };
    if (count !== null) d.__count = String(count);
    if (next) d.__next = next;
    return sendJson(c, 200, { d });
  }
  c.res.status(200).set(c.headers).type('application/atom+xml;type=feed;charset=utf-8').send(atomFeed(def, page, base, c.url.toString(), next, count, ctx.now()));
}

function sendSync(c: Call, ctx: EntityContext, def: EntityDef, mode: RouteMode, q: QueryOptions, t: Target): void {
  if (t.count) throw new ExactError(400, '$count is not supported on sync endpoints.');
  let after = q.filter ? timestampLowerBound(q.filter) : 0;
  if (q.skiptoken) after = Math.max(after, Number(skiptokenKey({ ...def, keyType: 'int' }, q.skiptoken)));
  const table = mode === 'deleted' ? ctx.div.deleted : ctx.table(def.name);
  const size = Math.min(PAGE[mode], q.top ?? Infinity);
  const rowsAfter = (from: number, n: number) => (mode === 'sync' && def.syncRows ? def.syncRows(ctx, from, n) : table.syncPage(from, n));
  const page = rowsAfter(after, size);
  const lastTs = page.length ? (page[page.length - 1].Timestamp as number) : after;
  const hasNext = page.length === size && q.top === null && rowsAfter(lastTs, 1).length > 0;
  const next = hasNext ? nextLink(c.url, { $skiptoken: `${lastTs}L` }) : null;
  renderList(c, ctx, def, mode, q, page, next, q.inlinecount ? null : null);
}

function postResource(c: Call, ctx: EntityContext, def: EntityDef): void {
  const row = performWrite(c, ctx, { route: { def, mode: 'normal' }, key: null, nav: null, count: false, endpoint: '' }, 'POST')!;
  const uri = recordUri(def, ctx.divisionBase, row[def.key]);
  c.headers.Location = uri;
  const full = /return=representation/i.test(String(c.req.headers.prefer ?? ''));
  const fields = Object.keys(def.fields);
  const shown: Row = full ? row : { [def.key]: row[def.key] };
  const o: RenderOptions = { divisionBase: ctx.divisionBase, fields, types: def.fields };
  if (c.json) return sendJson(c, 201, { d: rowToJson(def, shown, o) });
  c.res.status(201).set(c.headers).type('application/atom+xml;type=entry;charset=utf-8').send(atomEntry(def, shown, o, ctx.now()));
}
