import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { render } from '../../common/views.js';
import { DashboardService } from './dashboard.service.js';

@Controller()
export class DashboardController {
  constructor(private readonly work: DashboardService) {}

  @Get()
  async dashboard(@Req() req: Request, @Res() res: Response) {
    render(req, res, 'dashboard/index', await this.work.page(req.user!.role));
  }

  @Get('settings')
  settings(@Res() res: Response) {
    res.redirect(303, '/settings/locations');
  }
}
