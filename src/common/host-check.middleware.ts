import type { NextFunction, Request, Response } from 'express';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** Is this address the machine itself? (127.0.0.0/8, ::1, and IPv4 mapped into IPv6) */
export function isLoopbackAddress(ip: string | undefined): boolean {
  if (!ip) return false;
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/**
 * Refuses requests whose Host header is neither PUBLIC_BASE_URL's host nor a loopback name with the port
 * Koppel answered on. A page on another site whose name was re-pointed at this machine (DNS rebinding)
 * sends its own name as Host, so it never reaches Koppel's pages. /healthz stays open to any Host
 * (orchestrators probe it by address; it reveals nothing).
 */
export function hostCheck(publicBaseUrl: string) {
  const publicHost = new URL(publicBaseUrl).host.toLowerCase();
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path === '/healthz') return next();
    const host = (req.headers.host ?? '').toLowerCase();
    if (host === publicHost) return next();
    const port = req.socket.localPort;
    const ok = LOOPBACK_NAMES.some((name) => host === `${name}:${port}` || (port === 80 && host === name));
    if (ok) return next();
    res.status(421).type('text/plain').send('Misdirected request: this address is not the one Koppel is configured for (PUBLIC_BASE_URL).');
  };
}
