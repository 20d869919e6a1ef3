import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError, UnauthenticatedError } from '../../common/errors.js';
import type { Role } from '../../common/roles.js';

const PUBLIC = 'koppel:public';
const ROLES = 'koppel:roles';

/** The route needs no login (login page, health check, webhooks). */
export const Public = () => SetMetadata(PUBLIC, true);
/** Only these roles may use the route (admins always may). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);

/** The user's role may not use this route (code `role_forbidden`, so it is told apart from a refused action). */
export class RoleForbiddenError extends DomainError {
  constructor() {
    super('role_forbidden', 'Not allowed for your role', 403, 'errors.forbidden');
  }
}

/** Global guard: a logged-in user is required unless @Public(); @Roles() restricts further. */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<Request>();
    if (!req.user) throw new UnauthenticatedError();
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && req.user.role !== 'admin' && !roles.includes(req.user.role)) throw new RoleForbiddenError();
    return true;
  }
}
