import type { Role } from '../../common/roles.js';
import type { Lang } from '../../common/i18n/i18n.js';

/** A person who can log in, as auth sees them (the users module owns the record). */
export interface Account {
  id: number;
  email: string;
  name: string;
  role: Role;
  language: Lang;
  passwordHash: string;
  disabled: boolean;
}

/**
 * Port: what auth needs from whoever keeps the user accounts. The users module provides it (UsersModule binds
 * UsersService to this token) and app.module hands that module to AuthModule.register, so auth never imports users.
 */
export abstract class UserAccounts {
  abstract count(): Promise<number>;
  abstract findByEmail(email: string): Promise<Account | null>;
  /** The account, if it exists and is not disabled. */
  abstract findActive(id: number): Promise<Account | null>;
  abstract recordLogin(id: number): Promise<void>;
  /** The first administrator; refused (409) once any user exists. */
  abstract createFirstAdmin(input: { email: string; name: string; password: string }, language: Lang): Promise<Account>;
  abstract setLanguage(id: number, language: Lang): Promise<void>;
}
