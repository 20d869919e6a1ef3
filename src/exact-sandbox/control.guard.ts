import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/**
 * Guard of the /_sandbox control API (docs/sandbox.md "Security of the control API"):
 * - the Host header must be a loopback name with the sandbox's own port (stops DNS rebinding and foreign hosts);
 * - a request that changes something (any method but GET/HEAD/OPTIONS) must be `Content-Type: application/json`,
 *   which a web page on another site cannot send without a CORS preflight that the sandbox never grants;
 * - with a control token set (SANDBOX_CONTROL_TOKEN), every /_sandbox/* call needs `Authorization: Bearer <token>`.
 *   The control page itself (GET /_sandbox, static HTML without data) stays reachable so it can ask for the token.
 */

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

export interface ControlGuardOptions {
  /** the port the sandbox listens on (known after listen) */
  port: () => number;
  token?: string;
}

export function loopbackHostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const h = host.trim().toLowerCase();
  return LOOPBACK_NAMES.some((name) => h === `${name}:${port}` || (port === 80 && h === name));
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function isJson(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0].trim().toLowerCase() === 'application/json';
}

function refuse(res: Response, status: number, reason: string, error: string): void {
  res.status(status).set('Reason', reason).json({ error });
}

export function controlGuard(opts: ControlGuardOptions) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!loopbackHostAllowed(req.headers.host, opts.port())) {
      return refuse(res, 403, 'ForeignHost', `The control API answers only on localhost, 127.0.0.1 or [::1] with port ${opts.port()}.`);
    }
    const method = req.method.toUpperCase();
    const isPage = method === 'GET' && (req.path === '/' || req.path === '');
    if (opts.token && !isPage && !tokenMatches(req.headers.authorization, opts.token)) {
      res.set('WWW-Authenticate', 'Bearer realm="sandbox-control"');
      return refuse(res, 401, 'ControlTokenRequired', 'This sandbox requires its control token (SANDBOX_CONTROL_TOKEN) as a bearer token.');
    }
    if (!['GET', 'HEAD', 'OPTIONS'].includes(method) && !isJson(req.headers['content-type'])) {
      return refuse(res, 415, 'JsonRequired', 'Control requests that change something must have Content-Type: application/json.');
    }
    next();
  };
}
