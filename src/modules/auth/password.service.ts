import { Injectable } from '@nestjs/common';
import { hash, verify, Algorithm } from '@node-rs/argon2';

const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };

/** argon2id password hashing (OWASP's recommended parameters). */
@Injectable()
export class PasswordService {
  private dummy?: Promise<string>;

  hash(password: string): Promise<string> {
    return hash(password, OPTIONS);
  }

  async verify(hashed: string | undefined, password: string): Promise<boolean> {
    // Unknown accounts are checked against a dummy hash so that timing does not reveal them.
    const target = hashed ?? (await (this.dummy ??= this.hash('no-such-account-dummy-password')));
    try {
      return (await verify(target, password)) && hashed !== undefined;
    } catch {
      return false;
    }
  }
}
