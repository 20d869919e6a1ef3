import { Body, Controller, Get, Inject, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from './guards.js';
import { AuthService } from './auth.service.js';
import { SetupCodeService } from './setup-code.service.js';
import { UserAccounts } from './auth.types.js';
import { LanguageForm, LoginForm, SetupForm } from './auth.form.js';
import { parseForm } from '../../common/validation.js';
import { render } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { DomainError, ValidationError } from '../../common/errors.js';
import { destroySession, establishSession } from '../../common/session.js';
import { isLang, type Lang } from '../../common/i18n/i18n.js';
import { sameOriginPath } from '../../common/return-path.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';

@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UserAccounts,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly setupCode: SetupCodeService,
  ) {}

  private safeNext(next: unknown): string {
    return sameOriginPath(next, this.config.publicBaseUrl);
  }

  @Public()
  @Get('login')
  async loginPage(@Req() req: Request, @Res() res: Response, @Query() query: Record<string, unknown>) {
    const next = this.safeNext(query.next);
    if (req.user) return res.redirect(303, next);
    if ((await this.users.count()) === 0) return res.redirect(303, '/setup');
    // say why the login page is shown: after "log out", or because the session had expired
    const notice = query.loggedOut === '1' ? 'auth.loggedOut' : query.expired === '1' ? 'auth.expired' : undefined;
    render(req, res, 'auth/login', { title: 'auth.loginTitle', next, values: {}, notice });
  }

  @Public()
  @Post('login')
  async login(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const input = parseForm(LoginForm, body);
    const next = this.safeNext(body.next);
    try {
      const user = await this.auth.authenticate(input.email, input.password, req.ip ?? 'unknown');
      await establishSession(req, user);
      flash(req, 'success', 'auth.welcome', { name: user.name });
      res.redirect(303, next);
    } catch (e) {
      if (!(e instanceof DomainError) || (e.status !== 401 && e.status !== 429)) throw e;
      render(req, res, 'auth/login', {
        title: 'auth.loginTitle',
        next,
        values: { email: input.email },
        error: { key: e.userMessageKey, params: e.userMessageParams },
      }, { status: e.status });
    }
  }

  @Post('logout')
  async logout(@Req() req: Request, @Res() res: Response) {
    await destroySession(req);
    res.redirect(303, '/login?loggedOut=1');
  }

  @Public()
  @Get('setup')
  async setupPage(@Req() req: Request, @Res() res: Response) {
    if ((await this.users.count()) > 0) return res.redirect(303, '/login');
    const needsCode = this.setupCode.needsCode(req);
    if (needsCode) this.setupCode.issue(req);
    render(req, res, 'auth/setup', { title: 'auth.setupTitle', values: {}, needsCode });
  }

  @Public()
  @Post('setup')
  async setup(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const needsCode = this.setupCode.needsCode(req);
    try {
      const input = parseForm(SetupForm, body);
      if (needsCode && !this.setupCode.check(body.setupCode)) throw new ValidationError({ setupCode: ['auth.setupCodeWrong'] });
      const lang: Lang = isLang(req.session.lang) ? req.session.lang : 'nl';
      const user = await this.users.createFirstAdmin(input, lang);
      this.setupCode.spend();
      await establishSession(req, user);
      flash(req, 'success', 'auth.setupDone');
      res.redirect(303, '/');
    } catch (e) {
      if (e instanceof ValidationError) {
        if (needsCode) this.setupCode.issue(req); // after ten wrong codes a new one is printed
        return render(req, res, 'auth/setup', { title: 'auth.setupTitle', values: { email: body.email, name: body.name }, errors: e.fieldErrors, needsCode }, { status: 422 });
      }
      if (e instanceof DomainError && e.status === 409) {
        flash(req, 'info', 'auth.setupClosed');
        return res.redirect(303, '/login');
      }
      throw e;
    }
  }

  /** Language switch: stored on the user when logged in, else in the session. */
  @Public()
  @Post('language')
  async language(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const { language } = parseForm(LanguageForm, body);
    req.session.lang = language;
    if (req.user) await this.users.setLanguage(req.user.id, language);
    const back = this.safeNext(body.back);
    res.redirect(303, back);
  }
}
