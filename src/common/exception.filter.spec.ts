import { describe, expect, it } from '@jest/globals';
import type { ArgumentsHost } from '@nestjs/common';
import { AppExceptionFilter } from './exception.filter.js';
import { NotFoundError, ValidationError } from './errors.js';

/** A request/response pair as express gives them to the filter (only what the filter reads). */
function host(headers: Record<string, string> = {}, path = '/settings/locations') {
  const out: { status?: number; view?: string; model?: Record<string, unknown>; json?: unknown } = {};
  const req = {
    method: 'GET',
    path,
    originalUrl: path,
    get: (h: string) => headers[h.toLowerCase()],
    accepts: (t: string) => (t === 'html' ? !headers.accept?.includes('json') : headers.accept?.includes('json')),
  };
  const res = {
    headersSent: false,
    locals: {},
    status(s: number) {
      out.status = s;
      return this;
    },
    render(view: string, model: Record<string, unknown>) {
      out.view = view;
      out.model = model;
    },
    json(body: unknown) {
      out.json = body;
    },
    setHeader: () => undefined,
    end: () => undefined,
    redirect: () => undefined,
  };
  const h = { switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }) } as unknown as ArgumentsHost;
  return { h, out };
}

describe('AppExceptionFilter', () => {
  const filter = new AppExceptionFilter();
  (filter as unknown as { logger: { error: () => void } }).logger = { error: () => undefined };

  it('renders an unexpected error as a full 500 page, without details', () => {
    const { h, out } = host();
    filter.catch(new Error('boom: secret detail'), h);
    expect(out.status).toBe(500);
    expect(out.view).toBe('errors/error');
    expect(out.model?.messageKey).toBe('errors.server');
    expect(JSON.stringify(out.model)).not.toContain('secret detail');
  });

  it('renders it as a fragment when htmx asks for a part of the page', () => {
    const { h, out } = host({ 'hx-request': 'true' });
    filter.catch(new Error('boom'), h);
    expect(out.status).toBe(500);
    expect(out.view).toBe('fragments/error');
    expect(out.model?.layout).toBe(false);
  });

  it('maps typed errors to their status, and answers JSON clients with JSON', () => {
    let { h, out } = host();
    filter.catch(new NotFoundError('Location'), h);
    expect([out.status, out.view]).toEqual([404, 'errors/error']);
    ({ h, out } = host({ accept: 'application/json' }, '/webhooks/exact'));
    filter.catch(new ValidationError({ name: ['validation.required'] }), h);
    expect(out.status).toBe(422);
    expect(out.json).toEqual({ error: { code: 'validation', message: 'errors.validation', fields: { name: ['validation.required'] } } });
  });
});
