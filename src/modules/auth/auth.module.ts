import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { UsersModule } from '../users/users.module.js';
import { AuthService } from './auth.service.js';
import { AuthController } from './auth.controller.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { AccessGuard } from './guards.js';
import { SetupCodeService } from './setup-code.service.js';

@Module({
  imports: [UsersModule],
  providers: [AuthService, LoginThrottleService, SetupCodeService, { provide: APP_GUARD, useClass: AccessGuard }],
  controllers: [AuthController],
})
export class AuthModule {}
