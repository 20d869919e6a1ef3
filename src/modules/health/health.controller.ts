import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { EntityManager } from '@mikro-orm/postgresql';
import { Public } from '../auth/guards.js';

@Controller()
export class HealthController {
  constructor(private readonly em: EntityManager) {}

  /** 200 {"status":"ok"} when the database answers, 503 otherwise. */
  @Public()
  @Get('healthz')
  async health(@Res() res: Response) {
    try {
      await Promise.race([
        this.em.getConnection().execute('select 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('database timeout')), 3000)),
      ]);
      res.status(200).json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable', database: 'down' });
    }
  }
}
