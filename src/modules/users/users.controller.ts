import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/guards.js';
import { UsersService } from './users.service.js';
import { NewUserForm, RoleForm } from './user.form.js';
import { parseForm } from '../../common/validation.js';
import { render } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { ForbiddenError, ValidationError } from '../../common/errors.js';
import { ROLES } from './user.entity.js';
import { IdPipe } from '../../common/id.pipe.js';
import { userRow } from './users.view.js';

/** Settings → Users (administrators only). */
@Controller('settings/users')
@Roles('admin')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  async list(@Req() req: Request, @Res() res: Response) {
    const users = await this.users.list();
    render(req, res, 'users/list', {
      title: 'users.title',
      nav: 'settings',
      users: users.map((u) => userRow(u, req.user?.id)),
      roles: ROLES,
    });
  }

  @Get('new')
  newForm(@Req() req: Request, @Res() res: Response) {
    render(req, res, 'users/new', { title: 'users.add', nav: 'settings', values: { role: 'planner' }, roles: ROLES });
  }

  @Post()
  async create(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    try {
      const user = await this.users.create(parseForm(NewUserForm, body));
      flash(req, 'success', 'users.created', { email: user.email });
      res.redirect(303, '/settings/users');
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      render(req, res, 'users/new', { title: 'users.add', nav: 'settings', values: { ...body, password: '' }, errors: e.fieldErrors, roles: ROLES }, { status: 422 });
    }
  }

  @Post(':id/role')
  async role(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number, @Body() body: Record<string, unknown>) {
    await this.guardSelf(req, () => this.users.setRole(req.user!, id, parseForm(RoleForm, body).role));
    res.redirect(303, '/settings/users');
  }

  @Post(':id/disable')
  async disable(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    await this.guardSelf(req, () => this.users.setDisabled(req.user!, id, true));
    res.redirect(303, '/settings/users');
  }

  @Post(':id/enable')
  async enable(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    await this.guardSelf(req, () => this.users.setDisabled(req.user!, id, false));
    res.redirect(303, '/settings/users');
  }

  private async guardSelf(req: Request, action: () => Promise<{ email: string }>) {
    try {
      const user = await action();
      flash(req, 'success', 'users.updated', { email: user.email });
    } catch (e) {
      if (!(e instanceof ForbiddenError)) throw e;
      flash(req, 'error', e.userMessageKey ?? 'errors.forbidden');
    }
  }
}
