/**
 * The one check for every `next` or return address Koppel redirects to: only a path on Koppel's own
 * origin (PUBLIC_BASE_URL) passes. The value is parsed the way a browser would (a backslash counts as a
 * slash, `/\evil.example/` is another host), and what comes back is the parsed path, never the raw text.
 */
export function sameOriginPath(value: unknown, publicBaseUrl: string, fallback = '/'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2000 || !value.startsWith('/')) return fallback;
  // control characters and backslashes have no place in a path we render ourselves
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return fallback;
  let base: URL;
  let url: URL;
  try {
    base = new URL(publicBaseUrl);
    url = new URL(value, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base.origin) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // a path that starts with two slashes is read as another host by browsers
  return path.startsWith('//') || !path.startsWith('/') ? fallback : path;
}
