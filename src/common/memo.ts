/**
 * `fn` remembered per argument, at most `limit` results (all forgotten at once when full): for pure conversions a
 * page asks thousands of times with a few dozen different arguments (days, due labels, texts).
 */
export function memoize<K, V>(fn: (key: K) => V, limit = 10_000): (key: K) => V {
  const seen = new Map<K, V>();
  return (key) => {
    let value = seen.get(key);
    if (value === undefined && !seen.has(key)) {
      if (seen.size >= limit) seen.clear();
      seen.set(key, (value = fn(key)));
    }
    return value as V;
  };
}
