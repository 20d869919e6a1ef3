import { ExactNetworkError, ExactServerError } from './errors.js';

/**
 * A write whose outcome we do not know: the connection broke or timed out, or Exact answered 5xx. Exact may have stored
 * it, so it is never simply sent again; it is looked up by our own reference first.
 */
export function unclearOutcome(e: unknown): boolean {
  return e instanceof ExactNetworkError || e instanceof ExactServerError;
}

/**
 * Where the caller keeps its intent (its own table: the invoice export ledger, …). Each method commits before it
 * returns, so a process killed at any point leaves either no intent, an open intent, or the finished record.
 */
export interface WriteIntent<T> {
  /** An earlier attempt recorded its intent and never learnt the outcome: look up before posting again. */
  readonly pending: boolean;
  /** Record (and commit) the intent, before the POST leaves. */
  record(): Promise<void>;
  /** Record (and commit) the result: created now, or found in Exact by our reference. */
  done(value: T, how: 'created' | 'found'): Promise<void>;
  /** Exact definitely refused and holds nothing of ours: the intent may go (committed by the caller's error path). */
  refused(): void | Promise<void>;
}

export interface WriteOnce<T> {
  /** Without an intent the reference in the record itself (an account's Code) is what makes a retry safe. */
  intent?: WriteIntent<T>;
  /** Finds the record by our own reference (entry number + YourRef, document subject, account Code, …). */
  lookup(): Promise<T | undefined>;
  /** The one POST. Never retried blindly. */
  post(): Promise<T>;
  /**
   * After an unclear outcome: look up right away (true), or keep the intent and let the next attempt look up first
   * (false, the default: the record may still be on its way into Exact).
   */
  lookUpAfterUnclear?: boolean;
  /** Which definite refusals may mean "it is already there" (e.g. "Boekstuknummer … bestaat al"). Default: every one. */
  mayAlreadyExist?(e: unknown): boolean;
}

export type WriteOutcome<T> = { value: T; how: 'created' | 'found' | 'found_after_unclear' };

/**
 * The exactly-once write to Exact: intent first, then — if an earlier attempt ended unclearly — a look-up by our own
 * reference, then the POST; after an "already exists" refusal (and, when asked, after an unclear outcome) one more
 * look-up settles it before anything is reported as failed. A failed look-up at that point leaves the POST's error
 * standing. An unclear outcome keeps the intent, a definite refusal clears it.
 */
export async function writeOnce<T>(w: WriteOnce<T>): Promise<WriteOutcome<T>> {
  if (w.intent?.pending) {
    const found = await w.lookup();
    if (found) {
      await w.intent.done(found, 'found');
      return { value: found, how: 'found' };
    }
  }
  await w.intent?.record();
  let value: T;
  try {
    value = await w.post();
  } catch (e) {
    const unclear = unclearOutcome(e);
    if (unclear ? w.lookUpAfterUnclear : (w.mayAlreadyExist?.(e) ?? true)) {
      const found = await w.lookup().catch(() => undefined);
      if (found) {
        await w.intent?.done(found, 'found');
        return { value: found, how: unclear ? 'found_after_unclear' : 'found' };
      }
    }
    if (!unclear) await w.intent?.refused();
    throw e;
  }
  await w.intent?.done(value, 'created');
  return { value, how: 'created' };
}
