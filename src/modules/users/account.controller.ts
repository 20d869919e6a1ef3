import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/guards.js';
import { UsersService } from './users.service.js';
import { PasswordChangeForm } from './user.form.js';
import { parseForm } from '../../common/validation.js';
import { render } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { ValidationError } from '../../common/errors.js';
import { establishSession } from '../../common/session.js';

/** The logged-in user's own account: changing the password (every role). */
@Controller('account')
@Roles('admin', 'accountant', 'planner')
export class AccountController {
  constructor(private readonly users: UsersService) {}

  @Get('password')
  passwordForm(@Req() req: Request, @Res() res: Response) {
    render(req, res, 'users/password', { title: 'users.password.title', values: {} });
  }

  @Post('password')
  async changePassword(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    try {
      const input = parseForm(PasswordChangeForm, body);
      await this.users.changeOwnPassword(req.user!, input, req.session.id);
      // a fresh session id after a credential change; the session's lifetime starts again
      await establishSession(req, await this.users.get(req.user!.id));
      flash(req, 'success', 'users.password.changed');
      res.redirect(303, '/');
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      // passwords are never sent back into the page
      render(req, res, 'users/password', { title: 'users.password.title', values: {}, errors: e.fieldErrors }, { status: 422 });
    }
  }
}
