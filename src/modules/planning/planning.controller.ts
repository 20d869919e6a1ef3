import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/guards.js';
import { render } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { IdPipe } from '../../common/id.pipe.js';
import { ValidationError } from '../../common/errors.js';
import { FeatureBlockedError } from '../connection-health/connection-health.registry.js';
import { PLAN_CARD_KINDS } from './plan-card.entity.js';
import { PlanningCardsService } from './planning-cards.service.js';
import { PlanningService } from './planning.service.js';
import { cardSortLinks, toSyncPanelView, toSyncStatusView, toCardPageView, toCardRowView, toCardsQuery, toItemView, toOptionsPageView, toResourceView } from './planning.view.js';

/** Planning → Cards, a card, Planning → Resources, Planning → Items (planners and admins plan; accountants may look). */
@Controller('planning')
@Roles('admin', 'accountant', 'planner')
export class PlanningController {
  constructor(
    private readonly cards: PlanningCardsService,
    private readonly planning: PlanningService,
  ) {}

  @Get()
  index(@Res() res: Response) {
    res.redirect(303, '/planning/cards');
  }

  @Get('cards')
  async list(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const { filter, page, choices, status } = await this.cards.listPage(raw);
    const today = this.cards.today();
    const model = {
      title: 'planning.cards.title', nav: 'planning', query: toCardsQuery(filter), sortLinks: cardSortLinks(filter), after: filter.after, kinds: PLAN_CARD_KINDS,
      rows: page.rows.map((r) => toCardRowView(r, today)), total: page.total, moreThan: page.more, next: page.next, ...choices, syncStatus: toSyncStatusView(status),
    };
    render(req, res, 'planning/cards', model, { fragment: 'planning/cards-table' });
  }

  @Get('cards/:id')
  async card(@Req() req: Request, @Res() res: Response, @Param('id', IdPipe) id: number) {
    const { sections, ...d } = await this.cards.cardPage(id, req.user);
    const card = toCardPageView(d, d.exactUrl);
    render(req, res, 'planning/card', { title: 'planning.card.title', titleParams: { number: card.number }, nav: 'planning', card, ...sections });
  }

  @Get('items')
  async items(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const { rows, query } = await this.cards.items(raw);
    render(req, res, 'planning/items', { title: 'planning.items.title', nav: 'planning', rows: rows.map(toItemView), query }, { fragment: 'planning/items-table' });
  }

  /** The planning panel of the Sync page (loaded into it): sync status per entity per division and its cost. */
  @Get('sync-status')
  async syncStatus(@Req() req: Request, @Res() res: Response) {
    const divisions = toSyncPanelView(await this.planning.syncPanel(), this.planning.feedNames());
    render(req, res, 'planning/sync-status', { title: 'planning.syncPanel.title', nav: 'sync', divisions }, { fragment: 'planning/sync-status' });
  }

  @Get('resources')
  async resources(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const { rows, query } = await this.cards.resources(raw);
    render(req, res, 'planning/resources', { title: 'planning.resources.title', nav: 'planning', rows: rows.map(toResourceView), query }, { fragment: 'planning/resources-table' });
  }
}

/** Settings → Integrations → Exact Online → Planning (administrators): options per division, Save, Activate. */
@Controller('settings/integrations/exact/planning')
@Roles('admin')
export class PlanningOptionsController {
  constructor(private readonly options: PlanningService) {}

  @Get()
  async page(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const m = await this.options.screen(raw.division);
    const model = toOptionsPageView(m);
    render(req, res, 'planning/options', model, { fragment: 'planning/options-status' });
  }

  @Post('save')
  async save(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    try {
      const division = await this.options.saveForm(body);
      flash(req, 'success', 'planning.options.saved');
      res.redirect(303, `/settings/integrations/exact/planning?division=${division}`);
    } catch (e) {
      if (!(e instanceof ValidationError) && !(e instanceof FeatureBlockedError)) throw e;
      // the form again with what was ticked, and why it cannot be saved (a missing right: the Health page's words)
      const refused = e instanceof ValidationError ? { body, fieldErrors: e.fieldErrors } : { body, blocked: { key: e.problem.key, params: e.problem.params } };
      render(req, res, 'planning/options', toOptionsPageView(await this.options.screen(body.division), refused), { status: 422 });
    }
  }

  @Post('activate')
  async activate(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    try {
      const { division, result } = await this.options.activateForm(body);
      flash(req, result === 'queued' ? 'success' : 'info', result === 'queued' ? 'planning.options.activated' : 'planning.options.busy');
      res.redirect(303, `/settings/integrations/exact/planning?division=${division}`);
    } catch (e) {
      if (e instanceof FeatureBlockedError) {
        flash(req, 'error', e.problem.key, e.problem.params);
        res.redirect(303, '/settings/integrations/exact/planning');
        return;
      }
      if (!(e instanceof ValidationError)) throw e;
      flash(req, 'error', Object.values(e.fieldErrors).flat()[0] ?? 'planning.options.saveFirst');
      res.redirect(303, '/settings/integrations/exact/planning');
    }
  }

  @Post('rights')
  async rights(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const division = await this.options.recheck(body);
    flash(req, 'success', 'planning.options.rightsChecked');
    res.redirect(303, `/settings/integrations/exact/planning?division=${division}`);
  }
}
