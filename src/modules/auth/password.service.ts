import { Injectable } from '@nestjs/common';
import { hash, verify, Algorithm } from '@node-rs/argon2';
import { availableParallelism } from 'node:os';
import { TooManyRequestsError } from '../../common/errors.js';

const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };

/** Hashes computed at once (each takes ~19 MB and a core for tens of milliseconds). */
export const MAX_PARALLEL_HASHES = Math.max(1, Math.min(4, availableParallelism()));
/** Hashes that may wait for a slot; more at once are refused with 429 instead of piling up. */
export const MAX_WAITING_HASHES = 32;

/** argon2id password hashing (OWASP's recommended parameters), with a bounded number of hashes at once. */
@Injectable()
export class PasswordService {
  private dummy?: Promise<string>;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** The most hashes that ran at the same time (for the tests and the logs). */
  peakParallel = 0;

  private async bounded<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= MAX_PARALLEL_HASHES) {
      if (this.waiting.length >= MAX_WAITING_HASHES) throw new TooManyRequestsError('password hashing busy', 'auth.busy', {});
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.running++;
    this.peakParallel = Math.max(this.peakParallel, this.running);
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight to the next waiter
      else this.running--;
    }
  }

  hash(password: string): Promise<string> {
    return this.bounded(() => hash(password, OPTIONS));
  }

  async verify(hashed: string | undefined, password: string): Promise<boolean> {
    // Unknown accounts are checked against a dummy hash so that timing does not reveal them.
    const target = hashed ?? (await (this.dummy ??= hash('no-such-account-dummy-password', OPTIONS)));
    return this.bounded(async () => {
      try {
        return (await verify(target, password)) && hashed !== undefined;
      } catch {
        return false;
      }
    });
  }
}
