import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { TokenSet } from '../../exact/token.service.js';
import { ExactOAuthStrategy } from './exact-oauth.strategy.js';

export type OAuthOutcome = { ok: true; tokens: TokenSet } | { ok: false; reason: 'denied' | 'state' | 'error'; message?: string };

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** What ExactOAuthGuard found: the tokens, or why there are none (never the logged-in user's req.user). */
      exactOAuth?: OAuthOutcome;
    }
  }
}

/**
 * The Exact connection through Passport. On "Connect" (a POST, behind the CSRF check) it sends the browser to Exact's
 * consent page and the route's handler does not run. On Exact's redirect back (a GET) it first checks the state against
 * the one this session started, before anything else of the answer is looked at (a crafted link gets the fixed
 * "state" message, never its own error text), then lets passport-oauth2 exchange the code. Either way the handler gets
 * the outcome in req.exactOAuth; the guard itself never refuses (the handler shows why the connection failed).
 */
@Injectable()
export class ExactOAuthGuard extends AuthGuard() {
  constructor(private readonly strategy: ExactOAuthStrategy) {
    super({ defaultStrategy: strategy.strategyName, session: false, property: 'exactOAuth' });
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    if (req.method === 'GET' && !this.stateMatches(req)) {
      req.exactOAuth = { ok: false, reason: 'state' };
      return true;
    }
    return super.canActivate(context) as Promise<boolean>;
  }

  private stateMatches(req: Request): boolean {
    const stored = (req.session as unknown as Record<string, { state?: unknown } | undefined> | undefined)?.[this.strategy.stateKey]?.state;
    const given = req.query.state;
    return typeof stored === 'string' && typeof given === 'string' && sameText(stored, given);
  }

  override handleRequest<T = OAuthOutcome>(err: unknown, user: TokenSet | false, info: { message?: string } | undefined, _context: ExecutionContext, status?: number): T {
    if (err) return { ok: false, reason: 'error', message: errorDetail(err) } as T;
    if (!user) return (status === 403 ? { ok: false, reason: 'state' } : { ok: false, reason: 'denied', message: info?.message }) as T;
    return { ok: true, tokens: user } as T;
  }
}

/** Exact's own words for a failed token exchange (its error_description), else the error's message. */
function errorDetail(err: unknown): string {
  const e = err as { message?: string; oauthError?: { data?: string } };
  let detail = e.message ?? String(err);
  try {
    const data = e.oauthError?.data ? (JSON.parse(e.oauthError.data) as { error_description?: string; error?: string }) : undefined;
    if (data) detail = data.error_description ?? data.error ?? detail;
  } catch {
    /* not JSON */
  }
  return detail;
}

function sameText(a: string, b: string): boolean {
  const h = (x: string) => createHash('sha256').update(x).digest();
  return timingSafeEqual(h(a), h(b));
}
