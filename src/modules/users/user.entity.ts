import { Entity, Enum, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';
import { ROLES, type Role } from '../../common/roles.js';

export { ROLES, type Role };
export const LANGUAGES = ['nl', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

@Entity({ tableName: 'users' })
export class User extends BaseEntity<'language' | 'disabled'> {
  @Unique()
  @Property({ type: 'string', length: 254 })
  email!: string;

  @Property({ type: 'string', length: 120 })
  name!: string;

  @Property({ type: 'string', hidden: true })
  passwordHash!: string;

  @Enum({ items: () => ROLES, nativeEnumName: undefined })
  role!: Role;

  @Property({ type: 'string', length: 2, default: 'nl' })
  language: Language = 'nl';

  @Property({ type: 'boolean', default: false })
  disabled = false;

  @Property({ type: 'datetime', nullable: true })
  lastLoginAt?: Date;
}
