import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { createEntity, updateEntity } from './entity.engine.js';
import { parseFaults } from './limits.service.js';
import { money } from './money.util.js';
import { normaliseClientId } from './oauth.service.js';
import { Prng, randomGuid, randomToken } from './prng.util.js';
import { controlPage } from './control.page.js';
import { planningControl } from './planning/planning.control.js';
import type { SandboxCore } from './sandbox.core.js';
import { seedDivision, payInvoice } from './seed.generator.js';
import { addFinancialYear, processSalesEntries } from './finance.logic.js';
import { parseInputDate } from './odata-format.util.js';
import { ExactError, type DivisionGrant, type Row } from './sandbox.types.js';

/** The /_sandbox control API (see docs/sandbox.md). */

type Handler = (req: Request, res: Response) => unknown;

function wrap(fn: Handler) {
  return (req: Request, res: Response, next: NextFunction) => {
    try {
      const out = fn(req, res);
      if (out !== undefined && !res.headersSent) res.json(out);
    } catch (e) {
      if (e instanceof ExactError) res.status(e.status).json({ error: e.message });
      else next(e);
    }
  };
}

function body(req: Request): Record<string, unknown> {
  return (req.body ?? {}) as Record<string, unknown>;
}

function divisionOf(core: SandboxCore, v: unknown): number {
  const code = Number(v ?? [...core.state.divisions.keys()][0]);
  if (!core.state.divisions.has(code)) throw new ExactError(404, `Unknown division ${String(v)}`);
  return code;
}

function publicRow(row: Row): Row {
  return Object.fromEntries(Object.entries(row).filter(([k]) => !k.startsWith('_')));
}

function divisionSummary(core: SandboxCore) {
  return [...core.state.divisions.values()].map((d) => {
    const data = core.state.data.get(d.Code as number)!;
    const counts = Object.fromEntries([...data.tables.entries()].map(([n, t]) => [n, t.rows.size]));
    return { code: d.Code, description: d.Description, country: d.Country, lastTimestamp: data.lastTimestamp, counts };
  });
}

function upsert(core: SandboxCore, entity: 'Accounts' | 'GLAccounts', b: Record<string, unknown>): Row {
  const division = divisionOf(core, b.division);
  const ctx = core.context(division, null);
  const def = core.registry.def(entity);
  const { division: _d, ...fields } = b;
  const id = typeof fields.ID === 'string' ? fields.ID.toLowerCase() : null;
  const existing = id ? ctx.get(entity, id) : undefined;
  if (id && !existing) throw new ExactError(404, `${entity} ${id} not found`);
  if (existing) { delete fields.ID; return publicRow(updateEntity(ctx, def, existing, fields)); }
  return publicRow(createEntity(ctx, def, fields));
}

function simulatePayment(core: SandboxCore, b: Record<string, unknown>): Row {
  const division = divisionOf(core, b.division);
  const ctx = core.context(division, null);
  const invoiceNumber = Number(b.invoiceNumber);
  const entry = ctx.find('SalesEntries', (e) => e.InvoiceNumber === invoiceNumber);
  if (!entry) throw new ExactError(404, `Invoice ${invoiceNumber} not found in division ${division}`);
  const receivables = ctx.filter('Receivables', (r) => r.InvoiceNumber === invoiceNumber);
  const outstanding = money(receivables.reduce((s, r) => s + (r.AmountDC as number) - (r._paid as number), 0));
  const amount = b.amount === undefined ? outstanding : money(Number(b.amount));
  if (!Number.isFinite(amount) || amount === 0) throw new ExactError(400, 'amount must be a non-zero number');
  const bank = payInvoice(ctx, entry, amount);
  const after = ctx.filter('Receivables', (r) => r.InvoiceNumber === invoiceNumber).map(publicRow);
  return { bankEntryId: bank.EntryID, entryNumber: bank.EntryNumber, amount, receivables: after };
}

function createDivision(core: SandboxCore, b: Record<string, unknown>): Row {
  const codes = [...core.state.divisions.keys()];
  const code = Number(b.code ?? Math.max(...codes) + 1111111);
  if (core.state.divisions.has(code)) throw new ExactError(400, `Division ${code} exists`);
  const country = b.country === 'BE' ? 'BE' : 'NL';
  seedDivision(core.state, core.registry, core.clock, {
    code, description: String(b.description ?? `Nieuwe administratie ${code}`), country, vat: country === 'NL' ? 'NL999999999B01' : 'BE0999999999',
    coc: '99999999', city: country === 'NL' ? 'Zwolle' : 'Gent', postcode: country === 'NL' ? '8011 AA' : '9000', address: 'Markt 1', customers: Number(b.customers ?? 20),
  }, new Prng(core.state.seed * 7919 + code), 0);
  core.onChange();
  return divisionSummary(core).find((d) => d.code === code)!;
}

export function controlRouter(core: SandboxCore): Router {
  const r = express.Router();
  r.use(express.json({ limit: '10mb' }));
  r.get('/', (_req, res) => { res.type('html').send(controlPage()); });
  r.get('/divisions', wrap(() => divisionSummary(core)));
  r.post('/divisions', wrap((req) => createDivision(core, body(req))));
  r.post('/reset', wrap((req) => {
    const b = body(req);
    core.reset(Number(b.seed ?? core.state.seed), Number(b.volume ?? 0));
    return { ok: true, seed: core.state.seed, divisions: divisionSummary(core) };
  }));
  r.post('/clients', wrap((req) => {
    const b = body(req);
    if (typeof b.redirectUri !== 'string' || !b.redirectUri) throw new ExactError(400, 'redirectUri is required');
    const client = {
      clientId: normaliseClientId(b.clientId ?? randomGuid()), clientSecret: String(b.clientSecret ?? randomToken('', 24)),
      webhookSecret: String(b.webhookSecret ?? randomToken('', 24)), redirectUri: b.redirectUri,
    };
    core.state.clients.set(client.clientId, client);
    core.onChange();
    return client;
  }));
  r.post('/authorize', wrap((req) => {
    const b = body(req);
    const client = core.oauth.client(b.clientId);
    if (!client) throw new ExactError(400, 'invalid_client');
    const redirectUri = String(b.redirectUri ?? client.redirectUri);
    if (redirectUri !== client.redirectUri) throw new ExactError(400, 'redirect_uri mismatch');
    const grant: DivisionGrant = Array.isArray(b.divisions) ? b.divisions.map(Number) : 'all';
    return { code: core.oauth.issueCode(client.clientId, redirectUri, grant) };
  }));
  r.get('/clock', wrap(() => ({ now: core.clock.now(), iso: new Date(core.clock.now()).toISOString(), offsetMs: core.clock.offsetMs })));
  r.post('/clock', wrap((req) => {
    core.clock.advance(Number(body(req).advanceSeconds ?? 0));
    core.onChange();
    return { now: core.clock.now(), iso: new Date(core.clock.now()).toISOString(), offsetMs: core.clock.offsetMs };
  }));
  r.get('/faults', wrap(() => ({ faults: core.faults.config })));
  r.post('/faults', wrap((req) => { core.faults.config = parseFaults(body(req)); return { faults: core.faults.config }; }));
  r.delete('/faults', wrap(() => { core.faults.config = null; core.faults.validationAs500 = []; return { faults: null }; }));
  r.get('/faults/validation', wrap(() => ({ as500: core.faults.validationAs500 })));
  r.post('/faults/validation', wrap((req) => {
    const b = body(req);
    if (!Array.isArray(b.as500) || !b.as500.every((m) => typeof m === 'string' && m.trim() !== '')) throw new ExactError(400, 'as500 must be a list of message texts, e.g. ["Ongeldig: Dagboek"]');
    core.faults.validationAs500 = b.as500 as string[];
    return { as500: core.faults.validationAs500 };
  }));
  r.delete('/faults/validation', wrap(() => { core.faults.validationAs500 = []; return { as500: [] }; }));
  r.get('/limits', wrap(() => ({ ...core.limits.config, blocked: core.limits.blockedList() })));
  r.post('/limits', wrap((req) => {
    const b = body(req);
    for (const k of ['minutely', 'daily', 'errorBudget', 'blockMs'] as const) if (typeof b[k] === 'number') core.limits.config[k] = b[k] as number;
    if (b.resetCounters) core.limits.reset();
    return core.limits.config;
  }));
  r.post('/simulate/payment', wrap((req) => simulatePayment(core, body(req))));
  r.post('/process', wrap((req) => {
    const b = body(req);
    const ctx = core.context(divisionOf(core, b.division), null);
    if (typeof b.journal !== 'string' && typeof b.journal !== 'number') throw new ExactError(400, 'journal (a journal code such as "70") is required');
    const upTo = b.upTo === undefined ? ctx.today() : parseInputDate(b.upTo);
    if (upTo === null || Number.isNaN(upTo)) throw new ExactError(400, 'upTo must be a date such as 2026-11-30');
    const entries = processSalesEntries(ctx, String(b.journal), upTo);
    return { processed: entries.length, entries: entries.map((e) => ({ EntryID: e.EntryID, EntryNumber: e.EntryNumber, InvoiceNumber: e.InvoiceNumber })) };
  }));
  r.post('/financial-years', wrap((req) => {
    const b = body(req);
    const ctx = core.context(divisionOf(core, b.division), null);
    return { periods: addFinancialYear(ctx, Number(b.year)).map(publicRow) };
  }));
  r.get('/stats', wrap(() => ({ calls: core.limits.stats(), requests: core.limits.requestStats(), blocked: core.limits.blockedList(), webhooksPending: core.webhooks.pending() })));
  r.post('/accounts', wrap((req) => upsert(core, 'Accounts', body(req))));
  r.post('/glaccounts', wrap((req) => upsert(core, 'GLAccounts', body(req))));
  r.get('/data/:division/:entity', wrap((req) => {
    const ctx = core.context(divisionOf(core, req.params.division), null);
    const name = String(req.params.entity);
    if (!core.registry.byName.has(name)) throw new ExactError(404, `Unknown entity ${name}`);
    const q = String(req.query.q ?? '').toLowerCase();
    const rows = [...ctx.table(name).rows.values()].filter((row) => !q || JSON.stringify(row).toLowerCase().includes(q));
    const offset = Number(req.query.offset ?? 0);
    const limit = Math.min(Number(req.query.limit ?? 50), 1000);
    return { total: rows.length, rows: rows.slice(offset, offset + limit).map(publicRow) };
  }));
  r.get('/entities', wrap(() => [...core.registry.byName.values()].map((d) => ({ name: d.name, paths: d.paths, sync: d.sync ?? null, bulk: d.bulk ?? null, verbs: d.verbs }))));
  r.get('/attachments/:id/raw', (req, res) => {
    const id = String(req.params.id).toLowerCase();
    for (const d of core.state.data.values()) {
      const row = d.table('DocumentAttachments').rows.get(id);
      if (row) { res.type('application/octet-stream').send(Buffer.from(String(row._bytes ?? ''), 'base64')); return; }
    }
    res.status(404).json({ error: 'not found' });
  });
  r.get('/webhooks', wrap(() => ({ enabled: core.webhooks.enabled, pending: core.webhooks.pending(), log: core.webhooks.log.slice(-200) })));
  r.post('/webhooks', wrap((req) => {
    const b = body(req);
    if (typeof b.enabled === 'boolean') core.webhooks.setEnabled(b.enabled);
    for (const k of ['delayMs', 'jitterMs', 'validationDelayMs', 'retryBaseMs'] as const) if (typeof b[k] === 'number') core.webhooks[k] = b[k] as number;
    return { enabled: core.webhooks.enabled, pending: core.webhooks.pending() };
  }));
  planningControl(r, core, wrap);
  return r;
}
