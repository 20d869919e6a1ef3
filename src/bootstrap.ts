import type { NestExpressApplication } from '@nestjs/platform-express';
import { MikroORM } from '@mikro-orm/postgresql';
import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { doubleCsrf } from 'csrf-csrf';
import { SENDER_UPLOAD_PATH, senderUpload } from './modules/invoice-sender/invoice-sender.upload.js';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type pg from 'pg';
import type { Request } from 'express';
import { projectRoot } from './common/paths.js';
import { createViewEngine, VIEWS_DIR } from './common/views.js';
import { AppExceptionFilter } from './common/exception.filter.js';
import { sanitizeInput } from './common/sanitize.middleware.js';
import { CURRENT_USER_LOADER, ormContext, viewContext, type CurrentUserLoader } from './common/request-context.middleware.js';
import { APP_CONFIG, type AppConfig } from './config/config.js';
import { PG_POOL } from './database/pg-pool.js';
import { BannerRegistry, ShutdownRegistry } from './common/core.module.js';
import { deriveKey, loadMasterKey } from './common/secret-key.js';
import { webhookRawBody } from './modules/webhooks/webhook.body.js';
import { hostCheck } from './common/host-check.middleware.js';
import { saveSessionBeforeRedirect } from './common/session-redirect.js';
import { throttleTouch } from './common/session-touch.js';

const require = createRequire(import.meta.url);

/** Paths that take no session or CSRF token (machines, not people, call them). */
const MACHINE_PATHS = ['/webhooks/', '/healthz'];
const isMachinePath = (req: Request) => MACHINE_PATHS.some((p) => req.path.startsWith(p));

/** Everything main.ts and the e2e tests share: middleware order, views, static files, error mapping. */
export async function configureApp(app: NestExpressApplication): Promise<void> {
  const config = app.get<AppConfig>(APP_CONFIG);
  const pool = app.get<pg.Pool>(PG_POOL);
  const master = loadMasterKey(config);
  const express = app.getHttpAdapter().getInstance();
  // only the proxies TRUST_PROXY names may set the client address and protocol (never guessed)
  express.set('trust proxy', config.trustProxy);
  express.disable('x-powered-by');
  app.use(hostCheck(config.publicBaseUrl));

  // Nest 12: body parsers must be registered before app.use(), or middleware sees no body.
  // Exact's webhook callback keeps its raw bytes (the HMAC covers them), max 64 KB; other routes are unchanged.
  app.use('/webhooks/exact', webhookRawBody());
  app.useBodyParser('json', { limit: '1mb' });
  app.useBodyParser('urlencoded', { extended: false, limit: '1mb' });
  app.use(sanitizeInput);
  app.use(cookieParser());
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          formAction: ["'self'", config.exact.baseUrl],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: config.secureCookies ? [] : null,
        },
      },
      strictTransportSecurity: config.secureCookies,
      // the full address only to ourselves (after an expired session a form post finds its way back to its page)
      referrerPolicy: { policy: 'same-origin' },
    }),
  );

  // Static files before the session: they need no session, user, flash or CSRF token (and must not eat a flash message).
  app.useStaticAssets(join(projectRoot, 'public'), { maxAge: config.env === 'production' ? '1d' : 0 });
  app.use('/favicon.ico', (_req: Request, res: import('express').Response) => res.redirect(301, '/img/favicon.svg'));
  app.useStaticAssets(dirname(require.resolve('htmx.org/dist/htmx.min.js')), { prefix: '/vendor/htmx/' });
  app.useStaticAssets(dirname(require.resolve('sortablejs/Sortable.min.js')), { prefix: '/vendor/sortable/' });

  const PgStore = connectPgSimple(session);
  // the expiry of a session is written at most once a minute, not on every request (see session-touch.ts)
  const store = throttleTouch(new PgStore({ pool, tableName: 'session', createTableIfMissing: false, pruneSessionInterval: 15 * 60 }), 60_000);
  app.get(ShutdownRegistry).register(() => store.close());
  const sessionMiddleware = session({
    name: config.secureCookies ? '__Host-koppel.sid' : 'koppel.sid',
    secret: deriveKey(master, 'session').toString('hex'),
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, maxAge: 12 * 60 * 60 * 1000, path: '/' },
  });
  app.use((req: Request, res: import('express').Response, next: import('express').NextFunction) =>
    isMachinePath(req) ? next() : sessionMiddleware(req, res, next),
  );
  app.use(saveSessionBeforeRedirect);
  app.use(ormContext(app.get(MikroORM)));

  const csrfSecret = deriveKey(master, 'csrf').toString('hex');
  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
    getSecret: () => csrfSecret,
    getSessionIdentifier: (req) => req.session?.id ?? '',
    cookieName: config.secureCookies ? '__Host-koppel.csrf' : 'koppel.csrf',
    cookieOptions: { sameSite: 'lax', secure: config.secureCookies, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: (req) => (req.body as Record<string, string> | undefined)?._csrf ?? req.get('x-csrf-token'),
    skipCsrfProtection: isMachinePath,
  });
  const context = viewContext(app.get<CurrentUserLoader>(CURRENT_USER_LOADER), (rq, rs) => generateCsrfToken(rq, rs), config, app.get(BannerRegistry));
  app.use((req: Request, res: import('express').Response, next: import('express').NextFunction) =>
    isMachinePath(req) ? next() : context(req, res, next),
  );
  // multipart forms (the invoice sender's logo) are parsed before the CSRF check, which reads `_csrf` from the body
  app.use(SENDER_UPLOAD_PATH, senderUpload);
  app.use(doubleCsrfProtection);

  const hbs = createViewEngine();
  // compiled templates and partials are kept (express only does that by itself when process.env.NODE_ENV is
  // "production"); in development they are read again on every render so edits show at once
  if (config.env !== 'development') express.enable('view cache');
  app.engine('hbs', hbs.engine);
  app.setViewEngine('hbs');
  app.setBaseViewsDir(VIEWS_DIR);
  app.useGlobalFilters(new AppExceptionFilter());
}
