import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/guards.js';
import { render } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { ValidationError } from '../../common/errors.js';
import { ProductsService } from './products.service.js';
import { groupRow, groupValues, productRow, productValues, withCheckbox } from './products.view.js';
import { IdPipe } from '../../common/id.pipe.js';
import { FormOnceService } from '../../common/form-once.js';

/** Products and product groups: the defaults an invoice line takes (line → product → group → location). */
@Controller('products')
@Roles('admin', 'accountant')
export class ProductsController {
  constructor(
    private readonly products: ProductsService,
    private readonly forms: FormOnceService,
  ) {}

  private async model(extra: Record<string, unknown>) {
    return { nav: 'invoices', choices: await this.products.choices(), ...extra };
  }

  @Get()
  async list(@Req() req: Request, @Res() res: Response, @Query('q') q?: string) {
    const query = typeof q === 'string' && q.trim() ? q.trim().slice(0, 100) : undefined;
    const items = (await this.products.listProducts(query)).map(productRow);
    render(req, res, 'products/list', { title: 'invoices.products.title', nav: 'invoices', tab: 'products', items, q: query }, { fragment: 'invoices/products-table' });
  }

  @Get('new')
  async newForm(@Req() req: Request, @Res() res: Response) {
    render(req, res, 'products/form', await this.model({ title: 'invoices.products.new', action: '/products', values: { active: true }, formToken: this.forms.token() }));
  }

  @Post()
  async create(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    // the same form sent twice (double-click, Back + Save) makes one product: the second POST goes to it
    const claim = await this.forms.claim(body._form, 'product');
    if (!claim.first) {
      flash(req, 'info', claim.target ? 'forms.alreadySaved' : 'forms.beingSaved');
      return res.redirect(303, claim.target ?? '/products');
    }
    try {
      const p = await this.products.createProduct(body);
      await this.forms.done(claim, `/products/${p.id}/edit`);
      flash(req, 'success', 'invoices.products.saved', { name: p.name });
      res.redirect(303, '/products');
    } catch (e) {
      await this.forms.release(claim);
      if (!(e instanceof ValidationError)) throw e;
      render(req, res, 'products/form', await this.model({ title: 'invoices.products.new', action: '/products', values: withCheckbox(body, 'active'), errors: e.fieldErrors, formToken: this.forms.token(body._form) }), { status: 422 });
    }
  }

  // ---------------------------------------------------------------- groups (before :id)

  @Get('groups')
  async groups(@Req() req: Request, @Res() res: Response) {
    const items = (await this.products.listGroups()).map(groupRow);
    render(req, res, 'products/groups', { title: 'invoices.groups.title', nav: 'invoices', tab: 'groups', items });
  }

  @Get('groups/new')
  async newGroup(@Req() req: Request, @Res() res: Response) {
    render(req, res, 'products/group-form', await this.model({ title: 'invoices.groups.new', action: '/products/groups', values: {}, formToken: this.forms.token() }));
  }

  @Post('groups')
  async createGroup(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const claim = await this.forms.claim(body._form, 'product_group');
    if (!claim.first) {
      flash(req, 'info', claim.target ? 'forms.alreadySaved' : 'forms.beingSaved');
      return res.redirect(303, claim.target ?? '/products/groups');
    }
    try {
      const g = await this.products.createGroup(body);
      await this.forms.done(claim, `/products/groups/${g.id}/edit`);
      flash(req, 'success', 'invoices.groups.saved', { name: g.name });
      res.redirect(303, '/products/groups');
    } catch (e) {
      await this.forms.release(claim);
      if (!(e instanceof ValidationError)) throw e;
      render(req, res, 'products/group-form', await this.model({ title: 'invoices.groups.new', action: '/products/groups', values: body, errors: e.fieldErrors, formToken: this.forms.token(body._form) }), { status: 422 });
    }
  }

  @Get('groups/:id/edit')
  async editGroup(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    const g = await this.products.group(id);
    render(req, res, 'products/group-form', await this.model({ title: 'invoices.groups.edit', titleParams: { name: g.name }, action: `/products/groups/${id}`, values: groupValues(g) }));
  }

  @Post('groups/:id')
  async updateGroup(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number, @Body() body: Record<string, unknown>) {
    try {
      const g = await this.products.updateGroup(id, body);
      flash(req, 'success', 'invoices.groups.saved', { name: g.name });
      res.redirect(303, '/products/groups');
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      render(req, res, 'products/group-form', await this.model({ title: 'invoices.groups.new', action: `/products/groups/${id}`, values: body, errors: e.fieldErrors }), { status: 422 });
    }
  }

  // ---------------------------------------------------------------- one product

  @Get(':id/edit')
  async editForm(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    const p = await this.products.product(id);
    render(req, res, 'products/form', await this.model({ title: 'invoices.products.edit', titleParams: { name: p.name }, action: `/products/${id}`, values: productValues(p), id }));
  }

  @Post(':id')
  async update(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number, @Body() body: Record<string, unknown>) {
    try {
      const p = await this.products.updateProduct(id, body);
      flash(req, 'success', 'invoices.products.saved', { name: p.name });
      res.redirect(303, '/products');
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      render(req, res, 'products/form', await this.model({ title: 'invoices.products.new', action: `/products/${id}`, values: withCheckbox(body, 'active'), errors: e.fieldErrors, id }), { status: 422 });
    }
  }
}
