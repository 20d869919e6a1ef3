import { Module } from '@nestjs/common';
import { UsersService } from './users.service.js';
import { UsersController } from './users.controller.js';
import { AccountController } from './account.controller.js';
import { PasswordService } from '../auth/password.service.js';
import { UserAccounts } from '../auth/auth.types.js';

@Module({
  providers: [UsersService, PasswordService, { provide: UserAccounts, useExisting: UsersService }],
  controllers: [UsersController, AccountController],
  exports: [UsersService, PasswordService, UserAccounts],
})
export class UsersModule {}
