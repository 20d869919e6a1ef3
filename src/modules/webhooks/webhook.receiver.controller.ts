import { Controller, HttpCode, Inject, Logger, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/guards.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { verifyNotification } from './webhook.signature.js';
import { WebhookInbox } from './webhook.inbox.js';
import { WebhookWorker } from './webhook.worker.js';
import type { WebhookRawRequest } from './webhook.body.js';
import type { RejectionReason } from './webhooks.types.js';

/**
 * POST /webhooks/exact — Exact's callback. Answers from the database alone (one insert), never waits for
 * Exact: empty body → 200 (validation POST); verified notification → stored in the inbox → 200 (a replay
 * too, it changes nothing); anything else → 400/401 and only a counter of refused calls.
 */
@Controller('webhooks')
export class WebhookReceiverController {
  private readonly logger = new Logger('WebhookReceiver');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly inbox: WebhookInbox,
    private readonly worker: WebhookWorker,
  ) {}

  @Post('exact')
  @Public()
  @HttpCode(200)
  async receive(@Req() req: WebhookRawRequest, @Res() res: Response): Promise<void> {
    if (req.rawBodyTooLarge) return this.reject(req, res, 400, 'too_large', 'body larger than 64 KB');
    const result = verifyNotification(req.rawBody, this.config.exact.webhookSecret);
    if (!result.ok) return this.reject(req, res, result.status, result.reason, result.detail);
    if (result.kind === 'validation') {
      this.logger.log('validation POST from Exact answered');
      res.status(200).end();
      return;
    }
    const { duplicate } = await this.inbox.accept(result.content, result.contentText, result.contentHash);
    if (!duplicate) this.worker.kick();
    res.status(200).json({ ok: true, duplicate });
  }

  private async reject(req: WebhookRawRequest, res: Response, status: 400 | 401, reason: RejectionReason, detail: string): Promise<void> {
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    try {
      const n = await this.inbox.recordRejection(reason, ip, detail);
      // the first refusal of a minute and every order of magnitude after it go to the log
      if (n === 1 || Math.log10(n) % 1 === 0) this.logger.warn(`refused webhook call from ${ip}: ${reason} (${detail}); ${n} this minute`);
    } catch (e) {
      this.logger.warn(`refused webhook call from ${ip}: ${reason}; not counted: ${(e as Error).message}`);
    }
    res.status(status).json({ error: reason });
  }
}
