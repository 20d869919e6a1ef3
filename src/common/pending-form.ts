import type { Request } from 'express';
import { sameOriginPath } from './return-path.js';

/** What a user had typed into a form when their session had expired; given back on the page after logging in. */
export interface PendingForm {
  /** the page the form was on (path + query), where the user lands after logging in */
  page: string;
  /** the form's action (path), to find the form on that page */
  action: string;
  /** the submitted fields, without the CSRF token and passwords */
  fields: [string, string][];
  at: number;
}

declare module 'express-session' {
  interface SessionData {
    pendingForm?: PendingForm;
  }
}

const KEEP_MS = 2 * 60 * 60 * 1000;
const MAX_FIELDS = 2000;

/**
 * The path (+ query) of a URL such as HX-Current-URL or Referer, or undefined. Only the path is ever used
 * (a redirect to it stays on this site, whatever host the header named).
 */
export function samePath(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let path: string;
  try {
    const u = new URL(url, 'http://x.invalid');
    path = u.pathname + u.search;
  } catch {
    return undefined;
  }
  // the same check as every other return address (only the path is kept, so any origin will do as the base)
  return sameOriginPath(path, 'http://x.invalid', '') || undefined;
}

/**
 * The full page to return to after logging in: for htmx the page the browser shows (never the fragment's
 * URL), for a form post the page the form was on, else the requested page.
 */
export function returnPage(req: Request): string {
  if (req.get('HX-Request') === 'true') return samePath(req.get('HX-Current-URL')) ?? '/';
  if (req.method === 'GET' || req.method === 'HEAD') return req.originalUrl;
  return samePath(req.get('Referer')) ?? '/';
}

/** Keeps a posted form's fields in the (new) session, so the page can fill them in again after login. */
export function keepPendingForm(req: Request, page: string): boolean {
  if (req.method !== 'POST' || !req.session) return false;
  const body = req.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return false;
  const fields: [string, string][] = [];
  for (const [name, value] of Object.entries(body)) {
    if (name === '_csrf' || /password/i.test(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') fields.push([name, String(v)]);
    }
    if (fields.length > MAX_FIELDS) break;
  }
  if (!fields.length) return false;
  req.session.pendingForm = { page, action: req.path, fields, at: Date.now() };
  return true;
}

/** The kept form for this page (once), when a logged-in user opens the page it was on. */
export function takePendingForm(req: Request): PendingForm | undefined {
  const p = req.session?.pendingForm;
  if (!p || !req.user) return undefined;
  if (Date.now() - p.at > KEEP_MS) {
    delete req.session.pendingForm;
    return undefined;
  }
  if (p.page.split('?')[0] !== req.path) return undefined;
  delete req.session.pendingForm;
  return p;
}

/** JSON for a <script type="application/json"> block (no way to close the tag from the data). */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}
