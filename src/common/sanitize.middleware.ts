import type { NextFunction, Request, Response } from 'express';

/** PostgreSQL text cannot hold NUL characters: they are removed from form/JSON bodies… */
function stripNul(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('\u0000') ? value.replace(/\u0000/g, '') : value;
  if (Array.isArray(value)) return value.map(stripNul);
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) (value as Record<string, unknown>)[k] = stripNul(v);
  }
  return value;
}

/** …and a URL carrying one is refused with 400 (it never names anything in Koppel). */
export function sanitizeInput(req: Request, res: Response, next: NextFunction): void {
  if (/%00|\u0000/.test(req.originalUrl)) {
    res.status(400).type('text/plain').send('Bad request: the address contains a NUL character.');
    return;
  }
  if (req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body)) stripNul(req.body);
  next();
}
