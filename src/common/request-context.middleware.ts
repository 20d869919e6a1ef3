import type { NextFunction, Request, Response } from 'express';
import { MikroORM, RequestContext } from '@mikro-orm/postgresql';
import { DEFAULT_LANGUAGE, isLang, langFromHeader, translator, type Lang } from './i18n/i18n.js';
import { takeFlash } from './flash.js';
import { resetSession } from './session.js';
import { jsonForScript, takePendingForm } from './pending-form.js';
import { MAIN_NAV, PLANNING_NAV, SETTINGS_NAV, navFor } from './navigation.js';
import type { AppConfig } from '../config/config.js';
import type { BannerRegistry } from './core.module.js';

/** Loads the logged-in user of a session: the user, or undefined when it no longer exists or is disabled. */
export type CurrentUserLoader = (id: number) => Promise<Express.User | undefined>;
/** The provider token of the CurrentUserLoader (the auth module provides it; src/common imports no module). */
export const CURRENT_USER_LOADER = Symbol('CurrentUserLoader');

/** A fresh MikroORM identity map per request (one unit of work per request). */
export function ormContext(orm: MikroORM) {
  return (_req: Request, _res: Response, next: NextFunction) => RequestContext.create(orm.em, next);
}

/**
 * Loads the logged-in user, picks the language (user → session → Accept-Language) and
 * fills res.locals for every view: t, lang, user, flash, csrf token, navigation.
 */
export function viewContext(loadUser: CurrentUserLoader, csrfToken: (req: Request, res: Response) => string, config: AppConfig, banners: BannerRegistry) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      // a login lasts SESSION_MAX_HOURS at most, however active it is (sessions from before have no start: expired)
      if (req.session?.userId && !(typeof req.session.createdAt === 'number' && Date.now() - req.session.createdAt < config.sessionMaxAgeMs)) {
        await resetSession(req);
      }
      const id = req.session?.userId;
      if (id) {
        const user = await loadUser(id);
        if (user) req.user = user;
        else delete req.session.userId;
      }
      const lang: Lang = req.user?.language ?? (isLang(req.session?.lang) ? req.session.lang : langFromHeader(req.get('accept-language')));
      // a stable session id for the CSRF token, but a session row for an anonymous visitor only on the pages that need
      // one for their form (login, first run); any other anonymous request leaves nothing behind
      if (req.session && !req.session.initialised && (req.path === '/login' || req.path === '/setup')) req.session.initialised = true;
      // pages of a logged-in user are never kept by a browser or proxy cache
      if (req.user) res.setHeader('Cache-Control', 'no-store');
      const t = translator(lang ?? DEFAULT_LANGUAGE);
      const isDocument = req.method === 'GET' && req.get('HX-Request') !== 'true' && (req.get('Sec-Fetch-Dest') ?? 'document') === 'document';
      // what was typed before the session expired, given back to the form on this page (public/js/app.js fills it in)
      const pending = isDocument ? takePendingForm(req) : undefined;
      Object.assign(res.locals, {
        t,
        lang,
        user: req.user,
        isAdmin: req.user?.role === 'admin',
        mainNav: navFor(MAIN_NAV, req.user?.role),
        settingsNavItems: navFor(SETTINGS_NAV, req.user?.role),
        planningNavItems: navFor(PLANNING_NAV, req.user?.role),
        path: req.path,
        // shown once, on the next page the browser navigates to (not on an htmx swap, an image or a favicon)
        flash: isDocument ? [...takeFlash(req), ...(pending ? [{ kind: 'info', key: 'auth.formRestored' }] : [])] : [],
        pendingForm: pending ? jsonForScript({ action: pending.action, fields: pending.fields }) : undefined,
        csrfToken: csrfToken(req, res),
        appVersion: config.appVersion,
        sandbox: config.exact.sandbox,
        banners: req.user && req.method === 'GET' && req.get('HX-Request') !== 'true' ? await banners.collect(req.user) : [],
      });
      next();
    } catch (e) {
      next(e);
    }
  };
}
