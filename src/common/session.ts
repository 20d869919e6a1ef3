import type { Request } from 'express';
import './pending-form.js';

/** Starts a fresh session for the user (a new id against session fixation). */
export function establishSession(req: Request, user: { id: number; language: string }): Promise<void> {
  const flash = req.session.flash;
  const pendingForm = req.session.pendingForm; // what was typed before the session expired, restored after login
  return new Promise((resolve, reject) =>
    req.session.regenerate((err) => {
      if (err) return reject(err);
      req.session.userId = user.id;
      req.session.lang = user.language;
      req.session.initialised = true;
      req.session.createdAt = Date.now();
      req.session.flash = flash;
      req.session.pendingForm = pendingForm;
      req.session.save((e) => (e ? reject(e) : resolve()));
    }),
  );
}

/** Drops the session's data and gives the request a fresh, empty session (saved only when something is put in it). */
export function resetSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}

export function destroySession(req: Request): Promise<void> {
  return new Promise((resolve) => req.session.destroy(() => resolve()));
}
