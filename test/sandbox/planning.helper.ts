import { createServer, type Server } from 'node:http';

/** rows of a collection answer: accepts both {"d":{"results":[…]}} and the bare {"d":[…]} (API.md §3.2) */
export function rows<T = any>(body: { d?: unknown }): T[] {
  const d = body.d as { results?: T[] } | T[] | undefined;
  if (Array.isArray(d)) return d;
  if (d && Array.isArray(d.results)) return d.results;
  throw new Error(`not a collection: ${JSON.stringify(body).slice(0, 200)}`);
}

export interface Received { body: string; at: number }

/** a local webhook receiver (answers 200) */
export async function receiver() {
  const got: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
    req.on('end', () => { got.push({ body, at: Date.now() }); res.statusCode = 200; res.end(); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const contents = () => got.filter((g) => g.body).map((g) => (JSON.parse(g.body) as { Content: Record<string, unknown> }).Content);
  return { got, contents, url: `http://127.0.0.1:${port}/hook`, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

/** polls until fn returns a truthy value (no fixed sleeps) */
export async function waitFor<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timeout waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const NO_GUID = "guid'00000000-0000-0000-0000-000000000000'";
