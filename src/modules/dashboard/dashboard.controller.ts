import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { UsersService } from '../users/users.service.js';
import { LocationsService } from '../locations/locations.service.js';
import { render } from '../../common/views.js';
import { NotFoundError } from '../../common/errors.js';
import { SyncService } from '../sync/sync.service.js';
import { toDivisionView } from '../sync/sync.view.js';

/** Sections of the navigation that later issues fill; until then they say so honestly. */
const UPCOMING = ['planning', 'time'] as const;

@Controller()
export class DashboardController {
  constructor(
    private readonly users: UsersService,
    private readonly locations: LocationsService,
    private readonly sync: SyncService,
  ) {}

  @Get()
  async dashboard(@Req() req: Request, @Res() res: Response) {
    const isAdmin = req.user?.role === 'admin';
    const [locations, users, unhealthy] = await Promise.all([
      this.locations.count(),
      this.users.count(),
      isAdmin ? this.sync.unhealthyDivisions() : Promise.resolve([]),
    ]);
    // admins see at a glance which Exact administration needs attention (needs reconnect, rate limited, failing)
    const healthCards = unhealthy.map(toDivisionView).map(({ rows: _rows, ...d }) => ({ ...d, failed: d.failedResources.join(', ') }));
    render(req, res, 'dashboard/index', { title: 'dashboard.title', nav: 'dashboard', locations, users, healthCards });
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
