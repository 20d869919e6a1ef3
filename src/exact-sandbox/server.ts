import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { buildRoutes, handleApi } from './api.handler.js';
import { controlGuard } from './control.guard.js';
import { controlRouter } from './control.routes.js';
import { oauthRouter } from './oauth.routes.js';
import { SandboxCore } from './sandbox.core.js';
import { seedFinancialYears } from './seed.generator.js';
import { DEFAULT_CLIENT, type ClientRecord } from './sandbox.types.js';
import { isSnapshot, restore, snapshot } from './state.store.js';

export { DEFAULT_CLIENT } from './sandbox.types.js';

export interface SandboxOptions {
  port?: number;
  host?: string;
  stateFile?: string;
  seed?: number;
  volume?: number;
  defaultClient?: ClientRecord;
  /** when set, every /_sandbox/* call needs `Authorization: Bearer <controlToken>` (SANDBOX_CONTROL_TOKEN) */
  controlToken?: string;
}

export interface SandboxHandle {
  url: string;
  port: number;
  close(): Promise<void>;
}

function loadState(core: SandboxCore, file: string | undefined): boolean {
  if (!file || !existsSync(file)) return false;
  try {
    const snap: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!isSnapshot(snap)) return false;
    const { state, clockOffsetMs } = restore(snap);
    core.replaceState(state);
    core.clock.offsetMs = clockOffsetMs;
    // state files written before financial periods existed get the current and previous year
    for (const code of state.divisions.keys()) seedFinancialYears(core.context(code, null));
    return true;
  } catch {
    return false;
  }
}

function saveState(core: SandboxCore, file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(snapshot(core.state, core.clock.offsetMs)));
  renameSync(tmp, file);
}

function buildApp(core: SandboxCore, controlToken: string | undefined) {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const routes = buildRoutes(core);
  app.use(oauthRouter(core));
  app.use('/_sandbox', controlGuard({ port: () => core.port, token: controlToken }), controlRouter(core));
  const raw = express.raw({ type: () => true, limit: '50mb' });
  app.use('/api/v1', raw, (req: Request, res: Response, next: NextFunction) => { handleApi(core, routes, req, res).catch(next); });
  app.get('/docs/DocumentAttachment.aspx', (req: Request, res: Response) => {
    const token = core.oauth.verify(req.headers.authorization);
    if (!token) { res.status(401).end(); return; }
    const id = String(req.query.ID ?? '').toLowerCase();
    const division = Number(req.query.Division);
    const row = core.state.data.get(division)?.table('DocumentAttachments').rows.get(id);
    if (!row || (token.grant !== 'all' && !token.grant.includes(division))) { res.status(404).end(); return; }
    res.type('application/octet-stream').set('Content-Disposition', `attachment; filename="${String(row.FileName)}"`).send(Buffer.from(String(row._bytes ?? ''), 'base64'));
  });
  app.get('/', (_req: Request, res: Response) => { res.redirect('/_sandbox'); });
  app.use((_req: Request, res: Response) => { res.status(404).json({ error: { code: '', message: { lang: '', value: 'Resource not found.' } } }); });
  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    if (!res.headersSent) res.status(500).json({ error: { code: '', message: { lang: '', value: err.message } } });
  });
  return app;
}

/** Starts an isolated Exact Online sandbox. port 0 = free port. */
export async function startSandbox(opts: SandboxOptions = {}): Promise<SandboxHandle> {
  const core = new SandboxCore({ ...DEFAULT_CLIENT, ...(opts.defaultClient ?? {}) });
  const loaded = loadState(core, opts.stateFile);
  const reseed = (opts.seed !== undefined && opts.seed !== core.state.seed) || (opts.volume !== undefined && opts.volume !== core.state.volume);
  if (!loaded || reseed) core.reset(opts.seed ?? core.state.seed ?? 1, opts.volume ?? 0, loaded);
  core.ensureDefaultClient();
  let timer: NodeJS.Timeout | null = null;
  const file = opts.stateFile;
  if (file) {
    core.onChange = () => {
      if (timer) return;
      timer = setTimeout(() => { timer = null; saveState(core, file); }, 1000);
    };
    saveState(core, file);
  }
  const app = buildApp(core, opts.controlToken || undefined);
  const host = opts.host ?? '127.0.0.1';
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(opts.port ?? 0, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  server.keepAliveTimeout = 5000;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  core.publicBase = url;
  core.port = port;
  return {
    url,
    port,
    async close() {
      if (timer) { clearTimeout(timer); timer = null; }
      if (file) saveState(core, file);
      core.onChange = () => undefined;
      core.webhooks.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
