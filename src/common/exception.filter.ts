import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, ValidationError } from './errors.js';
import { isFragmentRequest } from './views.js';
import { keepPendingForm, returnPage } from './pending-form.js';
import { isLang, langFromHeader, translator } from './i18n/i18n.js';

/**
 * The database could not be reached (stopped, restarting, connection cut): PostgreSQL's connection and
 * shutdown codes, node's socket errors, pg's "Connection terminated", MikroORM's ConnectionException.
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  for (let cur = e as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; cur && depth < 5; cur = cur.cause as typeof cur, depth++) {
    const code = typeof cur.code === 'string' ? cur.code : '';
    if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006'].includes(code)) return true;
    if (cur.name === 'ConnectionException') return true;
    if (typeof cur.message === 'string' && /Connection terminated|connection timeout|Client has encountered a connection error|the database system is (starting up|shutting down)/i.test(cur.message)) return true;
  }
  return false;
}

/** What was typed into a form, flattened to field names as the browser sends them (lines[0][description]); no secrets. */
function typedFields(body: unknown, prefix = '', out: { name: string; value: string }[] = []): { name: string; value: string }[] {
  if (!body || typeof body !== 'object' || Buffer.isBuffer(body)) return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    const name = prefix ? `${prefix}[${k}]` : k;
    if (/password/i.test(k)) continue;
    if (v && typeof v === 'object') typedFields(v, name, out);
    else if (v !== undefined && v !== null) out.push({ name, value: String(v) });
  }
  return out.slice(0, 500);
}

interface Mapped {
  status: number;
  code: string;
  messageKey: string;
  params?: Record<string, unknown>;
  fieldErrors?: Record<string, string[]>;
}

function map(exception: unknown): Mapped {
  if (exception instanceof ValidationError) {
    return { status: 422, code: exception.code, messageKey: 'errors.validation', fieldErrors: exception.fieldErrors };
  }
  if (exception instanceof DomainError) {
    return { status: exception.status, code: exception.code, messageKey: exception.userMessageKey ?? 'errors.title', params: exception.userMessageParams };
  }
  // csrf-csrf raises an http-errors error with code EBADCSRFTOKEN
  const e = exception as { code?: string; status?: number; statusCode?: number; type?: string; message?: string; cause?: { code?: string } };
  // Nest may wrap the http-errors error of csrf-csrf in an HttpException
  if (e?.code === 'EBADCSRFTOKEN' || e?.cause?.code === 'EBADCSRFTOKEN' || e?.message === 'invalid csrf token') return { status: 403, code: 'csrf', messageKey: 'errors.csrf' };
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const key = status === 404 ? 'errors.notFound' : status === 403 ? 'errors.forbidden' : status === 429 ? 'errors.tooMany' : 'errors.title';
    return { status, code: `http_${status}`, messageKey: key };
  }
  // body-parser errors (malformed JSON, too large) carry status 4xx
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, code: e.type ?? `http_${status}`, messageKey: 'errors.title' };
  }
  if (isDatabaseUnavailable(exception)) return { status: 503, code: 'database_unavailable', messageKey: 'errors.databaseUnavailable' };
  return { status: 500, code: 'internal', messageKey: 'errors.server' };
}

/** Typed errors → HTTP in one place: HTML page, HTMX fragment or JSON, depending on who asks. */
@Catch()
export class AppExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const m = map(exception);
    if (m.status === 503) this.logger.warn(`${req.method} ${req.originalUrl}: database unavailable (${(exception as Error)?.message ?? exception})`);
    else if (m.status >= 500) this.logger.error(`${req.method} ${req.originalUrl}: ${(exception as Error)?.stack ?? String(exception)}`);
    if (res.headersSent) return;

    const wantsJson = req.path.startsWith('/api/') || req.path.startsWith('/webhooks/') || (!req.accepts('html') && !!req.accepts('json'));
    if (wantsJson) {
      res.status(m.status).json({ error: { code: m.code, message: res.locals.t ? res.locals.t(m.messageKey, m.params) : m.messageKey, fields: m.fieldErrors } });
      return;
    }
    // No (more) login — a page, an htmx action, or a form posted after the session expired (its CSRF token
    // belonged to the old session): log in, then land on the full page the user was on, with what they typed.
    // (The login and setup forms themselves keep their 403 "form expired": there is no session to lose there.)
    const onAuthPage = /^\/(login|setup|logout|language)(\/|$)/.test(req.path);
    if (m.status === 401 || (m.code === 'csrf' && !req.user && !onAuthPage)) {
      const page = onAuthPage ? '/' : returnPage(req);
      const kept = !onAuthPage && keepPendingForm(req, page);
      const target = `/login?next=${encodeURIComponent(page)}${kept || m.code === 'csrf' ? '&expired=1' : ''}`;
      if (req.get('HX-Request') === 'true') {
        res.setHeader('HX-Redirect', target);
        res.status(401).end();
      } else {
        res.redirect(303, target);
      }
      return;
    }
    // Logged in, but the form's token is stale (e.g. a new login in another tab): back to the form, input kept.
    if (m.code === 'csrf' && req.method === 'POST' && req.get('HX-Request') !== 'true') {
      const page = returnPage(req);
      if (page !== '/' && keepPendingForm(req, page)) {
        res.redirect(303, page);
        return;
      }
    }
    // a page: the error may come before the request's view context was set up (session store down): translate anyway
    if (typeof res.locals.t !== 'function') {
      const lang = isLang(req.session?.lang) ? req.session.lang : langFromHeader(req.get('accept-language'));
      Object.assign(res.locals, { t: translator(lang), lang });
    }
    const titleKey = m.status === 404 ? 'errors.notFoundTitle' : m.status === 403 ? 'errors.forbiddenTitle' : m.status === 503 ? 'errors.databaseUnavailableTitle' : 'errors.title';
    // a form sent while the database was away: nothing is lost, the page keeps what was typed and sends it again
    const retry = m.status === 503 && req.method === 'POST' ? { action: req.originalUrl, fields: typedFields(req.body) } : undefined;
    const model = { title: titleKey, status: m.status, messageKey: m.messageKey, params: m.params, fieldErrors: m.fieldErrors, retry, visibleFields: retry?.fields.filter((f) => f.name !== '_csrf') };
    if (m.status === 503) res.setHeader('Retry-After', '10');
    res.status(m.status);
    if (isFragmentRequest(req)) res.render('fragments/error', { ...model, layout: false });
    else res.render('errors/error', model);
  }
}
