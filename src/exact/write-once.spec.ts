import { describe, expect, it } from '@jest/globals';
import { unclearOutcome, writeOnce, type WriteIntent } from './write-once.js';
import { ExactAuthError, ExactNetworkError, ExactRateLimitError, ExactServerError, ExactValidationError } from './errors.js';

/**
 * A fake Exact with one collection and the caller's intent row, both in memory: the spec follows what is in "Exact"
 * and what is committed in "our table" after each way a POST can end.
 */
function world(opts: { pending?: boolean } = {}) {
  const exact: string[] = [];
  const events: string[] = [];
  const row = { pending: opts.pending ?? false, id: null as string | null };
  const intent: WriteIntent<string> = {
    get pending() {
      return row.pending;
    },
    record: async () => {
      row.pending = true;
      events.push('intent');
    },
    done: async (id, how) => {
      row.pending = false;
      row.id = id;
      events.push(`${how}:${id}`);
    },
    refused: () => {
      row.pending = false;
      events.push('refused');
    },
  };
  let lookups = 0;
  const lookup = async () => {
    lookups++;
    events.push('lookup');
    return exact.find((x) => x === 'ours');
  };
  return { exact, events, row, intent, lookup, lookups: () => lookups };
}

describe('writeOnce: the exactly-once write', () => {
  it('records the intent before the POST and the result after it', async () => {
    const w = world();
    const r = await writeOnce({
      intent: w.intent,
      lookup: w.lookup,
      post: async () => {
        expect(w.row.pending).toBe(true); // committed before the request leaves
        w.exact.push('ours');
        w.events.push('post');
        return 'ours';
      },
    });
    expect(r).toEqual({ value: 'ours', how: 'created' });
    expect(w.events).toEqual(['intent', 'post', 'created:ours']);
    expect(w.row).toEqual({ pending: false, id: 'ours' });
  });

  it('after an unclear outcome keeps the intent; the next attempt finds the record instead of posting it twice', async () => {
    const w = world();
    let posts = 0;
    const post = async () => {
      posts++;
      w.exact.push('ours'); // Exact stored it…
      throw new ExactNetworkError('socket hang up'); // …but the answer never came
    };
    await expect(writeOnce({ intent: w.intent, lookup: w.lookup, post })).rejects.toBeInstanceOf(ExactNetworkError);
    expect(w.row.pending).toBe(true);
    expect(w.lookups()).toBe(0); // by default the look-up waits for the next attempt

    const again = await writeOnce({ intent: w.intent, lookup: w.lookup, post });
    expect(again).toEqual({ value: 'ours', how: 'found' });
    expect(posts).toBe(1);
    expect(w.exact).toEqual(['ours']);
    expect(w.row).toEqual({ pending: false, id: 'ours' });
  });

  it('a pending intent whose record is not in Exact is posted (the earlier attempt never arrived)', async () => {
    const w = world({ pending: true });
    const r = await writeOnce({ intent: w.intent, lookup: w.lookup, post: async () => (w.exact.push('ours'), 'ours') });
    expect(r.how).toBe('created');
    expect(w.events).toEqual(['lookup', 'intent', 'created:ours']);
  });

  it('looks up right after an unclear outcome when asked to', async () => {
    const w = world();
    const r = await writeOnce({
      lookup: w.lookup,
      lookUpAfterUnclear: true,
      post: async () => {
        w.exact.push('ours');
        throw new ExactServerError(503, 'busy');
      },
    });
    expect(r).toEqual({ value: 'ours', how: 'found_after_unclear' });
  });

  it('an "already exists" refusal is settled by one look-up by our own reference', async () => {
    const w = world();
    w.exact.push('ours'); // an earlier sender's request landed after all
    const r = await writeOnce({ intent: w.intent, lookup: w.lookup, post: async () => Promise.reject(new ExactValidationError('Boekstuknummer 7 bestaat al')) });
    expect(r).toEqual({ value: 'ours', how: 'found' });
    expect(w.events).toEqual(['intent', 'lookup', 'found:ours']);
  });

  it('a definite refusal that is not ours clears the intent and reports Exact\'s error', async () => {
    const w = world();
    const refusal = new ExactValidationError('Relatie is geblokkeerd');
    await expect(writeOnce({ intent: w.intent, lookup: w.lookup, post: async () => Promise.reject(refusal) })).rejects.toBe(refusal);
    expect(w.row).toEqual({ pending: false, id: null });
    expect(w.events).toEqual(['intent', 'lookup', 'refused']);
  });

  it('mayAlreadyExist limits which refusals are looked up', async () => {
    const w = world();
    w.exact.push('ours');
    const post = async () => Promise.reject(new ExactValidationError('Code bestaat al'));
    await expect(writeOnce({ lookup: w.lookup, post, mayAlreadyExist: () => false })).rejects.toBeInstanceOf(ExactValidationError);
    expect(w.lookups()).toBe(0);
    await expect(writeOnce({ lookup: w.lookup, post, mayAlreadyExist: (e) => /bestaat al/.test((e as ExactValidationError).exactMessage ?? '') })).resolves.toMatchObject({ how: 'found' });
  });

  it('a failing look-up after a refusal leaves the POST\'s error standing', async () => {
    const refusal = new ExactValidationError('nope');
    await expect(
      writeOnce({ lookup: async () => Promise.reject(new ExactServerError(500, 'down')), post: async () => Promise.reject(refusal) }),
    ).rejects.toBe(refusal);
  });

  it('a failing look-up of a pending intent stops the attempt before anything is posted', async () => {
    const w = world({ pending: true });
    let posted = false;
    await expect(
      writeOnce({ intent: w.intent, lookup: async () => Promise.reject(new ExactNetworkError('down')), post: async () => ((posted = true), 'x') }),
    ).rejects.toBeInstanceOf(ExactNetworkError);
    expect(posted).toBe(false);
    expect(w.row.pending).toBe(true);
  });

  it('knows which outcomes are unclear', () => {
    expect(unclearOutcome(new ExactNetworkError('reset'))).toBe(true);
    expect(unclearOutcome(new ExactServerError(502, 'bad gateway'))).toBe(true);
    expect(unclearOutcome(new ExactValidationError('no'))).toBe(false);
    expect(unclearOutcome(new ExactRateLimitError(0, undefined))).toBe(false); // a 429 was not processed
    expect(unclearOutcome(new ExactAuthError('refused'))).toBe(false);
    expect(unclearOutcome(new Error('our bug'))).toBe(false);
  });
});
