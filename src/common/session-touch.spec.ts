import { afterEach, describe, expect, it, jest } from '@jest/globals';
import session from 'express-session';
import { throttleTouch } from './session-touch.js';

/** express-session's own MemoryStore, its touch counted: how often the expiry really reaches the store. */
function countedStore() {
  const store = new session.MemoryStore();
  const writes: string[] = [];
  const touch = store.touch.bind(store);
  store.touch = (sid, sess, fn) => {
    writes.push(sid);
    touch(sid, sess, fn);
  };
  return { store: throttleTouch(store, 60_000), writes };
}

const sess = () => ({ cookie: { originalMaxAge: 3_600_000, expires: new Date(Date.now() + 3_600_000) } }) as session.SessionData;
const done = (f: (fn: () => void) => void) => new Promise<void>((resolve) => f(() => resolve()));

describe('throttleTouch', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('writes a session expiry once per minute, then again after the minute', async () => {
    jest.useFakeTimers({ now: Date.parse('2026-12-02T08:00:00Z'), doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const { store, writes } = countedStore();
    await done((fn) => store.set('a', sess(), fn));
    await done((fn) => store.touch!('a', sess(), fn)); // just saved: the expiry is already fresh
    expect(writes).toEqual([]);
    jest.setSystemTime(Date.parse('2026-12-02T08:01:00Z'));
    await done((fn) => store.touch!('a', sess(), fn));
    await done((fn) => store.touch!('a', sess(), fn));
    expect(writes).toEqual(['a']);
    await done((fn) => store.touch!('b', sess(), fn)); // another session has its own clock
    expect(writes).toEqual(['a', 'b']);
  });

  it('forgets a destroyed session: a new session under that id has its expiry written', async () => {
    const { store, writes } = countedStore();
    await done((fn) => store.touch!('a', sess(), fn));
    await done((fn) => store.destroy('a', fn));
    await done((fn) => store.touch!('a', sess(), fn));
    expect(writes).toEqual(['a', 'a']);
  });
});
