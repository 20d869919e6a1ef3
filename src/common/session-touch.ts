import type { Store } from 'express-session';

/**
 * A rolling session's expiry written to the store at most once per `everyMs` per session (express-session touches
 * the store on every response, and the response waits for that UPDATE: a database write on every page, fragment and
 * poll). The row then expires at most `everyMs` earlier than the cookie says; a session's data changes are saved
 * as before (`set` is not throttled), and the absolute limit of a login (SESSION_MAX_HOURS) is checked on its own.
 */
export function throttleTouch<S extends Store>(store: S, everyMs: number): S {
  const touch = store.touch?.bind(store);
  const set = store.set.bind(store);
  const destroy = store.destroy.bind(store);
  if (!touch) return store;
  /** session id → when its expiry was last written by this process */
  const written = new Map<string, number>();
  const remember = (sid: string) => {
    const now = Date.now();
    if (written.size >= 10_000) for (const [id, at] of written) if (now - at >= everyMs) written.delete(id);
    written.set(sid, now);
  };
  store.touch = (sid, sess, fn) => {
    const at = written.get(sid);
    if (at !== undefined && Date.now() - at < everyMs) {
      fn?.();
      return;
    }
    touch(sid, sess, ((err?: unknown) => {
      if (!err) remember(sid);
      (fn as ((e?: unknown) => void) | undefined)?.(err);
    }) as () => void);
  };
  store.set = (sid, sess, fn) =>
    set(sid, sess, (err?: unknown) => {
      if (!err) remember(sid);
      fn?.(err);
    });
  store.destroy = (sid, fn) => {
    written.delete(sid);
    destroy(sid, fn);
  };
  return store;
}
