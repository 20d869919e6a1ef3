import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, ValidationError } from './errors.js';
import { isFragmentRequest } from './views.js';
import { keepPendingForm, returnPage } from './pending-form.js';

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
    if (m.status >= 500) this.logger.error(`${req.method} ${req.originalUrl}: ${(exception as Error)?.stack ?? String(exception)}`);
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
    const titleKey = m.status === 404 ? 'errors.notFoundTitle' : m.status === 403 ? 'errors.forbiddenTitle' : 'errors.title';
    const model = { title: titleKey, status: m.status, messageKey: m.messageKey, params: m.params, fieldErrors: m.fieldErrors };
    res.status(m.status);
    if (isFragmentRequest(req)) res.render('fragments/error', { ...model, layout: false });
    else res.render('errors/error', model);
  }
}
