import { Injectable } from '@nestjs/common';
import { PasswordService } from './password.service.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { DomainError } from '../../common/errors.js';
import { UserAccounts, type Account } from './auth.types.js';

export class InvalidLoginError extends DomainError {
  constructor() {
    super('invalid_login', 'Invalid e-mail address or password', 401, 'auth.invalid');
  }
}

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UserAccounts,
    private readonly passwords: PasswordService,
    private readonly throttle: LoginThrottleService,
  ) {}

  /** Checks the credentials; the same error for unknown, disabled or wrong-password accounts. */
  async authenticate(email: string, password: string, ip: string): Promise<Account> {
    // the attempt is counted before the password is checked: parallel guesses cannot outrun the counter
    await this.throttle.reserve(email, ip);
    const user = await this.users.findByEmail(email);
    const ok = await this.passwords.verify(user?.passwordHash, password);
    if (!user || !ok || user.disabled) throw new InvalidLoginError();
    await this.throttle.succeeded(email, ip);
    await this.users.recordLogin(user.id);
    return user;
  }
}
