import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/guards.js';
import { render, isFragmentRequest } from '../../common/views.js';
import { flash } from '../../common/flash.js';
import { IdPipe } from '../../common/id.pipe.js';
import { NotFoundError, ValidationError, type FieldErrors } from '../../common/errors.js';
import { parseForm, toInt } from '../../common/validation.js';
import { sameOriginPath } from '../../common/return-path.js';
import type { Lang } from '../../common/i18n/i18n.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { BoardService } from './board.service.js';
import { MoveForm, parseBoardQuery, type BoardQuery } from './board.form.js';
import { boardUrl, changesUrl, returnQuery, toBoardView, toChunkView, toItemView, toLeaveDaysView, toMovedView, toResourceChoice, toRowView, toUnplannedPanel } from './board.view.js';
import type { PlanItemRow } from '../planning/planning-plan.service.js';

const BOARD = '/planning/board';
const canPlan = (req: Request) => req.user?.role === 'admin' || req.user?.role === 'planner';
const langOf = (res: Response) => (res.locals.lang ?? 'nl') as Lang;

/** Planning → Board: resources × days with capacity, planned and unplanned items; planning by drag and drop or form. */
@Controller('planning/board')
@Roles('admin', 'accountant', 'planner')
export class BoardController {
  constructor(
    private readonly board: BoardService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async page(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const query = parseBoardQuery(raw);
    // the side list loads by itself once the page is there (it needs the board's read no longer)
    const model = toBoardView(await this.board.board(query, { withUnplanned: false }), query, langOf(res));
    render(req, res, 'planning-board/index', { title: 'planningBoard.title', nav: 'planning', canPlan: canPlan(req), ...model }, { fragment: 'planning-board/body' });
  }

  /** The side list of unplanned items with its filters: loaded by the board page, or a page of its own without JavaScript. */
  @Get('unplanned')
  async unplanned(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const query = parseBoardQuery(raw);
    const model = toUnplannedPanel(await this.board.unplanned(query), query, langOf(res));
    render(req, res, 'planning-board/unplanned', {
      title: 'planningBoard.unplanned', nav: 'planning', canPlan: canPlan(req), returnParam: returnQuery(boardUrl(query)), boardPath: boardUrl(query), ...model,
    }, { fragment: 'planning-board/unplanned' });
  }

  /** Polled by the board: 204 while nothing changed, else the board body drawn again (no full reload). */
  @Get('changes')
  async changes(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const query = parseBoardQuery(raw);
    if (!isFragmentRequest(req)) {
      res.redirect(303, boardUrl(query));
      return;
    }
    const stamp = await this.board.changeStamp();
    if (typeof raw.stamp === 'string' && raw.stamp === stamp) {
      res.status(204).end();
      return;
    }
    const model = toBoardView(await this.board.board(query), query, langOf(res));
    render(req, res, 'planning-board/index', { canPlan: canPlan(req), ...model }, { fragment: 'planning-board/body' });
  }

  /** The next resources of the board, loaded as they scroll into view. */
  @Get('rows')
  async rows(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const query = parseBoardQuery(raw);
    const offset = toInt(raw.offset, 0, 100_000) ?? 0;
    if (!isFragmentRequest(req)) {
      res.redirect(303, boardUrl(query));
      return;
    }
    const period = this.board.period(query.view, query.date);
    const model = toChunkView(await this.board.chunk(query, offset, period), period, query, langOf(res));
    render(req, res, 'planning-board/index', { canPlan: canPlan(req), returnParam: returnQuery(boardUrl(query)), ...model }, { fragment: 'planning-board/rows' });
  }

  /** The keyboard-accessible plan form of one item (in the board's dialog, or as a page without JavaScript). */
  @Get('items/:kind/:id')
  @Roles('admin', 'planner')
  async planForm(@Req() req: Request, @Res() res: Response, @Param('kind') kind: string, @Param('id', IdPipe) id: number, @Query('return') ret: unknown) {
    if (kind !== 'activity' && kind !== 'card') throw new NotFoundError('Plan item');
    const item = await this.board.item(kind, id);
    if (!item || item.cardStatus !== 'open') throw new NotFoundError('Plan item');
    const returnPath = sameOriginPath(ret, this.config.publicBaseUrl, BOARD);
    const values = { resource: item.resourceId ?? '', start: item.start ?? '', end: item.end ?? '' };
    render(req, res, 'planning-board/plan', await this.formModel(req, res, item, returnPath, values), { fragment: 'planning-board/plan-form' });
  }

  /** One move (drag and drop and the form post the same fields): re-renders only the changed cells. */
  @Post('moves')
  @Roles('admin', 'planner')
  async move(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const returnPath = sameOriginPath(body.return, this.config.publicBaseUrl, BOARD);
    const query = parseBoardQuery(Object.fromEntries(new URL(returnPath, 'http://koppel.invalid').searchParams));
    const lang = langOf(res);
    const values = { resource: String(body.resource ?? ''), start: String(body.start ?? ''), end: String(body.end ?? '') };
    let form;
    try {
      form = parseForm(MoveForm, body);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      await this.refuseWithForm(req, res, body, returnPath, values, 422, { messageKey: 'errors.validation', errors: e.fieldErrors });
      return;
    }
    const result = await this.board.move(form, req.user!.email, query);
    switch (result.outcome) {
      case 'moved': {
        const moved = toMovedView(result.item, result.resourceName, lang);
        if (!isFragmentRequest(req)) {
          flash(req, 'success', moved.key, moved.params);
          res.redirect(303, returnPath);
          return;
        }
        render(req, res, 'planning-board/index', {
          canPlan: true,
          moved,
          returnParam: returnQuery(returnPath),
          rows: result.rows.map((r) => toRowView(r, this.board.today(), lang)),
          ...(result.unplanned ? toUnplannedPanel(result.unplanned, query, lang) : {}),
          urls: { changes: changesUrl(query, result.stamp) },
        }, { fragment: 'planning-board/moved' });
        return;
      }
      case 'stale':
        await this.refuse(req, res, returnPath, query, 409, 'planningBoard.stale', result.fresh);
        return;
      case 'not_found':
        await this.refuse(req, res, returnPath, query, 404, 'planningBoard.notFound', null);
        return;
      case 'unknown_resource':
        await this.refuseWithForm(req, res, body, returnPath, values, 422, { messageKey: 'errors.validation', errors: { resource: ['planningBoard.validation.resource'] } });
        return;
      case 'leave':
        // a question, not an error: the form comes back with the leave days and "Plan anyway"
        await this.refuseWithForm(req, res, body, returnPath, values, 409, { messageKey: 'planningBoard.leaveWarning', warning: true, leaveDays: toLeaveDaysView(result.days, lang) });
        return;
    }
  }

  private async formModel(req: Request, res: Response, item: PlanItemRow, returnPath: string, values: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const resources = (await this.board.resources()).map(toResourceChoice);
    return { title: 'planningBoard.planTitle', titleParams: { number: item.number ?? '' }, nav: 'planning', item: toItemView(item, langOf(res)), resources, returnPath, values, canPlan: canPlan(req), ...extra };
  }

  /** Refused with the plan form again (what was typed kept): in the board's dialog for htmx, as a page otherwise. */
  private async refuseWithForm(
    req: Request, res: Response, body: Record<string, unknown>, returnPath: string, values: Record<string, unknown>, status: number,
    extra: { messageKey: string; errors?: FieldErrors; warning?: boolean; leaveDays?: unknown[] },
  ) {
    const kind = body.item === 'activity' || body.item === 'card' ? body.item : undefined;
    const id = toInt(body.id);
    const item = kind && id ? await this.board.item(kind, id) : null;
    if (!item) {
      await this.refuse(req, res, returnPath, parseBoardQuery({}), 404, 'planningBoard.notFound', null);
      return;
    }
    // the card shown is the one the planner based the move on (its version), so "Plan anyway" stays a checked move
    const based = { ...item, cardVersion: Number(body.version) || item.cardVersion };
    const model = await this.formModel(req, res, based, returnPath, values, extra);
    if (isFragmentRequest(req)) {
      render(req, res, 'planning-board/index', { ...model, dialog: true, oob: true }, { status, fragment: 'planning-board/refused' });
      return;
    }
    render(req, res, 'planning-board/plan', model, { status });
  }

  private async refuse(req: Request, res: Response, returnPath: string, query: BoardQuery, status: number, messageKey: string, fresh: PlanItemRow | null) {
    if (!isFragmentRequest(req)) {
      flash(req, 'error', messageKey);
      res.redirect(303, returnPath);
      return;
    }
    render(req, res, 'planning-board/index', {
      messageKey,
      fresh: fresh ? toItemView(fresh, langOf(res)) : undefined,
      refresh: true,
      urls: { changes: changesUrl(query, 'stale') },
      returnParam: returnQuery(returnPath),
      canPlan: canPlan(req),
    }, { status, fragment: 'planning-board/refused' });
  }
}
