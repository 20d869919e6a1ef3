import { DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthService } from './auth.service.js';
import { AuthController } from './auth.controller.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { AccessGuard } from './guards.js';
import { SetupCodeService } from './setup-code.service.js';
import { UserAccounts } from './auth.types.js';
import { toCurrentUser } from './current-user.js';
import { CURRENT_USER_LOADER, type CurrentUserLoader } from '../../common/request-context.middleware.js';

@Module({})
export class AuthModule {
  /**
   * `accounts` is the module that provides the UserAccounts port and PasswordService (the users module); app.module
   * wires it, so auth and users never import each other's modules.
   */
  static register(accounts: NonNullable<ModuleMetadata['imports']>[number]): DynamicModule {
    return {
      module: AuthModule,
      imports: [accounts],
      providers: [
        AuthService,
        LoginThrottleService,
        SetupCodeService,
        { provide: APP_GUARD, useClass: AccessGuard },
        {
          provide: CURRENT_USER_LOADER,
          inject: [UserAccounts],
          useFactory: (users: UserAccounts): CurrentUserLoader => async (id) => {
            const account = await users.findActive(id);
            return account ? toCurrentUser(account) : undefined;
          },
        },
      ],
      controllers: [AuthController],
      exports: [CURRENT_USER_LOADER],
    };
  }
}
