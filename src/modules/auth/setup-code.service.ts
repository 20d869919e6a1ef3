import { Injectable } from '@nestjs/common';
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { isLoopbackAddress } from '../../common/host-check.middleware.js';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I
const MAX_WRONG = 10;

/**
 * The first-run page opened from anywhere but the machine itself asks for a one-time code that Koppel
 * prints in its log (whoever can read the log runs this installation). Opened on the machine itself
 * (a loopback client address) it needs none. The code lives in this process and is replaced after
 * ten wrong tries; `npm run koppel -- user:create` needs no code at all.
 */
@Injectable()
export class SetupCodeService {
  private code?: string;
  private wrong = 0;

  /** Is the request from another machine (then the setup page asks for the code)? */
  needsCode(req: Request): boolean {
    return !isLoopbackAddress(req.ip ?? req.socket.remoteAddress);
  }

  /** Makes sure a code exists and has been printed in the log. */
  issue(req: Request): void {
    if (this.code) return;
    let code = '';
    for (let i = 0; i < 12; i++) code += ALPHABET[randomInt(ALPHABET.length)];
    this.code = `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
    this.wrong = 0;
    // printed whatever LOG_LEVEL is: without it nobody can finish the first run from another machine
    process.stderr.write(
      `[Koppel] The first-run page was opened from ${req.ip ?? 'another machine'}. One-time setup code: ${this.code}\n`,
    );
  }

  /** Checks a typed code (case, spaces and dashes do not matter). */
  check(given: unknown): boolean {
    if (!this.code) return false;
    const norm = (v: string) => v.toUpperCase().replace(/[\s-]/g, '');
    const hash = (v: string) => createHash('sha256').update(norm(v)).digest();
    const ok = typeof given === 'string' && timingSafeEqual(hash(given), hash(this.code));
    if (!ok && ++this.wrong >= MAX_WRONG) this.code = undefined; // a new one is printed on the next visit
    return ok;
  }

  /** The setup is done: the code is spent. */
  spend(): void {
    this.code = undefined;
  }
}
