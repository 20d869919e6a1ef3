import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { User, type Language, type Role } from './user.entity.js';
import { PasswordService } from '../auth/password.service.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../common/errors.js';
import { flushUnique } from '../../common/unique.js';
import type { NewUserInput } from './user.form.js';
import type { CurrentUser } from '../auth/current-user.js';
import type { UserAccounts } from '../auth/auth.types.js';

/** Users own their records; they are also the accounts auth logs in with (the UserAccounts port). */
@Injectable()
export class UsersService implements UserAccounts {
  constructor(
    private readonly em: EntityManager,
    private readonly passwords: PasswordService,
  ) {}

  count(): Promise<number> {
    return this.em.count(User, {});
  }

  list(): Promise<User[]> {
    return this.em.find(User, {}, { orderBy: { disabled: 'asc', name: 'asc' } });
  }

  async get(id: number): Promise<User> {
    const user = await this.em.findOne(User, { id });
    if (!user) throw new NotFoundError('User');
    return user;
  }

  findActive(id: number): Promise<User | null> {
    return this.em.findOne(User, { id, disabled: false });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.em.findOne(User, { email: email.trim().toLowerCase() });
  }

  async create(input: NewUserInput, language: Language = 'nl'): Promise<User> {
    const user = this.em.create(User, {
      email: input.email,
      name: input.name,
      role: input.role,
      language,
      passwordHash: await this.passwords.hash(input.password),
      disabled: false,
    });
    await flushUnique(this.em, 'email');
    return user;
  }

  /** Creates the first administrator; refused once any user exists (serialised with an advisory lock). */
  async createFirstAdmin(input: Omit<NewUserInput, 'role'>, language: Language): Promise<User> {
    return this.em.transactional(async (em) => {
      await em.execute('select pg_advisory_xact_lock(4711001)');
      if ((await em.count(User, {})) > 0) throw new ConflictError('Koppel already has users', 'auth.setupClosed');
      const user = em.create(User, {
        email: input.email,
        name: input.name,
        role: 'admin',
        language,
        passwordHash: await this.passwords.hash(input.password),
        disabled: false,
      });
      await em.flush();
      return user;
    });
  }

  async setRole(actor: CurrentUser, id: number, role: Role): Promise<User> {
    const user = await this.get(id);
    if (user.id === actor.id && role !== 'admin') throw new ForbiddenError('Cannot change own role or status', 'users.cannotChangeSelf');
    user.role = role;
    await this.em.flush();
    return user;
  }

  async setDisabled(actor: CurrentUser, id: number, disabled: boolean): Promise<User> {
    const user = await this.get(id);
    if (user.id === actor.id) throw new ForbiddenError('Cannot change own role or status', 'users.cannotChangeSelf');
    user.disabled = disabled;
    await this.em.flush();
    if (disabled) await this.em.getConnection().execute(`delete from "session" where (sess->>'userId')::int = ?`, [id]);
    return user;
  }

  /**
   * A user changes their own password: the current one must be right. All their other sessions end
   * (the one in use is renewed by the caller).
   */
  async changeOwnPassword(actor: CurrentUser, input: { current: string; password: string }, keepSessionId: string): Promise<void> {
    const user = await this.get(actor.id);
    if (!(await this.passwords.verify(user.passwordHash, input.current))) throw new ValidationError({ current: ['users.password.wrongCurrent'] });
    user.passwordHash = await this.passwords.hash(input.password);
    await this.em.flush();
    await this.em.getConnection().execute(`delete from "session" where (sess->>'userId')::int = ? and sid <> ?`, [user.id, keepSessionId]);
  }

  async setLanguage(id: number, language: Language): Promise<void> {
    await this.em.nativeUpdate(User, { id }, { language });
  }

  async recordLogin(id: number): Promise<void> {
    await this.em.nativeUpdate(User, { id }, { lastLoginAt: new Date() });
  }
}
