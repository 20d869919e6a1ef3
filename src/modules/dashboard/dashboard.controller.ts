import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { UsersService } from '../users/users.service.js';
import { LocationsService } from '../locations/locations.service.js';
import { render } from '../../common/views.js';
import { DashboardService } from './dashboard.service.js';

@Controller()
export class DashboardController {
  constructor(
    private readonly users: UsersService,
    private readonly locations: LocationsService,
    private readonly work: DashboardService,
  ) {}

  @Get()
  async dashboard(@Req() req: Request, @Res() res: Response) {
    const role = req.user!.role;
    const [locations, users, board] = await Promise.all([this.locations.count(), this.users.count(), this.work.forRole(role)]);
    // administrations that need attention by name; the healthy ones as a count
    const attention = board.divisions.filter((d) => d.health !== 'ok');
    const healthy = board.divisions.length - attention.length;
    render(req, res, 'dashboard/index', {
      title: 'dashboard.title', nav: 'dashboard', locations, users, ...board, attention, healthy,
      finance: role === 'admin' || role === 'accountant',
    });
  }

  @Get('settings')
  settings(@Res() res: Response) {
    res.redirect(303, '/settings/locations');
  }
}
