import passport from 'passport';
import { Strategy as OAuth2Strategy, type VerifyCallback } from 'passport-oauth2';
import type { NextFunction, Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AppConfig } from '../../config/config.js';
import { oauthUrls, parseTokenResponse, type TokenSet } from '../../exact/token.service.js';

export type OAuthOutcome = { ok: true; tokens: TokenSet } | { ok: false; reason: 'denied' | 'state' | 'error'; message?: string };

/**
 * The authorization-code flow through passport-oauth2 (state kept in the session and checked on return).
 * A Passport instance of our own, so several app instances in one process never share strategies.
 */
export class ExactOAuth {
  private readonly authenticator = new passport.Passport();
  /** Where passport-oauth2's session state store keeps the state of a started connection. */
  private readonly stateKey: string;

  constructor(config: AppConfig) {
    const urls = oauthUrls(config.exact.baseUrl);
    this.stateKey = `oauth2:${new URL(urls.authorization).hostname}`;
    const strategy = new OAuth2Strategy(
      {
        authorizationURL: urls.authorization,
        tokenURL: urls.token,
        clientID: config.exact.clientId,
        clientSecret: config.exact.clientSecret,
        callbackURL: config.exact.redirectUri,
        state: true,
      },
      (access: string, refresh: string, params: Record<string, unknown>, _profile: object, done: VerifyCallback) => {
        try {
          // node-oauth hands the tokens separately (it deletes refresh_token from params)
          done(null, parseTokenResponse({ ...params, access_token: access, refresh_token: refresh }) as unknown as Express.User);
        } catch (e) {
          done(e as Error);
        }
      },
    );
    this.authenticator.use('exact', strategy);
  }

  /** Redirects the browser to Exact's login and consent page. */
  start(req: Request, res: Response, next: NextFunction): void {
    this.authenticator.authenticate('exact', { session: false })(req, res, next);
  }

  /** Handles Exact's redirect back: code → tokens, or why not. */
  finish(req: Request, res: Response): Promise<OAuthOutcome> {
    // The state is checked before anything else of the answer is looked at: a callback that did not come from the
    // connection this session started (a crafted link) gets the fixed "state" message, never its own error text.
    const stored = (req.session as unknown as Record<string, { state?: unknown } | undefined> | undefined)?.[this.stateKey]?.state;
    const given = req.query.state;
    if (typeof stored !== 'string' || typeof given !== 'string' || !sameText(stored, given)) return Promise.resolve({ ok: false, reason: 'state' });
    return new Promise((resolve) => {
      this.authenticator.authenticate('exact', { session: false }, (err: unknown, user: TokenSet | false, info: { message?: string } | undefined, status?: number) => {
        if (err) {
          const e = err as { message?: string; oauthError?: { data?: string } };
          let detail = e.message ?? String(err);
          try {
            const data = e.oauthError?.data ? (JSON.parse(e.oauthError.data) as { error_description?: string; error?: string }) : undefined;
            if (data) detail = data.error_description ?? data.error ?? detail;
          } catch {
            /* not JSON */
          }
          return resolve({ ok: false, reason: 'error', message: detail });
        }
        if (!user) return resolve(status === 403 ? { ok: false, reason: 'state' } : { ok: false, reason: 'denied', message: info?.message });
        resolve({ ok: true, tokens: user });
      })(req, res, () => undefined);
    });
  }
}

function sameText(a: string, b: string): boolean {
  const h = (x: string) => createHash('sha256').update(x).digest();
  return timingSafeEqual(h(a), h(b));
}
