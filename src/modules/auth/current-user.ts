import type { Role, Language } from '../users/user.entity.js';

export interface CurrentUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  language: Language;
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
