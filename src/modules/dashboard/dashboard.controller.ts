import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { UsersService } from '../users/users.service.js';
import { LocationsService } from '../locations/locations.service.js';
import { render } from '../../common/views.js';
import { NotFoundError } from '../../common/errors.js';

/** Sections of the navigation that later issues fill; until then they say so honestly. */
const UPCOMING = ['customers', 'invoices', 'accounting', 'planning', 'time', 'sync'] as const;

@Controller()
export class DashboardController {
  constructor(
    private readonly users: UsersService,
    private readonly locations: LocationsService,
  ) {}

  @Get()
  async dashboard(@Req() req: Request, @Res() res: Response) {
    const [locations, users] = await Promise.all([this.locations.count(), this.users.count()]);
    render(req, res, 'dashboard/index', { title: 'dashboard.title', nav: 'dashboard', locations, users });
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
