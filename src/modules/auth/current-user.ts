import type { Role } from '../../common/roles.js';
import type { Lang } from '../../common/i18n/i18n.js';
import type { Account } from './auth.types.js';

export interface CurrentUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  language: Lang;
}

/** What a request carries of the logged-in account (never its password hash). */
export function toCurrentUser(a: Account): CurrentUser {
  return { id: a.id, email: a.email, name: a.name, role: a.role, language: a.language };
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // passport's typings declare Request.user as Express.User; we give that interface our shape.
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends CurrentUser {}
    interface Request {
      user?: User;
    }
  }
}
