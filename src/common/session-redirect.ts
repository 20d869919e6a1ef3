import type { NextFunction, Request, Response } from 'express';

/**
 * Redirects only after a pending flash message, or a form kept when the session had expired, is stored. express-session saves a changed session at the end
 * of the response, but it writes the status line and headers before that save has completed; a browser follows
 * a redirect as soon as it has the Location header, so the next page could read the session before the message
 * was in it (seen under load: "connected", but without the one-time "Exact Online is gekoppeld"). For a form posted
 * after the session expired it is worse: the form's fields sit in a session that is new, so the login page, asked
 * for before that session was stored, started yet another one and what was typed was gone after logging in (seen
 * under CI load in the journeys suite; reproduced in about a third of tries with the database busy).
 */
export function saveSessionBeforeRedirect(req: Request, res: Response, next: NextFunction): void {
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = ((...args: unknown[]) => {
    if (!req.session?.flash?.length && !req.session?.pendingForm) return redirect(...args);
    req.session.save((err) => (err ? next(err) : redirect(...args)));
  }) as Response['redirect'];
  next();
}
