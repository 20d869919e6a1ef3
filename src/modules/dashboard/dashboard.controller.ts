import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { render } from '../../common/views.js';
import { NotFoundError } from '../../common/errors.js';
import { DashboardService } from './dashboard.service.js';

/** Sections of the navigation that later issues fill; until then they say so honestly. */
const UPCOMING = ['time'] as const;

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

  @Get([...UPCOMING])
  upcoming(@Req() req: Request, @Res() res: Response) {
    const section = req.path.replace(/^\/+|\/+$/g, '');
    if (!(UPCOMING as readonly string[]).includes(section)) throw new NotFoundError('Page');
    render(req, res, 'dashboard/upcoming', { title: `nav.${section}`, nav: section, section });
  }
}
