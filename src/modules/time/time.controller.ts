import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/guards.js';
import { render } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { IdPipe } from '../../common/id.pipe.js';
import { ValidationError } from '../../common/errors.js';
import { sameOriginPath } from '../../common/return-path.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { TimeService } from './time.service.js';
import { canApprove } from './time.types.js';
import { toEntryView, toFormValues, toPersonView, toWeekView } from './time.view.js';

const actor = (req: Request) => ({ id: req.user!.id, name: req.user!.name, role: req.user!.role });
const mayApprove = (req: Request) => canApprove(actor(req));

/** Time: the week timesheet, entries, approval (planners), employees ↔ users. */
@Controller('time')
@Roles('admin', 'accountant', 'planner')
export class TimeController {
  constructor(
    private readonly time: TimeService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private back(body: Record<string, unknown>): string {
    return sameOriginPath(body.return, this.config.publicBaseUrl, '/time');
  }

  private async week(req: Request, res: Response, raw: Record<string, unknown>, extra: Record<string, unknown> = {}, status = 200) {
    const week = toWeekView(await this.time.week(actor(req), raw));
    render(req, res, 'time/week', { title: 'time.title', nav: 'time', week, form: { date: week.defaultDate }, ...extra }, { status });
  }

  @Get()
  page(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    return this.week(req, res, raw);
  }

  @Post('entries')
  async create(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    try {
      const e = await this.time.create(actor(req), body);
      flash(req, 'success', 'time.saved');
      res.redirect(303, `/time?date=${e.date}${body.resource ? `&resource=${encodeURIComponent(String(body.resource))}` : ''}`);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      await this.week(req, res, { date: body.date, resource: body.resource }, { form: toFormValues(body), errors: e.fieldErrors }, 422);
    }
  }

  @Get('entries/:id')
  async entry(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    const e = await this.time.entry(id);
    const entry = toEntryView(e, await this.time.activityOf(e));
    render(req, res, 'time/entry', { title: 'time.entry.title', nav: 'time', entry, form: entry, mayApprove: mayApprove(req) });
  }

  @Post('entries/:id')
  async update(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number, @Body() body: Record<string, unknown>) {
    try {
      const e = await this.time.update(actor(req), id, body);
      flash(req, 'success', 'time.saved');
      res.redirect(303, `/time?date=${e.date}&resource=${e.resource.id}`);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const e = await this.time.entry(id);
      const entry = toEntryView(e, await this.time.activityOf(e));
      render(req, res, 'time/entry', { title: 'time.entry.title', nav: 'time', entry, form: toFormValues(body), errors: err.fieldErrors, mayApprove: mayApprove(req) }, { status: 422 });
    }
  }

  @Post('entries/:id/delete')
  async remove(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    const e = await this.time.remove(actor(req), id);
    flash(req, 'success', 'time.deleted');
    res.redirect(303, `/time?date=${e.date}&resource=${e.resource.id}`);
  }

  @Post('approve')
  @Roles('admin', 'planner')
  async approve(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    try {
      const r = await this.time.approve(actor(req), body);
      flash(req, 'success', 'time.approved', { count: r.approved });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      flash(req, 'error', Object.values(e.fieldErrors).flat()[0] ?? 'validation.invalid');
    }
    res.redirect(303, this.back(body));
  }

  @Post('entries/:id/reject')
  @Roles('admin', 'planner')
  async reject(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number, @Body() body: Record<string, unknown>) {
    try {
      await this.time.reject(actor(req), id, body);
      flash(req, 'success', 'time.rejected');
      res.redirect(303, this.back(body));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const e = await this.time.entry(id);
      const entry = toEntryView(e, await this.time.activityOf(e));
      render(req, res, 'time/entry', { title: 'time.entry.title', nav: 'time', entry, form: entry, rejectErrors: err.fieldErrors, reason: body.reason, mayApprove: true }, { status: 422 });
    }
  }

  @Get('team')
  @Roles('admin', 'planner')
  async team(@Req() req: Request, @Res() res: Response) {
    const { people, users } = await this.time.team();
    render(req, res, 'time/team', { title: 'time.team.title', nav: 'time', people: people.map(toPersonView), users });
  }

  @Post('team/:id')
  @Roles('admin')
  async link(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number, @Body() body: Record<string, unknown>) {
    try {
      await this.time.linkUser(id, body);
      flash(req, 'success', 'time.team.linked');
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      flash(req, 'error', 'time.validation.user');
    }
    res.redirect(303, '/time/team');
  }
}
