import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/guards.js';
import { LocationsService, LOCATION_SORTS } from './locations.service.js';
import { LOCATION_FIELDS } from './location.form.js';
import { editExtra, formModel, locationRow, locationValues, locationsPage } from './locations.view.js';
import { parseListQuery } from '../../common/pagination.js';
import { render } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { ValidationError } from '../../common/errors.js';
import { IdPipe } from '../../common/id.pipe.js';

/** Settings → Locations. */
@Controller('settings/locations')
@Roles('admin', 'accountant')
export class LocationsController {
  constructor(private readonly locations: LocationsService) {}

  @Get()
  async list(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const query = parseListQuery(raw, LOCATION_SORTS, { sort: 'name' });
    const page = locationsPage(await this.locations.list(query));
    render(req, res, 'locations/list', { title: 'locations.title', nav: 'settings', page, query: { ...query, size: query.pageSize } }, { fragment: 'locations/table' });
  }

  @Get('new')
  newForm(@Req() req: Request, @Res() res: Response) {
    render(req, res, 'locations/form', formModel({ country: 'NL' }, { title: 'locations.new', action: '/settings/locations' }));
  }

  @Post()
  async create(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    try {
      const loc = await this.locations.create(body);
      flash(req, 'success', 'locations.created', { name: loc.name });
      res.redirect(303, '/settings/locations');
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      render(req, res, 'locations/form', formModel(body, { title: 'locations.new', action: '/settings/locations', errors: e.fieldErrors }), { status: 422 });
    }
  }

  /** Inline validation of one field while the user types (HTMX). */
  @Post('validate/:field')
  async validateField(@Req() req: Request, @Res() res: Response, @Param('field') field: string, @Body() body: Record<string, unknown>) {
    const name = (LOCATION_FIELDS as readonly string[]).includes(field) ? field : 'name';
    const exceptId = body.id ? Number(body.id) : undefined;
    const error = await this.locations.validateField(body, name, exceptId);
    res.status(200).render('fragments/field-error', { layout: false, field: name, error });
  }

  @Get(':id/edit')
  async editForm(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    const loc = await this.locations.get(id);
    render(req, res, 'locations/form', formModel(locationValues(loc), editExtra(loc)));
  }

  @Post(':id')
  async update(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number, @Body() body: Record<string, unknown>) {
    try {
      const loc = await this.locations.update(id, body);
      flash(req, 'success', 'locations.updated', { name: loc.name });
      res.redirect(303, '/settings/locations');
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      const loc = await this.locations.get(id);
      render(req, res, 'locations/form', formModel(body, { ...editExtra(loc), errors: e.fieldErrors }), { status: 422 });
    }
  }

  @Get(':id/delete')
  async confirmDelete(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    const loc = await this.locations.get(id);
    render(req, res, 'locations/delete', { title: 'locations.deleteTitle', titleParams: { name: loc.name }, nav: 'settings', location: locationRow(loc) });
  }

  @Post(':id/delete')
  async remove(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    const loc = await this.locations.remove(id);
    flash(req, 'success', 'locations.deleted', { name: loc.name });
    res.redirect(303, '/settings/locations');
  }
}
