import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import passport from 'passport';
import { Strategy as OAuth2Strategy } from 'passport-oauth2';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { oauthUrls, parseTokenResponse, type TokenSet } from '../../exact/token.service.js';

let instances = 0;

/**
 * Exact Online's authorization-code flow as a Passport strategy (passport-oauth2 through @nestjs/passport): the state
 * is kept in the session and checked on return; the code is exchanged for tokens at Exact's token endpoint.
 * Passport keeps strategies in one process-wide registry, so each app instance registers its own under a name of its
 * own (two apps in one process, as the tests run them, never use each other's settings) and removes it on close.
 */
@Injectable()
export class ExactOAuthStrategy extends PassportStrategy(OAuth2Strategy, 'exact', 5) implements OnModuleDestroy {
  /** The name ExactOAuthGuard authenticates with. */
  readonly strategyName: string;
  /** Where passport-oauth2's session state store keeps the state of a started connection. */
  readonly stateKey: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const urls = oauthUrls(config.exact.baseUrl);
    super({
      authorizationURL: urls.authorization,
      tokenURL: urls.token,
      clientID: config.exact.clientId,
      clientSecret: config.exact.clientSecret,
      callbackURL: config.exact.redirectUri,
      state: true,
    });
    this.strategyName = `exact-${++instances}`;
    passport.unuse('exact');
    passport.use(this.strategyName, this);
    this.stateKey = `oauth2:${new URL(urls.authorization).hostname}`;
  }

  /** The tokens Exact answered with (node-oauth hands them separately: it deletes refresh_token from params). Arity 5
   * (declared above) makes passport-oauth2 pass the token response's params. */
  validate(access: string, refresh: string, params: Record<string, unknown>): TokenSet {
    return parseTokenResponse({ ...params, access_token: access, refresh_token: refresh });
  }

  onModuleDestroy(): void {
    passport.unuse(this.strategyName);
  }
}
