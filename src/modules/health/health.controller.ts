import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/guards.js';
import { HealthService } from './health.service.js';

@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** 200 {"status":"ok"} when the database answers, 503 otherwise. */
  @Public()
  @Get('healthz')
  async check(@Res() res: Response) {
    if (await this.health.databaseUp()) res.status(200).json({ status: 'ok' });
    else res.status(503).json({ status: 'unavailable', database: 'down' });
  }
}
