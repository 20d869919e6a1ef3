import express, { type Request, type Response, type Router } from 'express';
import { xmlEscape } from './odata-format.util.js';
import { OAuthError } from './oauth.service.js';
import type { SandboxCore } from './sandbox.core.js';
import type { DivisionGrant } from './sandbox.types.js';

/** GET/POST /api/oauth2/auth (login + consent page) and POST /api/oauth2/token. */

function errorPage(res: Response, status: number, message: string): void {
  res.status(status).type('html').send(`<!doctype html><html><head><title>Exact Online</title></head><body><h1>Exact Online</h1><p class="error">${xmlEscape(message)}</p></body></html>`);
}

function redirectWith(res: Response, redirectUri: string, params: Record<string, string | undefined>): void {
  const parts = Object.entries(params).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${k}=${encodeURIComponent(v!).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)}`);
  res.redirect(302, `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${parts.join('&')}`);
}

function consentPage(core: SandboxCore, q: Record<string, string>): string {
  const hidden = ['client_id', 'redirect_uri', 'response_type', 'state'].map((k) => `<input type="hidden" name="${k}" value="${xmlEscape(q[k] ?? '')}">`).join('');
  const divs = [...core.state.divisions.values()].map((d) =>
    `<label><input type="checkbox" name="divisions" value="${String(d.Code)}" checked> ${xmlEscape(String(d.Description))} (${String(d.Code)})</label><br>`).join('');
  return `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Exact Online - Inloggen</title>
<style>body{font-family:sans-serif;max-width:560px;margin:40px auto}fieldset{margin:12px 0}button{margin-right:8px;padding:6px 16px}</style></head>
<body><h1>Exact Online (sandbox)</h1><form method="post" action="/api/oauth2/auth">${hidden}
<fieldset><legend>Inloggen</legend><label>Gebruikersnaam <input name="username" value="demo@koppel.test"></label><br>
<label>Wachtwoord <input type="password" name="password" value="demo"></label></fieldset>
<fieldset><legend>Toegang verlenen aan de app</legend>
<label><input type="radio" name="scope" value="all" checked> Alle huidige en toekomstige administraties</label><br>
<label><input type="radio" name="scope" value="subset"> Alleen de gekozen administraties:</label><br>${divs}</fieldset>
<button type="submit" name="decision" value="allow" id="allow">Toestaan</button>
<button type="submit" name="decision" value="deny" id="deny">Weigeren</button></form></body></html>`;
}

function validateAuthRequest(core: SandboxCore, q: Record<string, string>, res: Response): boolean {
  const client = core.oauth.client(q.client_id);
  if (!client) { errorPage(res, 400, 'invalid_client: onbekende client_id'); return false; }
  if (!q.redirect_uri || q.redirect_uri !== client.redirectUri) { errorPage(res, 400, 'invalid_request: redirect_uri komt niet overeen met de geregistreerde callback-URL'); return false; }
  if (q.response_type !== 'code') { redirectWith(res, q.redirect_uri, { error: 'unsupported_response_type', state: q.state }); return false; }
  return true;
}

function grantFromForm(body: Record<string, unknown>): DivisionGrant {
  if (body.scope !== 'subset') return 'all';
  const raw = body.divisions;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.map((v) => Number(v)).filter((n) => Number.isInteger(n));
}

export function oauthRouter(core: SandboxCore): Router {
  const r = express.Router();
  const form = express.urlencoded({ extended: false });
  r.get('/api/oauth2/auth', (req: Request, res: Response) => {
    const q = req.query as Record<string, string>;
    if (validateAuthRequest(core, q, res)) res.type('html').send(consentPage(core, q));
  });
  r.post('/api/oauth2/auth', form, (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, string>;
    if (!validateAuthRequest(core, body, res)) return;
    if (body.decision === 'deny') return redirectWith(res, body.redirect_uri, { error: 'access_denied', state: body.state });
    const grant = grantFromForm(req.body as Record<string, unknown>);
    if (Array.isArray(grant) && grant.length === 0) return redirectWith(res, body.redirect_uri, { error: 'access_denied', state: body.state });
    const code = core.oauth.issueCode(body.client_id, body.redirect_uri, grant);
    core.onChange();
    redirectWith(res, body.redirect_uri, { code, state: body.state });
  });
  r.post('/api/oauth2/token', form, (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store');
    if (!req.is('application/x-www-form-urlencoded')) {
      res.status(400).json({ error: 'invalid_request', error_description: 'The request body must be application/x-www-form-urlencoded.' });
      return;
    }
    try {
      const tokens = core.oauth.token((req.body ?? {}) as Record<string, string>);
      core.onChange();
      res.status(200).json(tokens);
    } catch (e) {
      if (!(e instanceof OAuthError)) throw e;
      core.onChange();
      res.status(e.status).set(e.headers).json({ error: e.error, error_description: e.description });
    }
  });
  return r;
}
