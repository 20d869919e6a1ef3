import { Module } from '@nestjs/common';
import { UsersService } from './users.service.js';
import { UsersController } from './users.controller.js';
import { AccountController } from './account.controller.js';
import { PasswordService } from '../auth/password.service.js';

@Module({
  providers: [UsersService, PasswordService],
  controllers: [UsersController, AccountController],
  exports: [UsersService, PasswordService],
})
export class UsersModule {}
